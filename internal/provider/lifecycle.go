package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

// checkDelete turns the answer to a delete into diagnostics, the same way for every resource:
// nil is success; a 404 means the object is already gone, which is what destroy wants (a
// warning in the log, no error); a 409 means the object is still in use, and inUse (if set)
// tells the user what to do; anything else goes through addClientError.
func checkDelete(ctx context.Context, diags *diag.Diagnostics, kind, name string, err error, inUse string) {
	switch {
	case err == nil:
	case client.IsNotFound(err):
		tflog.Warn(ctx, kind+" was already deleted", map[string]any{"name": name})
	case client.IsConflict(err) && inUse != "":
		diags.AddError("Error deleting "+kind, fmt.Sprintf("The %s %q is still in use: %s\n\n%s", kind, name, err, inUse))
	default:
		addClientError(diags, "Error deleting "+kind, err)
	}
}

// A nameRule is the pattern an object's name follows and how to say it.
type nameRule struct {
	pattern *regexp.Regexp
	says    string
}

var (
	plainName      = nameRule{validators.NamePattern, "2 to 50 letters, digits and underscores"}
	deploymentName = nameRule{validators.DeploymentNamePattern, "2 to 50 letters, digits, underscores and square brackets"}
)

// An identityKey is how a type is identified: by its natural key (`name` or `username`) and,
// for the types inside an organization, the organization (`org_name`). It declares the
// identity schema, sets the identity after Create, Read, Update and import, and imports by ID
// or by identity, the same way for every resource.
type identityKey struct {
	kind      string // "role", "machine user", ...
	nameAttr  string // "name" or "username", in the identity and in the resource schema
	rule      nameRule
	orgScoped bool // has org_name (everything but rockit_organization)
}

// orgNameAttr is the identity attribute naming the organization of org-scoped types.
const orgNameAttr = "org_name"

var (
	organizationKey = identityKey{"organization", "name", plainName, false}
	roleKey         = identityKey{"role", "name", plainName, true}
	userKey         = identityKey{"user", "username", plainName, true}
	machineUserKey  = identityKey{"machine user", "username", plainName, true}
	appKey          = identityKey{"app", "name", plainName, true}
	deploymentKey   = identityKey{"deployment", "name", deploymentName, true}
	subscriptionKey = identityKey{"subscription", "name", plainName, true}
)

// schema is the identity schema of the type.
func (k identityKey) schema() identityschema.Schema {
	attrs := map[string]identityschema.Attribute{
		k.nameAttr: identityschema.StringAttribute{
			RequiredForImport: true,
			Description:       fmt.Sprintf("The %s's %s (%s).", k.kind, k.nameAttr, k.rule.says),
		},
	}
	if k.orgScoped {
		attrs[orgNameAttr] = identityschema.StringAttribute{
			OptionalForImport: true,
			Description: "The organization the " + k.kind + " belongs to. Optional for import: defaults to the provider's " +
				"`org_name`, and must equal it when set.",
		}
	}
	return identityschema.Schema{Attributes: attrs}
}

// identitySchema answers IdentitySchema for the type.
func (k identityKey) identitySchema(resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = k.schema()
}

// set writes the identity of the object name: its name and, for org-scoped types, the
// organization the client acts in (null while that is not known). A nil identity (a resource
// call without one) is left alone.
func (k identityKey) set(ctx context.Context, identity *tfsdk.ResourceIdentity, c *client.Client, name string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	diags := identity.SetAttribute(ctx, path.Root(k.nameAttr), name)
	if k.orgScoped {
		org := types.StringNull()
		if c != nil && c.OrgName() != "" {
			org = types.StringValue(c.OrgName())
		}
		diags.Append(identity.SetAttribute(ctx, path.Root(orgNameAttr), org)...)
	}
	return diags
}

// readGone ends a Read that found the object gone (404): it warns, removes the resource from
// state and still answers with the identity, which the framework requires after every Read
// without errors (else Terraform 1.12+ and 1.11 alike fail with "Missing Resource Identity
// After Read" on a state written before the identity existed).
func (k identityKey) readGone(ctx context.Context, resp *resource.ReadResponse, c *client.Client, name string) {
	tflog.Warn(ctx, k.kind+" no longer exists, removing it from state", map[string]any{k.nameAttr: name})
	resp.Diagnostics.Append(k.set(ctx, resp.Identity, c, name)...)
	resp.State.RemoveResource(ctx)
}

// importByName starts an import by the object's natural key, given as the import ID
// (`terraform import`, `import { id = ... }`) or as the identity (`import { identity = {...} }`,
// Terraform 1.12+). It checks the name against the type's rule and, for an identity naming an
// organization, that it is the provider's; then it sets `id`, the name attribute and the
// identity. Read fills in the rest. It returns the name, and false (with an error) when the
// import cannot go on.
func importByName(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	k identityKey, c *client.Client,
) (string, bool) {
	name, byIdentity := req.ID, req.ID == "" && req.Identity != nil
	if byIdentity {
		var n, org types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(k.nameAttr), &n)...)
		if k.orgScoped {
			resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(orgNameAttr), &org)...)
		}
		if resp.Diagnostics.HasError() {
			return "", false
		}
		name = n.ValueString()
		if own := orgOf(c); org.ValueString() != "" && own != "" && org.ValueString() != own {
			resp.Diagnostics.AddAttributeError(path.Root(orgNameAttr), "Wrong organization",
				fmt.Sprintf("The identity names organization %q, but this provider configuration manages organization %q "+
					"(org_name / %s). Import the %s with a provider configuration for %q (provider = rockit.<alias>), "+
					"or leave org_name out.", org.ValueString(), own, envOrgName, k.kind, org.ValueString()))
			return "", false
		}
	}
	if !k.rule.pattern.MatchString(name) {
		title, where := "Invalid import ID", ""
		if byIdentity {
			title, where = "Invalid import identity", " in the identity"
		}
		resp.Diagnostics.AddError(title,
			fmt.Sprintf("Import a %s by its %s (%s), got %q%s.", k.kind, k.nameAttr, k.rule.says, name, where))
		return "", false
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(k.nameAttr), name)...)
	resp.Diagnostics.Append(k.set(ctx, resp.Identity, c, name)...)
	return name, !resp.Diagnostics.HasError()
}

// orgOf is the organization a client acts in ("" without a client).
func orgOf(c *client.Client) string {
	if c == nil {
		return ""
	}
	return c.OrgName()
}
