package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/planmodifiers"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var (
	_ resource.ResourceWithConfigure      = &deploymentResource{}
	_ resource.ResourceWithImportState    = &deploymentResource{}
	_ resource.ResourceWithIdentity       = &deploymentResource{}
	_ resource.ResourceWithValidateConfig = &deploymentResource{}
)

// NewDeploymentResource is the rockit_deployment resource.
func NewDeploymentResource() resource.Resource {
	return &deploymentResource{}
}

type deploymentResource struct {
	client *client.Client
	mem    *runMemory // this configuration's run memory (run_memory.go)
}

// deploymentOriginModel holds the origin attributes the API returns; the data sources use it
// as it is.
type deploymentOriginModel struct {
	Type        types.String `tfsdk:"type"`
	Endpoint    types.String `tfsdk:"endpoint"`
	Bucket      types.String `tfsdk:"bucket"`
	Prefix      types.String `tfsdk:"prefix"`
	AccessKeyID types.String `tfsdk:"access_key_id"`
}

// deploymentOriginResourceModel adds the secret, which the API never returns.
type deploymentOriginResourceModel struct {
	deploymentOriginModel
	SecretAccessKey          types.String `tfsdk:"secret_access_key"`
	SecretAccessKeyWO        types.String `tfsdk:"secret_access_key_wo"`
	SecretAccessKeyWOVersion types.Int64  `tfsdk:"secret_access_key_wo_version"`
}

type deploymentDownloadAuthModel struct {
	Provider types.String `tfsdk:"provider"`
}

type deploymentDownloadAuthResourceModel struct {
	deploymentDownloadAuthModel
	Key          types.String `tfsdk:"key"`
	KeyWO        types.String `tfsdk:"key_wo"`
	KeyWOVersion types.Int64  `tfsdk:"key_wo_version"`
}

type deploymentResourceModel struct {
	ID           types.String                         `tfsdk:"id"`
	Name         types.String                         `tfsdk:"name"`
	Origin       *deploymentOriginResourceModel       `tfsdk:"origin"`
	DownloadAuth *deploymentDownloadAuthResourceModel `tfsdk:"download_auth"`
	Status       types.String                         `tfsdk:"status"`
	Message      types.String                         `tfsdk:"message"`
}

// Paths of the write-only attributes, read from the configuration.
var (
	pathSecretAccessKeyWO = path.Root("origin").AtName("secret_access_key_wo")
	pathDownloadAuthKeyWO = path.Root("download_auth").AtName("key_wo")
)

func (r *deploymentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deployment"
}

