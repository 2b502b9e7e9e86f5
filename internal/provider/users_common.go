package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
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
	"github.com/rockitplay/terraform-provider-rockit/internal/privatestate"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

// Code shared by rockit_user and rockit_machine_user (and the roles of rockit_user data
// sources): the roles attribute and its mapping, the PATCH helpers, the create-error and read
// paths, and userResource, the one implementation of both resources, parameterized by a
// userKind (user_resource.go, machine_user_resource.go).

// rolesAttribute is the roles attribute of a user resource.
func rolesAttribute(who string) schema.SetAttribute {
	return schema.SetAttribute{
		MarkdownDescription: "Names of the roles " + who + " holds (`rockit_role` names or `Administrators`). The API checks that " +
			"they exist, and the plan checks the roles it adds (the provider's `plan_checks`): one that neither exists nor is created by " +
			"the plan is an error naming the nearest existing names. Defaults to no roles. Changes are applied in place.",
		ElementType: types.StringType,
		Optional:    true,
		Computed:    true,
		Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
		Validators:  []validator.Set{setvalidator.ValueStringsAre(validators.Name())},
	}
}

// rolesFromAPI returns the API's role list as a set.
func rolesFromAPI(roles []string) (types.Set, diag.Diagnostics) {
	elems := make([]attr.Value, 0, len(roles))
	for _, r := range roles {
		elems = append(elems, types.StringValue(r))
	}
	return types.SetValue(types.StringType, elems)
}

// changedRoles returns the roles to PATCH: nil when unchanged, else the whole new list (the
// API replaces the user's roles with it).
func changedRoles(plan, state types.Set) []string {
	if plan.Equal(state) {
		return nil
	}
	return setStrings(plan)
}

