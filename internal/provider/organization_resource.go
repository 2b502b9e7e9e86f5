package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	"github.com/rockitplay/terraform-provider-rockit/internal/privatestate"
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
	mem    *runMemory // this configuration's run memory (run_memory.go)
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
			"`admin_username`, `admin_email` and `public_key_pem` only apply at creation (a later change is an error, never a " +
			"replacement), only a change of `name` replaces the organization, and `prune` and " +
			"`deletion_protection` are settings of this resource alone, changed without an API call.\n\n" +
			"**Invitation hosts.** Since ROCKITPLAY's \"Create Organization\" of 2025-10-15, a host may answer the create " +
			"without an initial password: it e-mails an invitation to `admin_email`, and the first administrator's account is " +
			"active once that address is confirmed. The provider cannot tell such a host before the first create; it then " +
			"warns, and `admin_initial_password` and `admin_initial_password_encrypted` are null. A provider configuration fed " +
			"from `admin_initial_password` (the bootstrap pattern) then fails before it sends anything, with a message saying " +
			"so: bootstrap in two applies, the second with the password the administrator set (a sensitive variable). Set " +
			"`admin_email` on such a host, or the invitation has nowhere to go.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The organization's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the organization: 2 to 50 letters, digits and underscores. **Changing it replaces the " +
					"organization**: the API cannot rename one, so the old organization is deleted with all its data (users, roles, " +
					"apps with their builds, deployments, subscriptions) and an empty one is created. The plan warns when it " +
					"would do that, and `deletion_protection = true` refuses it. The only attribute that replaces the organization.",
				Required:      true,
				Validators:    []validator.String{validators.Name()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"admin_username": schema.StringAttribute{
				MarkdownDescription: "Username of the primary administrator created with the organization; the API's default is `admin`. " +
					"Set only at creation: a later change is a plan-time error, never a replacement.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{validators.Name()},
				PlanModifiers: []planmodifier.String{planmodifiers.CreateOnly(true)},
			},
			"admin_email": schema.StringAttribute{
				MarkdownDescription: "Email address of the primary administrator. Set only at creation: a later change is a plan-time " +
					"error, never a replacement.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{validators.Email()},
				PlanModifiers: []planmodifier.String{planmodifiers.CreateOnly(false)},
			},
			"public_key_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded RSA public key (`-----BEGIN PUBLIC KEY-----`). When set, the API encrypts the administrator's " +
					"initial password with it (RSA-OAEP with SHA-256, base64) and only the ciphertext is kept, in " +
					"`admin_initial_password_encrypted`, so the password never rests in state in clear text. Make the key pair with " +
					"`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out org_key.pem` and " +
					"`openssl rsa -in org_key.pem -pubout -out org_key.pub.pem`. Set only at creation: " +
					"a later change is a plan-time error, never a replacement.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{validators.RSAPublicKeyPEM(false)},
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
				MarkdownDescription: "When `true`, Terraform refuses to delete the organization on every path: a destroy or a " +
					"change of `name` fails at plan time, and `terraform apply -replace`, `replace_triggered_by` or a tainted " +
					"resource fail at apply time before any request. Deleting an organization deletes all its data and cannot be " +
					"undone. To delete it, set `false` and apply first. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"admin_initial_password": schema.StringAttribute{
				MarkdownDescription: "Initial password of the primary administrator, as returned once by the API when no `public_key_pem` " +
					"is set. **Stored in state in clear text**: protect the state, and change the password after first use. " +
					"Null after an import, and always null on a host of the invitation generation, which e-mails the first " +
					"administrator an invitation instead (the create warns; see the description of the resource).",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"admin_initial_password_encrypted": schema.StringAttribute{
				MarkdownDescription: "The primary administrator's initial password encrypted with `public_key_pem` (base64 of RSA-OAEP " +
					"SHA-256 ciphertext). Decrypt it with the private key, e.g. `base64 -d | openssl pkeyutl -decrypt -inkey org_key.pem " +
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
	r.mem = getMemory(req.ProviderData)
}

// createOnlyAttributes are the organization's attributes that only apply at creation.
var organizationCreateOnly = []string{"admin_email", "admin_username", "public_key_pem"}

// ModifyPlan guards the organization against deletions the user did not ask for: a change of a
// create-only attribute is an error (never a replacement); a change of name (the only planned
// replacement) warns what it deletes, or fails under deletion_protection, as does a destroy.
// It also checks that the provider configuration has the admin token when the plan needs it
// (create, destroy, replace), and plans admin_initial_password as null when public_key_pem
// encrypts it.
func (r *organizationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !planOwnedHere(ctx, req, resp, r.client, organizationKey) {
		return
	}
	if req.State.Raw.IsNull() {
		// A create, or the new object of a replacement (also of a tainted organization).
		checkProviderServes(r.client, client.ScopeAdmin, "rockit_organization", &resp.Diagnostics)
		r.planEncryptedPassword(ctx, req, resp)
		return
	}
	var state organizationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.mem.noteOrganization(state.Name)
	name := state.Name.ValueString()
	if req.Plan.Raw.IsNull() {
		if state.DeletionProtection.ValueBool() {
			organizationGuard.planError(&resp.Diagnostics, name, "destroy")
			return
		}
		checkProviderServes(r.client, client.ScopeAdmin, "rockit_organization", &resp.Diagnostics)
		return
	}
	var config organizationResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !config.Name.IsUnknown() && !config.Name.Equal(state.Name) {
		// A new organization: the create-only values apply to it.
		if state.DeletionProtection.ValueBool() {
			organizationGuard.planError(&resp.Diagnostics, name, "replace (because of a change of name)")
			return
		}
		checkProviderServes(r.client, client.ScopeAdmin, "rockit_organization", &resp.Diagnostics)
		resp.Diagnostics.AddAttributeWarning(path.Root("name"), "The organization will be replaced",
			fmt.Sprintf("Changing name from %q to %q deletes the organization %q with all its data (users, roles, apps with "+
				"their builds, deployments, subscriptions) irreversibly, and creates an empty organization %q. The API cannot "+
				"rename an organization. Set deletion_protection = true to make Terraform refuse this.",
				name, config.Name.ValueString(), name, config.Name.ValueString()))
		return
	}
	for _, attr := range organizationCreateOnly {
		var configured, current types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attr), &configured)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attr), &current)...)
		changed, diags := planmodifiers.CreateOnlyChanged(ctx, configured, current, req.Private)
		resp.Diagnostics.Append(diags...)
		if !changed {
			continue
		}
		was := "without " + attr
		if !current.IsNull() {
			was = fmt.Sprintf("with %s = %q", attr, current.ValueString())
		}
		resp.Diagnostics.AddAttributeError(path.Root(attr), "Cannot change "+attr+" of an existing organization",
			fmt.Sprintf("%s applies only when the organization is created, and the API can neither read nor change it afterwards. "+
				"The organization %q was created %s; the configuration now says %q. Terraform does not replace an "+
				"organization for this, since that deletes it with all its data.\n\n"+
				"To keep the organization, restore the old value or remove %s from the configuration. To really delete the "+
				"organization and create it again with the new value, set deletion_protection = false (and apply), then run "+
				"terraform taint rockit_organization.<resource name> and apply: the plan then shows the replacement. "+
				"(terraform apply -replace=rockit_organization.<resource name> alone recreates it with the values it was created "+
				"with; together with a changed value it is refused by this check, since Terraform plans it as a change first.)",
				attr, name, was, configured.ValueString(), attr))
	}
}