func (r *deploymentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A deployment: a publishing target of the organization's apps, made of an S3 origin storage that " +
			"acts as the CDN origin and an optional CDN download authentication (Akamai or Gcore).\n\n" +
			"The API never returns the storage secret or the download authentication key. Terraform keeps the configured " +
			"values (in state, for `secret_access_key` and `key`), or, with the write-only variants `secret_access_key_wo` " +
			"and `key_wo` (Terraform 1.11 and later), does not store them at all and sends them again when their " +
			"`..._wo_version` changes. Deleting a deployment removes all files published to its origin; the API refuses it " +
			"while an app still registers the deployment; a plan that deletes it (destroy, rename) warns when apps it does not change still " +
			"register it, naming them.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The deployment's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the deployment: 2 to 50 letters, digits, underscores and square brackets. " +
					"Changing it creates a new deployment.",
				Required:      true,
				Validators:    []validator.String{validators.DeploymentName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"origin": schema.SingleNestedAttribute{
				MarkdownDescription: "The origin storage that published files are written to.",
				Required:            true,
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						MarkdownDescription: "Storage type; only `s3` is available. Defaults to `s3`.",
						Optional:            true,
						Computed:            true,
						Default:             stringdefault.StaticString("s3"),
						Validators:          []validator.String{stringvalidator.OneOf("s3")},
					},
					"endpoint": schema.StringAttribute{
						MarkdownDescription: "S3 endpoint: a host name with the region and without the bucket, e.g. " +
							"`s3.us-east-1.amazonaws.com`. No scheme (`https://`), no path, and not starting with the bucket name.",
						Required:   true,
						Validators: []validator.String{validators.S3Endpoint()},
					},
					"bucket": schema.StringAttribute{
						MarkdownDescription: "Name of the S3 bucket.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"prefix": schema.StringAttribute{
						MarkdownDescription: "Key prefix inside the bucket that files are published under. Defaults to `\"\"` (the bucket's root).",
						Optional:            true,
						Computed:            true,
						Default:             stringdefault.StaticString(""),
					},
					"access_key_id": schema.StringAttribute{
						MarkdownDescription: "Access key ID of the storage credentials.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"secret_access_key": schema.StringAttribute{
						MarkdownDescription: "Secret access key of the storage credentials. The API never returns it: Terraform " +
							"keeps the configured value **in state** and sends it when it changes. Exactly one of `secret_access_key` " +
							"and `secret_access_key_wo` is required.",
						Optional:  true,
						Sensitive: true,
						Validators: []validator.String{
							stringvalidator.LengthAtLeast(1),
							validators.SecretOrWriteOnly("secret_access_key_wo"),
						},
					},
					"secret_access_key_wo": schema.StringAttribute{
						MarkdownDescription: "Write-only secret access key (Terraform 1.11 and later): sent to the API but never " +
							"stored in plan or state. It is sent at creation and whenever `secret_access_key_wo_version` changes; " +
							"change the version to rotate the secret.",
						Optional:  true,
						Sensitive: true,
						WriteOnly: true,
						Validators: []validator.String{
							stringvalidator.LengthAtLeast(1),
							validators.WriteOnlyVersion("secret_access_key_wo_version"),
						},
					},
					"secret_access_key_wo_version": schema.Int64Attribute{
						MarkdownDescription: "Version of `secret_access_key_wo`: **required when `secret_access_key_wo` is set**. " +
							"Terraform cannot see a change of a write-only value: change this number to send the current " +
							"`secret_access_key_wo` again.",
						Optional: true,
						Validators: []validator.Int64{
							int64validator.AlsoRequires(path.MatchRoot("origin").AtName("secret_access_key_wo")),
						},
					},
				},
			},
			"download_auth": schema.SingleNestedAttribute{
				MarkdownDescription: "CDN download authentication. Leave it out for public downloads; removing it sends `null` " +
					"and turns download authentication off.",
				Optional: true,
				Attributes: map[string]schema.Attribute{
					"provider": schema.StringAttribute{
						MarkdownDescription: "CDN provider: `akamai` or `gcore`.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.OneOf("akamai", "gcore")},
					},
					"key": schema.StringAttribute{
						MarkdownDescription: "Download authentication key. The API never returns it: Terraform keeps the configured " +
							"value **in state**. Exactly one of `key` and `key_wo` is required.",
						Optional:  true,
						Sensitive: true,
						Validators: []validator.String{
							stringvalidator.LengthAtLeast(1),
							validators.SecretOrWriteOnly("key_wo"),
						},
					},
					"key_wo": schema.StringAttribute{
						MarkdownDescription: "Write-only download authentication key (Terraform 1.11 and later): never stored in " +
							"plan or state; sent when `download_auth` is created or changed and whenever `key_wo_version` changes.",
						Optional:  true,
						Sensitive: true,
						WriteOnly: true,
						Validators: []validator.String{
							stringvalidator.LengthAtLeast(1),
							validators.WriteOnlyVersion("key_wo_version"),
						},
					},
					"key_wo_version": schema.Int64Attribute{
						MarkdownDescription: "Version of `key_wo`: **required when `key_wo` is set**. Terraform cannot see a change " +
							"of a write-only value: change this number to send the current `key_wo` again.",
						Optional: true,
						Validators: []validator.Int64{
							int64validator.AlsoRequires(path.MatchRoot("download_auth").AtName("key_wo")),
						},
					},
				},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the deployment as the API reports it, e.g. `ready`. A plan shows the value " +
					"of the last refresh, unless it changes the origin or the download authentication (an import followed by " +
					"the first apply of the secrets does not).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{deploymentStatusFromState},
			},
			"message": schema.StringAttribute{
				MarkdownDescription: "The API's description of the deployment's status; planned like `status`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{deploymentStatusFromState},
			},
		},
	}
}