// rotationRequested tells whether a change of a version attribute (credentials_version,
// api_key_version) asks for new credentials: when it is set to a new value, unless the
// resource was imported without one (the value is then adopted). An unknown value counts as
// a request at plan time.
func rotationRequested(ctx context.Context, plan, state types.Int64, private privatestate.Getter) (bool, diag.Diagnostics) {
	if plan.IsNull() || plan.Equal(state) {
		return false, nil
	}
	if state.IsNull() {
		if imported, diags := privatestate.Imported(ctx, private); diags.HasError() || imported {
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
		addReadError(&resp.Diagnostics, "Error reading user", err)
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

// userKind describes one of the two user types (human, machine) for the one implementation of
// both user resources, userResource: what differs between rockit_user and rockit_machine_user
// is their model, their own attributes, their issued secret and the words of their messages.
type userKind[M any] struct {
	suffix      string      // type name after the provider's, "_user"
	apiType     string      // client.UserTypeHuman, client.UserTypeMachine
	key         identityKey // its type name ("rockit_user") and noun ("user", "machine user") too
	description string
	idDoc       string                      // description of id
	usernameDoc string                      // description of username
	attributes  map[string]schema.Attribute // the kind's own attributes, besides id, username, roles and the secret's key
	secret      issuedSecretAttrs
	secretNoun  string // "initial password", "API key"
	// issued is the secret in an answer of the API; noSecret the error when a reset's answer
	// carried none.
	issued   func(*client.User) string
	noSecret func(username string) (summary, detail string)
	fields   func(*M) userFields
	toAPI    func(M) client.CreateUserRequest
	patch    func(plan, state M, reset bool) client.UpdateUserRequest
	fromAPI  func(*client.User, *M, secretsKey) diag.Diagnostics
}

// userFields are the attributes every user model has, for the shared code.
type userFields struct {
	username, publicKeyPEM, secret, secretEnc *types.String
	version                                   *types.Int64
}

var (
	_ resource.ResourceWithConfigure   = &userResource[userResourceModel]{}
	_ resource.ResourceWithImportState = &userResource[userResourceModel]{}
	_ resource.ResourceWithIdentity    = &userResource[userResourceModel]{}
	_ resource.ResourceWithModifyPlan  = &userResource[userResourceModel]{}
)

// userResource is rockit_user and rockit_machine_user, by kind.
type userResource[M any] struct {
	kind       *userKind[M]
	client     *client.Client
	mem        *runMemory // this configuration's run memory (run_memory.go)
	secretsKey secretsKey
}

func (r *userResource[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.kind.suffix
}

func (r *userResource[M]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	k := r.kind
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: k.idDoc,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"username": schema.StringAttribute{
			MarkdownDescription: k.usernameDoc,
			Required:            true,
			Validators:          []validator.String{validators.Name()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"roles":            rolesAttribute("the " + k.key.kind),
		"public_key_pem":   publicKeyAttribute(k.secretNoun, k.secret.clear, k.secret.encrypted, "the next `"+k.secret.version+"` change"),
		k.secret.encrypted: encryptedSecretAttribute(k.secretNoun),
	}
	for name, a := range k.attributes {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: k.description, Attributes: attrs}
}

// IdentitySchema declares the identity: the username and the organization (lifecycle.go).
func (r *userResource[M]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	r.kind.key.identitySchema(resp)
}

func (r *userResource[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
	r.mem = getMemory(req.ProviderData)
	r.secretsKey = getSecretsKey(req.ProviderData)
}

// ModifyPlan checks the provider configuration, plans a new secret (initial password, API
// key; clear or encrypted) at creation and when the version attribute asks for a reset, and
// checks the roles (plan_checks.go).
func (r *userResource[M]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkProviderServes(r.client, client.ScopeOrg, r.kind.key.typeName, &resp.Diagnostics)
	if !planOwnedHere(ctx, req, resp, r.client, r.kind.key) {
		return
	}
	checkNameTaken(ctx, req, resp, r.client, r.mem, r.kind.key, planned(plain(r.kind.toAPI)))
	planIssuedSecret(ctx, req, resp, r.kind.secret, r.secretsKey)
	checkUserRoles(ctx, r.mem, req, resp)
}

func (r *userResource[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ownerAtCreate(ctx, resp, r.client, r.kind.key)
	k := r.kind
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := k.fields(&plan)
	key := effectiveSecretsKey(*f.publicKeyPEM, r.secretsKey)
	if !checkSecretsKey(key, &resp.Diagnostics) {
		return
	}
	u, err := r.client.CreateUser(ctx, k.toAPI(plan))
	if err != nil {
		if u != nil && credentialsLost(&resp.Diagnostics, k.key.typeName, k.secret.clear, k.secret.version, err) {
			resp.Diagnostics.Append(k.fromAPI(u, &plan, key)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
		if keepMaybeCreated(ctx, req, resp, k.key, f.username.ValueString(), err) {
			return
		}
		addUserCreateError(&resp.Diagnostics, k.key.typeName, f.username.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(k.fromAPI(u, &plan, key)...)
	tflog.Info(ctx, "created "+k.key.kind, map[string]any{"username": u.Username})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(k.key.set(ctx, resp.Identity, r.client, f.username.ValueString())...)
}

func (r *userResource[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	k := r.kind
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	username := k.fields(&state).username.ValueString()
	if !ownedHere(ctx, req, resp, r.client, k.key, username) ||
		settleUnknownCreate(ctx, req, resp, k.key, r.client, r.mem, username) {
		return
	}
	u, ok := readUser(ctx, r.client, k.key, username, k.apiType, resp)
	if !ok {
		return
	}
	resp.Diagnostics.Append(k.fromAPI(u, &state, secretsKey{})...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(k.key.set(ctx, resp.Identity, r.client, k.fields(&state).username.ValueString())...)
	if listDriftUnconfirmed(r.client, k.key.collection(), username, req, resp) {
		r.Read(ctx, req, resp)
	}
}

// Update sends the changed fields and roles, and resetCreds when the version attribute asks
// for new credentials, in one PATCH.
func (r *userResource[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	k := r.kind
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, s := k.fields(&plan), k.fields(&state)
	reset, diags := rotationRequested(ctx, *p.version, *s.version, req.Private)
	resp.Diagnostics.Append(diags...)
	key := effectiveSecretsKey(*p.publicKeyPEM, r.secretsKey)
	if reset && !checkSecretsKey(key, &resp.Diagnostics) {
		return
	}
	*p.secret, *p.secretEnc = *s.secret, *s.secretEnc
	if patch := k.patch(plan, state, reset); patch.Changes() {
		u, err := r.client.UpdateUser(ctx, patch)
		if err != nil {
			addClientError(&resp.Diagnostics, "Error updating "+k.key.kind, err)
			return
		}
		resp.Diagnostics.Append(k.fromAPI(u, &plan, key)...)
		if reset && k.issued(u) == "" {
			resp.Diagnostics.AddError(k.noSecret(u.Username))
			*p.secret, *p.secretEnc = types.StringNull(), types.StringNull()
		}
	}
	if !reset {
		resp.Diagnostics.Append(sealKeptSecret(key, p.secret, p.secretEnc)...)
	}
	resp.Diagnostics.Append(privatestate.ClearImported(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(k.key.set(ctx, resp.Identity, r.client, p.username.ValueString())...)
}

func (r *userResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	username := r.kind.fields(&state).username.ValueString()
	if spareUnprovenObject(ctx, req, resp, r.kind.key, r.client, username) {
		return
	}
	checkDelete(ctx, &resp.Diagnostics, "user", username, r.client.DeleteUser(ctx, username), "")
}

// ImportState imports a user by username; Read fills the rest. The secret is not importable.
func (r *userResource[M]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, ok := importByName(ctx, req, resp, r.kind.key, r.client); ok {
		resp.Diagnostics.Append(privatestate.MarkImported(ctx, resp.Private)...)
	}
}
