package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/privatestate"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &userResource{}
	_ resource.ResourceWithImportState = &userResource{}
	_ resource.ResourceWithIdentity    = &userResource{}
	_ resource.ResourceWithModifyPlan  = &userResource{}
)

// NewUserResource is the rockit_user resource.
func NewUserResource() resource.Resource {
	return &userResource{}
}

type userResource struct {
	client     *client.Client
	secretsKey secretsKey
}

type userResourceModel struct {
	ID                 types.String `tfsdk:"id"`
	Username           types.String `tfsdk:"username"`
	Email              types.String `tfsdk:"email"`
	Firstname          types.String `tfsdk:"firstname"`
	Surname            types.String `tfsdk:"surname"`
	Title              types.String `tfsdk:"title"`
	Roles              types.Set    `tfsdk:"roles"`
	InitialPassword    types.String `tfsdk:"initial_password"`
	CredentialsVersion types.Int64  `tfsdk:"credentials_version"`
	PublicKeyPEM       types.String `tfsdk:"public_key_pem"`
	InitialPasswordEnc types.String `tfsdk:"initial_password_encrypted"`
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A human backend user of a ROCKIT Edge organization, who logs in with a password. " +
			"The API issues an initial password at creation, kept in `initial_password` (in state, sensitive), or only " +
			"encrypted in `initial_password_encrypted` when a `public_key_pem` is set; changing `credentials_version` issues " +
			"a new one. For automation use `rockit_machine_user`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user's username.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "Username: 2 to 50 letters, digits and underscores. Changing it creates a new user (and deletes the old one).",
				Required:            true,
				Validators:          []validator.String{validators.Name()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address of the user.",
				Required:            true,
				Validators:          []validator.String{validators.Email()},
			},
			"firstname": schema.StringAttribute{
				MarkdownDescription: "First name of the user.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"surname": schema.StringAttribute{
				MarkdownDescription: "Surname of the user.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Title of the user, e.g. `Dr.`. Removing it clears the title.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"roles": rolesAttribute("the user"),
			"initial_password": schema.StringAttribute{
				MarkdownDescription: "Initial password issued by the API when the user was created, or when `credentials_version` last " +
					"changed, when no `public_key_pem` (nor the provider's `secrets_public_key_pem`) is set; null with a key. " +
					"The API returns it only once: it is **stored in state in clear text** (sensitive), so protect the " +
					"state, or set a key. It stays the same when the user changes the password. Not importable: null after an import.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"credentials_version": schema.Int64Attribute{
				MarkdownDescription: "Any number; changing it to a new value resets the user's credentials (`resetCreds`): the " +
					"API issues a new initial password, stored in `initial_password` (or encrypted with the key configured then), and " +
					"the old password stops working. " +
					"The user is updated in place, nothing else changes. Removing the attribute does not reset. " +
					"Not importable: after an import the configured value is adopted without a reset.",
				Optional: true,
			},
			"public_key_pem":             publicKeyAttribute("initial password", "initial_password", "initial_password_encrypted", "the next `credentials_version` change"),
			"initial_password_encrypted": encryptedSecretAttribute("initial password"),
		},
	}
}

// IdentitySchema declares the identity: the username and the organization (lifecycle.go).
func (r *userResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	userKey.identitySchema(resp)
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
	r.secretsKey = getSecretsKey(req.ProviderData)
}