// deploymentStatusFromState plans status and message from state unless the update changes a
// setting of the origin or the download authentication.
var deploymentStatusFromState = planmodifiers.FromStateUnless("a change of the origin or the download authentication",
	func(ctx context.Context, plan tfsdk.Plan, state tfsdk.State) (bool, diag.Diagnostics) {
		var p, s deploymentResourceModel
		diags := plan.Get(ctx, &p)
		diags.Append(state.Get(ctx, &s)...)
		return diags.HasError() || deploymentSettingsMove(p, s), diags
	})

// deploymentSettingsMove tells whether an update changes what the server knows of the
// deployment's storage or CDN, which may move its status. Secrets that state does not know
// (null after an import) are sent again but replace nothing Terraform knew: the server has
// them already, so sending them is not counted.
func deploymentSettingsMove(p, s deploymentResourceModel) bool {
	replaced := func(plan, state attr.Value) bool { return !state.IsNull() && !plan.Equal(state) }
	if p.Origin == nil || s.Origin == nil {
		return true
	}
	po, so := p.Origin, s.Origin
	if !po.Type.Equal(so.Type) || !po.Endpoint.Equal(so.Endpoint) || !po.Bucket.Equal(so.Bucket) ||
		!po.Prefix.Equal(so.Prefix) || !po.AccessKeyID.Equal(so.AccessKeyID) ||
		replaced(po.SecretAccessKey, so.SecretAccessKey) || replaced(po.SecretAccessKeyWOVersion, so.SecretAccessKeyWOVersion) {
		return true
	}
	pd, sd := p.DownloadAuth, s.DownloadAuth
	if pd == nil || sd == nil {
		return (pd == nil) != (sd == nil)
	}
	return !pd.Provider.Equal(sd.Provider) || replaced(pd.Key, sd.Key) || replaced(pd.KeyWOVersion, sd.KeyWOVersion)
}

// IdentitySchema declares the identity: the name and the organization (lifecycle.go).
func (r *deploymentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	deploymentKey.identitySchema(resp)
}

func (r *deploymentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
	r.mem = getMemory(req.ProviderData)
}

// ModifyPlan checks that the provider configuration can manage the resource, and the plan
// checks (plan_checks.go).
func (r *deploymentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkProviderServes(r.client, client.ScopeOrg, "rockit_deployment", &resp.Diagnostics)
	if !planOwnedHere(ctx, req, resp, r.client, deploymentKey) {
		return
	}
	checkNameTaken(ctx, req, resp, r.client, r.mem, deploymentKey, planned(plain(func(m deploymentResourceModel) client.CreateDeploymentRequest {
		return deploymentToAPI(m, types.StringNull(), types.StringNull()) // the write-only secrets are not part of the evidence
	})))
	checkDeploymentTarget(ctx, r.mem, req, resp)
}

// ValidateConfig applies the rule that needs two attributes: an endpoint that does not start
// with the bucket name (a virtual-hosted-style endpoint). Exactly one of each secret and its
// write-only variant is the attributes' own validator (validators.SecretOrWriteOnly).
func (r *deploymentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var endpoint, bucket types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("origin").AtName("endpoint"), &endpoint)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("origin").AtName("bucket"), &bucket)...)
	if resp.Diagnostics.HasError() || endpoint.IsNull() || endpoint.IsUnknown() || bucket.IsNull() || bucket.IsUnknown() || bucket.ValueString() == "" {
		return
	}
	if strings.HasPrefix(strings.ToLower(endpoint.ValueString()), strings.ToLower(bucket.ValueString())+".") {
		resp.Diagnostics.AddAttributeError(path.Root("origin").AtName("endpoint"), "Invalid attribute value",
			fmt.Sprintf("Attribute origin.endpoint must not contain the bucket name: %q starts with the bucket %q. "+
				"Use the regional endpoint without the bucket, e.g. s3.us-east-1.amazonaws.com, and set the bucket in origin.bucket.",
				endpoint.ValueString(), bucket.ValueString()))
	}
}

