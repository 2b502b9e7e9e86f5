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
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

// NewUserResource is the rockit_user resource.
func NewUserResource() resource.Resource {
	return &userResource[userResourceModel]{kind: &humanUserKind}
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

// humanUserKind is rockit_user: a human user, with a profile and an initial password.
var humanUserKind = userKind[userResourceModel]{
	suffix: "_user", apiType: client.UserTypeHuman, key: userKey,
	description: "A human backend user of a ROCKIT Edge organization, who logs in with a password. " +
		"The API issues an initial password at creation, kept in `initial_password` (in state, sensitive), or only " +
		"encrypted in `initial_password_encrypted` when a `public_key_pem` is set; changing `credentials_version` issues " +
		"a new one. For automation use `rockit_machine_user`.",
	idDoc:       "The user's username.",
	usernameDoc: "Username: 2 to 50 letters, digits and underscores. Changing it creates a new user (and deletes the old one).",
	attributes: map[string]schema.Attribute{
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
	},
	secret:     issuedSecretAttrs{version: "credentials_version", clear: "initial_password", encrypted: "initial_password_encrypted"},
	secretNoun: "initial password",
	issued:     func(u *client.User) string { return u.InitialPassword },
	noSecret: func(username string) (string, string) {
		return "No new password", "The API reset the credentials of user " + username +
			" but its answer carried no initialPassword; reset them again by changing credentials_version."
	},
	fields: func(m *userResourceModel) userFields {
		return userFields{username: &m.Username, publicKeyPEM: &m.PublicKeyPEM, secret: &m.InitialPassword,
			secretEnc: &m.InitialPasswordEnc, version: &m.CredentialsVersion}
	},
	toAPI: userToAPI, patch: userPatch, fromAPI: userFromAPI,
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
