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
	_ resource.ResourceWithConfigure   = &machineUserResource{}
	_ resource.ResourceWithImportState = &machineUserResource{}
	_ resource.ResourceWithIdentity    = &machineUserResource{}
	_ resource.ResourceWithModifyPlan  = &machineUserResource{}
)

// NewMachineUserResource is the rockit_machine_user resource.
func NewMachineUserResource() resource.Resource {
	return &machineUserResource{}
}

type machineUserResource struct {
	client     *client.Client
	secretsKey secretsKey
}

type machineUserResourceModel struct {
	ID            types.String `tfsdk:"id"`
	Username      types.String `tfsdk:"username"`
	Label         types.String `tfsdk:"label"`
	Roles         types.Set    `tfsdk:"roles"`
	APIKey        types.String `tfsdk:"api_key"`
	APIKeyVersion types.Int64  `tfsdk:"api_key_version"`
	PublicKeyPEM  types.String `tfsdk:"public_key_pem"`
	APIKeyEnc     types.String `tfsdk:"api_key_encrypted"`
}

func (r *machineUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_machine_user"
}

func (r *machineUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A machine user of a ROCKIT Edge organization, for automation such as CI pipelines. It cannot log in; " +
			"it authenticates every request with its API key (`x-rockit-orgname`, `x-rockit-username`, `x-rockit-api-key`), " +
			"kept in `api_key` (in state, sensitive), or only encrypted in `api_key_encrypted` when a `public_key_pem` is set. " +
			"Changing `api_key_version` rotates the key.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The machine user's username.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "Username: 2 to 50 letters, digits and underscores. Changing it creates a new machine user " +
					"(with a new API key) and deletes the old one.",
				Required:      true,
				Validators:    []validator.String{validators.Name()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"label": schema.StringAttribute{
				MarkdownDescription: "Human-readable label, e.g. `GitHub Actions deploy`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"roles": rolesAttribute("the machine user"),
			"api_key": schema.StringAttribute{
				MarkdownDescription: "API key issued by the API when the machine user was created, or when `api_key_version` last " +
					"changed, when no `public_key_pem` (nor the provider's `secrets_public_key_pem`) is set; null with a key. " +
					"The API returns it only once: it is **stored in state in clear text** (sensitive), so protect the " +
					"state. Use it as the provider's `api_key` or hand it to your pipeline's secret store (which needs this " +
					"clear attribute: with a key, decrypt `api_key_encrypted` outside Terraform instead). Not importable: " +
					"null after an import (rotate it with `api_key_version` to get one into state).",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"api_key_version": schema.Int64Attribute{
				MarkdownDescription: "Any number; changing it to a new value rotates the API key (`resetCreds`): the API issues a " +
					"new key, stored in `api_key` (or encrypted with the key configured then), and the old key stops working at " +
					"once. The machine user is updated in place, " +
					"nothing else changes. Removing the attribute does not rotate. Not importable: after an import the " +
					"configured value is adopted without a rotation.",
				Optional: true,
			},
			"public_key_pem":    publicKeyAttribute("API key", "api_key", "api_key_encrypted", "the next `api_key_version` change"),
			"api_key_encrypted": encryptedSecretAttribute("API key"),
		},
	}
}

// IdentitySchema declares the identity: the username and the organization (lifecycle.go).
func (r *machineUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	machineUserKey.identitySchema(resp)
}

func (r *machineUserResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
	r.secretsKey = getSecretsKey(req.ProviderData)
}

// ModifyPlan checks the provider configuration and plans a new API key (clear or encrypted) at creation and when api_key_version
// asks for a rotation.
func (r *machineUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkProviderServes(r.client, client.ScopeOrg, "rockit_machine_user", &resp.Diagnostics)
	checkNameTaken(ctx, req, resp, r.client, machineUserKey, "rockit_machine_user")
	planIssuedSecret(ctx, req, resp, issuedSecretAttrs{version: "api_key_version", clear: "api_key", encrypted: "api_key_encrypted"}, r.secretsKey)
}

func (r *machineUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan machineUserResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := effectiveSecretsKey(plan.PublicKeyPEM, r.secretsKey)
	if !checkSecretsKey(key, &resp.Diagnostics) {
		return
	}
	u, err := r.client.CreateUser(ctx, machineUserToAPI(plan))
	if err != nil {
		if u != nil && credentialsLost(&resp.Diagnostics, "rockit_machine_user", "api_key", "api_key_version", err) {
			resp.Diagnostics.Append(machineUserFromAPI(u, &plan, key)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
		if keepMaybeCreated(ctx, req, resp, "rockit_machine_user", "machine user", plan.Username.ValueString(), err) {
			return
		}
		addUserCreateError(&resp.Diagnostics, "rockit_machine_user", plan.Username.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(machineUserFromAPI(u, &plan, key)...)
	tflog.Info(ctx, "created machine user", map[string]any{"username": u.Username})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(machineUserKey.set(ctx, resp.Identity, r.client, plan.Username.ValueString())...)
}

func (r *machineUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state machineUserResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if settleUnknownCreate(ctx, req, resp, machineUserKey, "rockit_machine_user", r.client, state.Username.ValueString()) {
		return
	}
	u, ok := readUser(ctx, r.client, machineUserKey, state.Username.ValueString(), client.UserTypeMachine, resp)
	if !ok {
		return
	}
	resp.Diagnostics.Append(machineUserFromAPI(u, &state, secretsKey{})...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(machineUserKey.set(ctx, resp.Identity, r.client, state.Username.ValueString())...)
}

// Update sends the changed label and roles, and resetCreds when api_key_version asks for a
// rotation, in one PATCH.
func (r *machineUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state machineUserResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rotate, diags := rotationRequested(ctx, plan.APIKeyVersion, state.APIKeyVersion, req.Private)
	resp.Diagnostics.Append(diags...)
	key := effectiveSecretsKey(plan.PublicKeyPEM, r.secretsKey)
	if rotate && !checkSecretsKey(key, &resp.Diagnostics) {
		return
	}
	plan.APIKey, plan.APIKeyEnc = state.APIKey, state.APIKeyEnc
	if patch := machineUserPatch(plan, state, rotate); patch.Changes() {
		u, err := r.client.UpdateUser(ctx, patch)
		if err != nil {
			addClientError(&resp.Diagnostics, "Error updating machine user", err)
			return
		}
		resp.Diagnostics.Append(machineUserFromAPI(u, &plan, key)...)
		if rotate && u.APIKey == "" {
			resp.Diagnostics.AddError("No new API key", "The API rotated the API key of machine user "+u.Username+
				" but its answer carried no apiKey; rotate it again by changing api_key_version.")
			plan.APIKey, plan.APIKeyEnc = types.StringNull(), types.StringNull()
		}
	}
	if !rotate {
		resp.Diagnostics.Append(sealKeptSecret(key, &plan.APIKey, &plan.APIKeyEnc)...)
	}
	resp.Diagnostics.Append(privatestate.ClearImported(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(machineUserKey.set(ctx, resp.Identity, r.client, plan.Username.ValueString())...)
}

func (r *machineUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state machineUserResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if spareUnprovenObject(ctx, req, resp, machineUserKey, r.client, state.Username.ValueString()) {
		return
	}
	deleteUser(ctx, r.client, state.Username.ValueString(), &resp.Diagnostics)
}

// ImportState imports a machine user by username. The API key cannot be read back.
func (r *machineUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importUser(ctx, req, resp, machineUserKey, r.client)
}

// machineUserToAPI maps the planned machine user to the create request.
func machineUserToAPI(m machineUserResourceModel) client.CreateUserRequest {
	return client.CreateUserRequest{
		Username: m.Username.ValueString(),
		Label:    m.Label.ValueString(),
		Roles:    setStrings(m.Roles),
	}
}

// machineUserPatch compares plan and state and sends only what changed, and resetCreds when
// api_key_version asks for a rotation.
func machineUserPatch(plan, state machineUserResourceModel, rotate bool) client.UpdateUserRequest {
	return client.UpdateUserRequest{
		Username:   state.Username.ValueString(),
		Label:      changedString(plan.Label, state.Label),
		Roles:      changedRoles(plan.Roles, state.Roles),
		ResetCreds: rotate,
	}
}

// machineUserFromAPI fills the model from a user of the API; a new API key in the answer
// (create, resetCreds, adoption) replaces the one in the model, clear or encrypted with key.
func machineUserFromAPI(u *client.User, m *machineUserResourceModel, key secretsKey) diag.Diagnostics {
	m.ID = types.StringValue(u.Username)
	m.Username = types.StringValue(u.Username)
	m.Label = types.StringValue(u.Label)
	diags := storeIssuedSecret(u.APIKey, key, &m.APIKey, &m.APIKeyEnc)
	roles, d := rolesFromAPI(u.Roles)
	m.Roles = roles
	return append(diags, d...)
}
