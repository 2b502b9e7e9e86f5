package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// NewMachineUserResource is the rockit_machine_user resource.
func NewMachineUserResource() resource.Resource {
	return &userResource[machineUserResourceModel]{kind: &machineUserKind}
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

// machineUserKind is rockit_machine_user: a user for automation, with a label and an API key.
var machineUserKind = userKind[machineUserResourceModel]{
	suffix: "_machine_user", apiType: client.UserTypeMachine, key: machineUserKey,
	description: "A machine user of a ROCKIT Edge organization, for automation such as CI pipelines. It cannot log in; " +
		"it authenticates every request with its API key (`x-rockit-orgname`, `x-rockit-username`, `x-rockit-api-key`), " +
		"kept in `api_key` (in state, sensitive), or only encrypted in `api_key_encrypted` when a `public_key_pem` is set. " +
		"Changing `api_key_version` rotates the key.",
	idDoc: "The machine user's username.",
	usernameDoc: "Username: 2 to 50 letters, digits and underscores. Changing it creates a new machine user " +
		"(with a new API key) and deletes the old one.",
	attributes: map[string]schema.Attribute{
		"label": schema.StringAttribute{
			MarkdownDescription: "Human-readable label, e.g. `GitHub Actions deploy`.",
			Required:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
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
	},
	secret:     issuedSecretAttrs{version: "api_key_version", clear: "api_key", encrypted: "api_key_encrypted"},
	secretNoun: "API key",
	issued:     func(u *client.User) string { return u.APIKey },
	noSecret: func(username string) (string, string) {
		return "No new API key", "The API rotated the API key of machine user " + username +
			" but its answer carried no apiKey; rotate it again by changing api_key_version."
	},
	fields: func(m *machineUserResourceModel) userFields {
		return userFields{username: &m.Username, publicKeyPEM: &m.PublicKeyPEM, secret: &m.APIKey,
			secretEnc: &m.APIKeyEnc, version: &m.APIKeyVersion}
	},
	toAPI: machineUserToAPI, patch: machineUserPatch, fromAPI: machineUserFromAPI,
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
