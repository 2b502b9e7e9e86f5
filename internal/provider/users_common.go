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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/privatestate"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

// Code shared by rockit_user and rockit_machine_user (and the roles of rockit_user data
// sources): the roles attribute and its mapping, the PATCH helpers, and the read, delete,
// import and create-error paths of both user types.

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

// deleteUser deletes a user; a 404 counts as already gone.
func deleteUser(ctx context.Context, c *client.Client, username string, diags *diag.Diagnostics) {
	checkDelete(ctx, diags, "user", username, c.DeleteUser(ctx, username), "")
}

// importUser imports a user by username; Read fills the rest. The secret is not importable.
func importUser(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, k identityKey, c *client.Client) {
	if _, ok := importByName(ctx, req, resp, k, c); ok {
		resp.Diagnostics.Append(privatestate.MarkImported(ctx, resp.Private)...)
	}
}
