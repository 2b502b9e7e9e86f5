package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/planmodifiers"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &organizationResource{}
	_ resource.ResourceWithImportState = &organizationResource{}
	_ resource.ResourceWithIdentity    = &organizationResource{}
	_ resource.ResourceWithModifyPlan  = &organizationResource{}
)

// NewOrganizationResource is the rockit_organization resource.
func NewOrganizationResource() resource.Resource {
	return &organizationResource{}
}

type organizationResource struct {
	client *client.Client
}

type organizationResourceModel struct {
	ID                            types.String `tfsdk:"id"`
	Name                          types.String `tfsdk:"name"`
	AdminUsername                 types.String `tfsdk:"admin_username"`
	AdminEmail                    types.String `tfsdk:"admin_email"`
	PublicKeyPEM                  types.String `tfsdk:"public_key_pem"`
	Prune                         types.Bool   `tfsdk:"prune"`
	DeletionProtection            types.Bool   `tfsdk:"deletion_protection"`
	AdminInitialPassword          types.String `tfsdk:"admin_initial_password"`
	AdminInitialPasswordEncrypted types.String `tfsdk:"admin_initial_password_encrypted"`
}

func (r *organizationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

func (r *organizationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A ROCKIT Edge organization (tenant), with its built-in `Administrators` role and its primary " +
			"administrator user. Needs the provider's `admin_token`.\n\n" +
			"The API has no endpoint to read or change an organization: Terraform keeps what it created in state, " +
			"`admin_username`, `admin_email` and `public_key_pem` only apply at creation, and `prune` and " +
			"`deletion_protection` are settings of this resource alone, changed without an API call.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The organization's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the organization: 2 to 50 letters, digits and underscores. Changing it creates a new organization " +
					"(the old one and all its data are deleted).",
				Required:      true,
				Validators:    []validator.String{validators.Name()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"admin_username": schema.StringAttribute{
				MarkdownDescription: "Username of the primary administrator created with the organization; the API's default is `admin`. " +
					"Set only at creation: changing it forces a new organization.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{validators.Name()},
				PlanModifiers: []planmodifier.String{planmodifiers.CreateOnly(true)},
			},
			"admin_email": schema.StringAttribute{
				MarkdownDescription: "Email address of the primary administrator. Set only at creation: changing it forces a new organization.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{validators.Email()},
				PlanModifiers:       []planmodifier.String{planmodifiers.CreateOnly(false)},
			},
			"public_key_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded RSA public key (`-----BEGIN PUBLIC KEY-----`). When set, the API encrypts the administrator's " +
					"initial password with it (RSA-OAEP with SHA-256, base64) and only the ciphertext is kept, in " +
					"`admin_initial_password_encrypted`, so the password never rests in state in clear text. Make the key pair with " +
					"`ssh-keygen -t rsa -b 4096 -m PEM -f org_key` and `openssl rsa -in org_key -pubout`. Set only at creation: " +
					"changing it forces a new organization.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(pemPublicKeyPattern, "must be a PEM-encoded public key (-----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----)"),
				},
				PlanModifiers: []planmodifier.String{planmodifiers.CreateOnly(false)},
			},
			"prune": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying the organization also removes the files it has published to its deployment " +
					"origins (`DELETE /be/v1/orgs/{name}?prune=true`). When `false` the published files stay on the origins. " +
					"The value in state at destroy time is used, so set it and apply before destroying. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "When `true`, any plan that would destroy or replace the organization fails at plan time. " +
					"Deleting an organization deletes all its data and cannot be undone. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"admin_initial_password": schema.StringAttribute{
				MarkdownDescription: "Initial password of the primary administrator, as returned once by the API when no `public_key_pem` " +
					"is set. **Stored in state in clear text**: protect the state, and change the password after first use. " +
					"Null after an import.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"admin_initial_password_encrypted": schema.StringAttribute{
				MarkdownDescription: "The primary administrator's initial password encrypted with `public_key_pem` (base64 of RSA-OAEP " +
					"SHA-256 ciphertext). Decrypt it with the private key, e.g. `base64 -d | openssl pkeyutl -decrypt -inkey org_key " +
					"-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// IdentitySchema declares the identity: the name (lifecycle.go).
func (r *organizationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	organizationKey.identitySchema(resp)
}

func (r *organizationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan enforces deletion_protection on destroy and on replacement.
func (r *organizationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return
	}
	var state organizationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.DeletionProtection.ValueBool() {
		return
	}
	action := "destroy"
	if !req.Plan.Raw.IsNull() {
		var config organizationResourceModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
		changed := []string{}
		if !config.Name.Equal(state.Name) {
			changed = append(changed, "name")
		}
		for attr, v := range map[string][2]types.String{
			"admin_username": {config.AdminUsername, state.AdminUsername},
			"admin_email":    {config.AdminEmail, state.AdminEmail},
			"public_key_pem": {config.PublicKeyPEM, state.PublicKeyPEM},
		} {
			replace, diags := planmodifiers.CreateOnlyRequiresReplace(ctx, v[0], v[1], req.Private)
			resp.Diagnostics.Append(diags...)
			if replace {
				changed = append(changed, attr)
			}
		}
		if len(changed) == 0 {
			return
		}
		sort.Strings(changed)
		action = fmt.Sprintf("replace (because of a change of %s)", strings.Join(changed, ", "))
	}
	resp.Diagnostics.AddError("Organization is protected from deletion",
		fmt.Sprintf("The plan would %s the organization %q, which deletes all its data irreversibly, but its deletion_protection is true. "+
			"To go ahead, set deletion_protection = false and apply that first.", action, state.Name.ValueString()))
}

func (r *organizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan organizationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, err := r.client.CreateOrganization(ctx, organizationToAPI(plan))
	if err != nil {
		if client.IsConflict(err) && !client.MayBeOwnCreate(err) {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Organization already exists",
				fmt.Sprintf("An organization named %q exists already on the ROCKIT Edge host (%s). To manage it with Terraform, import it:\n\n"+
					"  terraform import rockit_organization.<resource name> %s\n\nor add an import block with id = %q.",
					plan.Name.ValueString(), err, plan.Name.ValueString(), plan.Name.ValueString()))
			return
		}
		var unconfirmed *client.UnconfirmedCreateError
		if errors.As(err, &unconfirmed) {
			name := plan.Name.ValueString()
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Organization may have been created, but its answer was lost",
				fmt.Sprintf("%s.\n\nThe organization %q probably exists now, without its initial administrator password. "+
					"If you can log in to it, import it:\n\n  terraform import rockit_organization.<resource name> %s\n\n"+
					"Otherwise delete it with the administrator token (DELETE /be/v1/orgs/%s) and apply again.", err, name, name, name))
			return
		}
		addClientError(&resp.Diagnostics, "Error creating organization", err)
		return
	}
	organizationFromAPI(org, &plan)
	tflog.Info(ctx, "created organization", map[string]any{"name": org.Name})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(organizationKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

// Read keeps state: the API has no endpoint that reads an organization.
func (r *organizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state organizationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(organizationKey.set(ctx, resp.Identity, r.client, state.Name.ValueString())...)
}

// Update changes only attributes of this resource (prune, deletion_protection) or adopts
// create-only values after an import: no API call.
func (r *organizationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state organizationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = state.ID
	plan.AdminInitialPassword = state.AdminInitialPassword
	plan.AdminInitialPasswordEncrypted = state.AdminInitialPasswordEncrypted
	for _, v := range []*types.String{&plan.AdminUsername, &plan.AdminEmail, &plan.PublicKeyPEM} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(organizationKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

func (r *organizationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state organizationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteOrganization(ctx, state.Name.ValueString(), state.Prune.ValueBool())
	checkDelete(ctx, &resp.Diagnostics, "organization", state.Name.ValueString(), err, "")
}

// ImportState imports by name. The create-only attributes and the initial password cannot be
// read from the API: they stay null, and configured values are adopted on the next apply.
func (r *organizationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name, ok := importByName(ctx, req, resp, organizationKey, r.client)
	if !ok {
		return
	}
	state := organizationResourceModel{
		ID:                            types.StringValue(name),
		Name:                          types.StringValue(name),
		AdminUsername:                 types.StringNull(),
		AdminEmail:                    types.StringNull(),
		PublicKeyPEM:                  types.StringNull(),
		Prune:                         types.BoolValue(false),
		DeletionProtection:            types.BoolValue(false),
		AdminInitialPassword:          types.StringNull(),
		AdminInitialPasswordEncrypted: types.StringNull(),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(planmodifiers.MarkImported(ctx, resp.Private)...)
}

// organizationToAPI maps the planned resource to the create request.
func organizationToAPI(m organizationResourceModel) client.CreateOrganizationRequest {
	return client.CreateOrganizationRequest{
		Name:          m.Name.ValueString(),
		AdminUsername: m.AdminUsername.ValueString(),
		AdminEmail:    m.AdminEmail.ValueString(),
		PublicKey:     m.PublicKeyPEM.ValueString(),
	}
}

// organizationFromAPI fills the computed attributes from the create answer.
func organizationFromAPI(o *client.Organization, m *organizationResourceModel) {
	m.ID = types.StringValue(o.Name)
	m.Name = types.StringValue(o.Name)
	m.AdminUsername = types.StringValue(o.AdminUsername)
	if o.AdminUsername == "" {
		m.AdminUsername = types.StringValue("admin")
	}
	m.AdminInitialPassword = stringOrNull(o.InitialPassword)
	m.AdminInitialPasswordEncrypted = stringOrNull(o.InitialPasswordEncrypted)
	if m.AdminEmail.IsUnknown() {
		m.AdminEmail = types.StringNull()
	}
	if m.PublicKeyPEM.IsUnknown() {
		m.PublicKeyPEM = types.StringNull()
	}
}

// stringOrNull maps the API's absent-or-empty string to null.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// pemPublicKeyPattern is a loose check that a value is a PEM public key block.
var pemPublicKeyPattern = regexp.MustCompile(`(?s)^\s*-----BEGIN (RSA )?PUBLIC KEY-----.+-----END (RSA )?PUBLIC KEY-----\s*$`)