func (r *deploymentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ownerAtCreate(ctx, resp, r.client, deploymentKey)
	var plan deploymentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	secretWO, keyWO := r.writeOnlyValues(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	d, err := r.client.CreateDeployment(ctx, deploymentToAPI(plan, secretWO, keyWO))
	if err != nil {
		if keepMaybeCreated(ctx, req, resp, deploymentKey, plan.Name.ValueString(), err) {
			return
		}
		deploymentKey.createError(&resp.Diagnostics, plan.Name.ValueString(), err)
		return
	}
	deploymentFromAPI(d, &plan)
	tflog.Info(ctx, "created deployment", map[string]any{"name": d.Name})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(deploymentKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

func (r *deploymentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deploymentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !ownedHere(ctx, req, resp, r.client, deploymentKey, state.Name.ValueString()) ||
		settleUnknownCreate(ctx, req, resp, deploymentKey, r.client, r.mem, state.Name.ValueString()) {
		return
	}
	d, err := r.client.ReadDeployment(ctx, state.Name.ValueString())
	if client.IsNotFound(err) {
		deploymentKey.readGone(ctx, resp, r.client, state.Name.ValueString())
		return
	}
	if err != nil {
		addReadError(&resp.Diagnostics, "Error reading deployment", err)
		return
	}
	deploymentFromAPI(d, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(deploymentKey.set(ctx, resp.Identity, r.client, state.Name.ValueString())...)
	if listDriftUnconfirmed(r.client, deploymentKey.collection(), state.Name.ValueString(), req, resp) {
		r.Read(ctx, req, resp)
	}
}

func (r *deploymentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state deploymentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	secretWO, keyWO := r.writeOnlyValues(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	patch := deploymentPatch(plan, state, secretWO, keyWO)
	d, err := r.client.UpdateDeployment(ctx, patch)
	if err != nil {
		addClientError(&resp.Diagnostics, "Error updating deployment", err)
		return
	}
	status, message := plan.Status, plan.Message
	deploymentFromAPI(d, &plan)
	keepPlanned(status, &plan.Status)
	keepPlanned(message, &plan.Message)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(deploymentKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

func (r *deploymentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state deploymentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if spareUnprovenObject(ctx, req, resp, deploymentKey, r.client, state.Name.ValueString()) {
		return
	}
	checkDelete(ctx, &resp.Diagnostics, "deployment", state.Name.ValueString(), r.client.DeleteDeployment(ctx, state.Name.ValueString()),
		"Remove it from the deployments of these apps (rockit_app.deployments) first, or delete them in the same run so that "+
			"Terraform deregisters them before the deployment goes. If this delete is part of renaming the deployment, add "+
			"lifecycle { create_before_destroy = true } to the rockit_deployment: Terraform then creates the deployment under "+
			"its new name, registers the apps that reference it (deployments = [rockit_deployment.<name>.name]) to it, and "+
			"deletes the old deployment last.")
}

// ImportState imports by name. The secrets cannot be read: they stay null, and the configured
// values are sent by the next apply.
func (r *deploymentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByName(ctx, req, resp, deploymentKey, r.client)
}

// writeOnlyValues reads the write-only secrets from the configuration (null when not set).
func (r *deploymentResource) writeOnlyValues(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (secretWO, keyWO types.String) {
	diags.Append(config.GetAttribute(ctx, pathSecretAccessKeyWO, &secretWO)...)
	var da types.Object
	diags.Append(config.GetAttribute(ctx, path.Root("download_auth"), &da)...)
	keyWO = types.StringNull()
	if !da.IsNull() && !da.IsUnknown() {
		diags.Append(config.GetAttribute(ctx, pathDownloadAuthKeyWO, &keyWO)...)
	}
	return secretWO, keyWO
}

// deploymentToAPI maps the planned resource (with the write-only values from the
// configuration) to the create request.
func deploymentToAPI(m deploymentResourceModel, secretWO, keyWO types.String) client.CreateDeploymentRequest {
	in := client.CreateDeploymentRequest{
		Name: m.Name.ValueString(),
		Origin: client.Origin{
			Type:            m.Origin.Type.ValueString(),
			Endpoint:        m.Origin.Endpoint.ValueString(),
			Bucket:          m.Origin.Bucket.ValueString(),
			Prefix:          m.Origin.Prefix.ValueString(),
			AccessKeyID:     m.Origin.AccessKeyID.ValueString(),
			SecretAccessKey: firstKnown(m.Origin.SecretAccessKey, secretWO),
		},
	}
	if m.DownloadAuth != nil {
		in.DownloadAuth = &client.DownloadAuth{
			Provider: m.DownloadAuth.Provider.ValueString(),
			Key:      firstKnown(m.DownloadAuth.Key, keyWO),
		}
	}
	return in
}

// deploymentPatch compares plan and state and sends only what changed. A secret is sent when
// its value (or the version of its write-only variant) changed; download_auth is sent whole
// when anything in it changed, and null when it was removed.
func deploymentPatch(plan, state deploymentResourceModel, secretWO, keyWO types.String) client.UpdateDeploymentRequest {
	in := client.UpdateDeploymentRequest{Name: plan.Name.ValueString()}
	p, s := plan.Origin, state.Origin
	op := client.OriginPatch{
		Type:        changedString(p.Type, s.Type),
		Endpoint:    changedString(p.Endpoint, s.Endpoint),
		Bucket:      changedString(p.Bucket, s.Bucket),
		Prefix:      changedString(p.Prefix, s.Prefix),
		AccessKeyID: changedString(p.AccessKeyID, s.AccessKeyID),
	}
	switch {
	case !p.SecretAccessKey.IsNull() && !p.SecretAccessKey.Equal(s.SecretAccessKey):
		v := p.SecretAccessKey.ValueString()
		op.SecretAccessKey = &v
	case !secretWO.IsNull() && !p.SecretAccessKeyWOVersion.Equal(s.SecretAccessKeyWOVersion):
		v := secretWO.ValueString()
		op.SecretAccessKey = &v
	}
	in.Origin = &op

	pd, sd := plan.DownloadAuth, state.DownloadAuth
	switch {
	case pd == nil && sd != nil:
		in.RemoveDownloadAuth = true
	case pd != nil && (sd == nil || !pd.Provider.Equal(sd.Provider) ||
		(!pd.Key.IsNull() && !pd.Key.Equal(sd.Key)) ||
		(!keyWO.IsNull() && !pd.KeyWOVersion.Equal(sd.KeyWOVersion))):
		in.DownloadAuth = &client.DownloadAuth{Provider: pd.Provider.ValueString(), Key: firstKnown(pd.Key, keyWO)}
	}
	return in
}

// deploymentFromAPI fills the model from the API's answer. The secrets are not in the answer:
// the model keeps what it had (configuration or state).
func deploymentFromAPI(d *client.Deployment, m *deploymentResourceModel) {
	m.ID = types.StringValue(d.Name)
	m.Name = types.StringValue(d.Name)
	if m.Origin == nil {
		m.Origin = &deploymentOriginResourceModel{
			SecretAccessKey:          types.StringNull(),
			SecretAccessKeyWO:        types.StringNull(),
			SecretAccessKeyWOVersion: types.Int64Null(),
		}
	}
	m.Origin.deploymentOriginModel = deploymentOriginModel{
		Type:        types.StringValue(d.Origin.Type),
		Endpoint:    types.StringValue(d.Origin.Endpoint),
		Bucket:      types.StringValue(d.Origin.Bucket),
		Prefix:      types.StringValue(d.Origin.Prefix),
		AccessKeyID: types.StringValue(d.Origin.AccessKeyID),
	}
	m.Origin.SecretAccessKeyWO = types.StringNull()
	switch {
	case d.DownloadAuth == nil:
		m.DownloadAuth = nil
	case m.DownloadAuth == nil:
		m.DownloadAuth = &deploymentDownloadAuthResourceModel{
			Key: types.StringNull(), KeyWO: types.StringNull(), KeyWOVersion: types.Int64Null(),
		}
		fallthrough
	default:
		m.DownloadAuth.Provider = types.StringValue(d.DownloadAuth.Provider)
		m.DownloadAuth.KeyWO = types.StringNull()
	}
	m.Status = types.StringValue(d.Status)
	m.Message = types.StringValue(d.Message)
}
