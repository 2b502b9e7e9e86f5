package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/planmodifiers"
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
	patch := client.UpdateUserRequest{Username: state.Username.ValueString()}
	patch.Email = changedString(plan.Email, state.Email)
	patch.Firstname = changedString(plan.Firstname, state.Firstname)
	patch.Surname = changedString(plan.Surname, state.Surname)
	patch.Title = changedString(plan.Title, state.Title)
	if !plan.Roles.Equal(state.Roles) {
		patch.Roles = rolesToAPI(plan.Roles)
	}
	reset, diags := rotationRequested(ctx, plan.CredentialsVersion, state.CredentialsVersion, req.Private)
	resp.Diagnostics.Append(diags...)
	patch.ResetCreds = reset
	key := effectiveSecretsKey(plan.PublicKeyPEM, r.secretsKey)
	if reset && !checkSecretsKey(key, &resp.Diagnostics) {
		return
	}
	plan.InitialPassword, plan.InitialPasswordEnc = state.InitialPassword, state.InitialPasswordEnc
	if patch.Changes() {
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
	resp.Diagnostics.Append(planmodifiers.ClearImported(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(userKey.set(ctx, resp.Identity, r.client, plan.Username.ValueString())...)
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
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
		Roles:     rolesToAPI(m.Roles),
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

// --- helpers shared by rockit_user and rockit_machine_user ---

// rolesAttribute is the roles attribute of a user resource.
func rolesAttribute(who string) schema.SetAttribute {
	return schema.SetAttribute{
		MarkdownDescription: "Names of the roles " + who + " holds (`rockit_role` names or `Administrators`). The API checks that " +
			"they exist. Defaults to no roles. Changes are applied in place.",
		ElementType: types.StringType,
		Optional:    true,
		Computed:    true,
		Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
		Validators:  []validator.Set{setvalidator.ValueStringsAre(validators.Name())},
	}
}

// rolesToAPI returns the role names of a set, in order.
func rolesToAPI(s types.Set) []string {
	roles := []string{}
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok {
			roles = append(roles, v.ValueString())
		}
	}
	sort.Strings(roles)
	return roles
}

// rolesFromAPI returns the API's role list as a set.
func rolesFromAPI(roles []string) (types.Set, diag.Diagnostics) {
	elems := make([]attr.Value, 0, len(roles))
	for _, r := range roles {
		elems = append(elems, types.StringValue(r))
	}
	return types.SetValue(types.StringType, elems)
}

// changedString returns the value to PATCH for an attribute: nil when unchanged, a pointer
// to "" (sent as null) when it was removed.
func changedString(plan, state types.String) *string {
	if plan.Equal(state) {
		return nil
	}
	v := plan.ValueString()
	return &v
}

// rotationRequested tells whether a change of a version attribute (credentials_version,
// api_key_version) asks for new credentials: when it is set to a new value, unless the
// resource was imported without one (the value is then adopted). An unknown value counts as
// a request at plan time.
func rotationRequested(ctx context.Context, plan, state types.Int64, private planmodifiers.PrivateGetter) (bool, diag.Diagnostics) {
	if plan.IsNull() || plan.Equal(state) {
		return false, nil
	}
	if state.IsNull() {
		if imported, diags := planmodifiers.Imported(ctx, private); diags.HasError() || imported {
			return false, diags
		}
	}
	return true, nil
}

// addUserCreateError explains a failed create of a user or machine user.
func addUserCreateError(diags *diag.Diagnostics, typ, username string, err error) {
	if client.IsConflict(err) {
		addCreateError(diags, typ, "user", "username", username, "in the organization", err)
		return
	}
	if client.IsBadRequest(err) {
		diags.AddAttributeError(path.Root("roles"), "Error creating user", err.Error()+
			"\n\nCheck that every role in roles exists (a rockit_role, or Administrators).")
		return
	}
	addClientError(diags, "Error creating user", err)
}

// readUser reads a user for a resource's Read. A 404 warns and removes the resource; a user
// of the other type is an error naming the right resource type.
func readUser(ctx context.Context, c *client.Client, k identityKey, username, wantType string, resp *resource.ReadResponse) (*client.User, bool) {
	u, err := c.ReadUser(ctx, username)
	if client.IsNotFound(err) {
		k.readGone(ctx, resp, c, username)
		return nil, false
	}
	if err != nil {
		addClientError(&resp.Diagnostics, "Error reading user", err)
		return nil, false
	}
	if u.Type != "" && u.Type != wantType {
		right := "rockit_user"
		if u.Type == client.UserTypeMachine {
			right = "rockit_machine_user"
		}
		resp.Diagnostics.AddError("Wrong kind of user", fmt.Sprintf(
			"The user %q is of type %q: manage it with %s.", username, u.Type, right))
		return nil, false
	}
	return u, true
}

// deleteUser deletes a user; a 404 counts as already gone.
func deleteUser(ctx context.Context, c *client.Client, username string, diags *diag.Diagnostics) {
	checkDelete(ctx, diags, "user", username, c.DeleteUser(ctx, username), "")
}

// importUser imports a user by username; Read fills the rest. The secret is not importable.
func importUser(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, k identityKey, c *client.Client) {
	if _, ok := importByName(ctx, req, resp, k, c); ok {
		resp.Diagnostics.Append(planmodifiers.MarkImported(ctx, resp.Private)...)
	}
}