// planEncryptedPassword: with public_key_pem the API returns the administrator's initial
// password only encrypted, so admin_initial_password is planned as null instead of unknown. A
// provider configuration fed from it (the bootstrap pattern) then sees a known null password
// while planning and says so, instead of failing at apply after the organization was created.
func (r *organizationResource) planEncryptedPassword(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var key types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("public_key_pem"), &key)...)
	if key.IsNull() || key.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("admin_initial_password"), types.StringNull())...)
}

func (r *organizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ownerAtCreate(ctx, resp, r.client, organizationKey)
	var plan organizationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, err := r.client.CreateOrganization(ctx, organizationToAPI(plan))
	if err != nil {
		// An organization cannot be read, so an unknown outcome is never kept in state: a
		// tainted organization would be deleted by the next apply, someone else's included.
		if client.IsConflict(err) && !client.MayBeOwnCreate(err) {
			organizationKey.createError(&resp.Diagnostics, plan.Name.ValueString(), err)
			return
		}
		var unconfirmed *client.UnconfirmedCreateError
		if errors.As(err, &unconfirmed) || client.OutcomeUnknown(err) {
			addOrganizationMayExist(&resp.Diagnostics, r.client, plan.Name.ValueString(), err)
			return
		}
		addClientError(&resp.Diagnostics, "Error creating organization", err)
		return
	}
	organizationFromAPI(org, &plan)
	tflog.Info(ctx, "created organization", map[string]any{"name": org.Name})
	if org.InitialPassword == "" && org.InitialPasswordEncrypted == "" {
		to := "the administrator's e-mail address"
		if !plan.AdminEmail.IsNull() {
			to = plan.AdminEmail.ValueString()
		}
		resp.Diagnostics.AddAttributeWarning(path.Root("admin_initial_password"), "Invitation sent instead of an initial password",
			fmt.Sprintf("The ROCKIT Edge host created the organization %q without an initial password: it is of the invitation "+
				"generation, which e-mails an invitation to the first administrator %q (%s); the account is active once that "+
				"address is confirmed. admin_initial_password (and admin_initial_password_encrypted) are null.\n\n"+
				"A provider configuration fed from admin_initial_password cannot log in in this apply. Once the administrator "+
				"has accepted the invitation and set a password, pass that password to it (a sensitive variable) and apply again.",
				org.Name, plan.AdminUsername.ValueString(), to))
		noteInvitation(ctx, invitationRecord{Endpoint: r.client.Endpoint(), Org: org.Name, Admin: plan.AdminUsername.ValueString(),
			Email: plan.AdminEmail.ValueString(), Created: r.client.Now()})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(organizationKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

// addOrganizationMayExist is the error of an organization create whose outcome is unknown (its
// answer was lost, or never came). Such an organization is never kept in state: the API cannot
// read it to prove it is this apply's, and its administrator's initial password travelled only
// in the lost answer, so nobody can log in to it. The error says how to recover without that
// password: import it if its administrator can get in another way, else the complete admin
// request that deletes it, then apply again.
func addOrganizationMayExist(diags *diag.Diagnostics, c *client.Client, name string, err error) {
	rawURL, header, prefix := c.OrganizationDeleteRequest(name)
	if rawURL == "" {
		rawURL = "<endpoint>/be/v1/orgs/" + url.PathEscape(name)
	}
	diags.AddAttributeError(path.Root("name"), "Organization may have been created, but its answer was lost",
		fmt.Sprintf("%s.\n\nThe organization %q probably exists now, but nobody can log in to it: its administrator's initial "+
			"password travelled only in the answer that was lost, and the API cannot read an organization to prove that it is "+
			"the one this apply created. It is not kept in state. Recover in one of two ways.\n\n"+
			"Keep it, if its administrator can get in without that password (a host that e-mails an invitation to "+
			"admin_email): import it with this block, then apply:\n\n"+
			"import {\n  to = rockit_organization.<resource name>\n  id = %q\n}\n\n"+
			"Or delete it and apply again, which creates it anew with a new password. Check first that nobody else created "+
			"an organization of that name: the delete removes all of its data and cannot be undone. With the administrator "+
			"token (the provider's admin_token) in %s:\n\n"+
			"  curl -X DELETE -H \"%s: %s$%s\" \"%s?prune=false\"\n\n"+
			"prune=false leaves the files already published to the organization's deployment origins where they are; "+
			"prune=true removes them too. An organization that was just created has published nothing, so both delete the "+
			"same.", err, name, name, envAdminToken, header, prefix, envAdminToken, rawURL))
}

// Read keeps state: the API has no endpoint that reads an organization.
func (r *organizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state organizationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !ownedHere(ctx, req, resp, r.client, organizationKey, state.Name.ValueString()) {
		return
	}
	r.mem.noteOrganization(state.Name)
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
	if organizationGuard.refuseDelete(&resp.Diagnostics, state.Name.ValueString(), state.DeletionProtection) {
		return
	}
	err := r.client.DeleteOrganization(ctx, state.Name.ValueString(), state.Prune.ValueBool())
	if err == nil || client.IsNotFound(err) {
		forgetInvitation(r.client.Endpoint(), state.Name.ValueString(), state.AdminUsername.ValueString())
	}
	if client.IsNotFound(err) {
		// Nothing can read an organization, so a 404 here is the first sign of a wrong name
		// (an import of a typo) as much as of an organization deleted outside Terraform.
		resp.Diagnostics.AddWarning("Organization not found",
			fmt.Sprintf("The organization %q did not exist on the host (the delete answered 404): nothing was deleted, and it "+
				"is removed from state. If it was imported, check the name: an import cannot check that an organization "+
				"exists, since the API has no endpoint to read one.", state.Name.ValueString()))
		return
	}
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
	resp.Diagnostics.Append(privatestate.MarkImported(ctx, resp.Private)...)
	resp.Diagnostics.AddWarning("The organization's existence was not checked",
		fmt.Sprintf("The API has no endpoint to read an organization, so the import of %q cannot check that it exists: any valid "+
			"name imports. Check the name. A wrong one shows only when a provider configured with that org_name logs in "+
			"(the organization does not exist), and a destroy of it deletes nothing (the API answers 404).", name))
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