// ModifyPlan checks the provider configuration and plans a new initial password (clear or encrypted) at creation and when
// credentials_version asks for a reset.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkProviderServes(r.client, client.ScopeOrg, "rockit_user", &resp.Diagnostics)
	checkNameTaken(ctx, req, resp, r.client, userKey, "rockit_user")
	planIssuedSecret(ctx, req, resp, issuedSecretAttrs{version: "credentials_version", clear: "initial_password", encrypted: "initial_password_encrypted"}, r.secretsKey)
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := effectiveSecretsKey(plan.PublicKeyPEM, r.secretsKey)
	if !checkSecretsKey(key, &resp.Diagnostics) {
		return
	}
	u, err := r.client.CreateUser(ctx, userToAPI(plan))
	if err != nil {
		if u != nil && credentialsLost(&resp.Diagnostics, "rockit_user", "initial_password", "credentials_version", err) {
			resp.Diagnostics.Append(userFromAPI(u, &plan, key)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
		if keepMaybeCreated(ctx, req, resp, "rockit_user", "user", plan.Username.ValueString(), err) {
			return
		}
		addUserCreateError(&resp.Diagnostics, "rockit_user", plan.Username.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(userFromAPI(u, &plan, key)...)
	tflog.Info(ctx, "created user", map[string]any{"username": u.Username})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(userKey.set(ctx, resp.Identity, r.client, plan.Username.ValueString())...)
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if settleUnknownCreate(ctx, req, resp, userKey, "rockit_user", r.client, state.Username.ValueString()) {
		return
	}
	u, ok := readUser(ctx, r.client, userKey, state.Username.ValueString(), client.UserTypeHuman, resp)
	if !ok {
		return
	}
	resp.Diagnostics.Append(userFromAPI(u, &state, secretsKey{})...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(userKey.set(ctx, resp.Identity, r.client, state.Username.ValueString())...)
}

// Update sends the changed profile fields and roles, and resetCreds when credentials_version
// asks for it, in one PATCH.
func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	reset, diags := rotationRequested(ctx, plan.CredentialsVersion, state.CredentialsVersion, req.Private)
	resp.Diagnostics.Append(diags...)
	key := effectiveSecretsKey(plan.PublicKeyPEM, r.secretsKey)
	if reset && !checkSecretsKey(key, &resp.Diagnostics) {
		return
	}
	plan.InitialPassword, plan.InitialPasswordEnc = state.InitialPassword, state.InitialPasswordEnc
	if patch := userPatch(plan, state, reset); patch.Changes() {
		u, err := r.client.UpdateUser(ctx, patch)
		if err != nil {
			addClientError(&resp.Diagnostics, "Error updating user", err)
			return
		}
		resp.Diagnostics.Append(userFromAPI(u, &plan, key)...)
		if reset && u.InitialPassword == "" {
			resp.Diagnostics.AddError("No new password", "The API reset the credentials of user "+u.Username+
				" but its answer carried no initialPassword; reset them again by changing credentials_version.")
			plan.InitialPassword, plan.InitialPasswordEnc = types.StringNull(), types.StringNull()
		}
	}
	if !reset {
		resp.Diagnostics.Append(sealKeptSecret(key, &plan.InitialPassword, &plan.InitialPasswordEnc)...)
	}
	resp.Diagnostics.Append(privatestate.ClearImported(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(userKey.set(ctx, resp.Identity, r.client, plan.Username.ValueString())...)
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if spareUnprovenObject(ctx, req, resp, userKey, r.client, state.Username.ValueString()) {
		return
	}
	deleteUser(ctx, r.client, state.Username.ValueString(), &resp.Diagnostics)
}

// ImportState imports a user by username. The initial password cannot be read back.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importUser(ctx, req, resp, userKey, r.client)
}

// userToAPI maps the planned user to the create request.
func userToAPI(m userResourceModel) client.CreateUserRequest {
	return client.CreateUserRequest{
		Username:  m.Username.ValueString(),
		Email:     m.Email.ValueString(),
		Firstname: m.Firstname.ValueString(),
		Surname:   m.Surname.ValueString(),
		Title:     m.Title.ValueString(),
		Roles:     setStrings(m.Roles),
	}
}

// userPatch compares plan and state and sends only what changed (a removed title as null), and
// resetCreds when credentials_version asks for it.
func userPatch(plan, state userResourceModel, reset bool) client.UpdateUserRequest {
	return client.UpdateUserRequest{
		Username:   state.Username.ValueString(),
		Email:      changedString(plan.Email, state.Email),
		Firstname:  changedString(plan.Firstname, state.Firstname),
		Surname:    changedString(plan.Surname, state.Surname),
		Title:      changedString(plan.Title, state.Title),
		Roles:      changedRoles(plan.Roles, state.Roles),
		ResetCreds: reset,
	}
}

// userFromAPI fills the model from a user of the API; a new initial password in the answer
// (create, resetCreds, adoption) replaces the one in the model, clear or encrypted with key.
func userFromAPI(u *client.User, m *userResourceModel, key secretsKey) diag.Diagnostics {
	m.ID = types.StringValue(u.Username)
	m.Username = types.StringValue(u.Username)
	m.Email = types.StringValue(u.Email)
	m.Firstname = types.StringValue(u.Firstname)
	m.Surname = types.StringValue(u.Surname)
	m.Title = stringOrNull(u.Title)
	diags := storeIssuedSecret(u.InitialPassword, key, &m.InitialPassword, &m.InitialPasswordEnc)
	roles, d := rolesFromAPI(u.Roles)
	m.Roles = roles
	return append(diags, d...)
}
