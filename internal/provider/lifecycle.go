package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
	case client.OutcomeUnknown(err):
		diags.AddError("Error deleting "+kind, fmt.Sprintf("%s\n\nThe delete of the %s %q was sent, but no definite answer "+
			"came back, so it may be gone already. It stays in state: the next plan reads it, and drops it from state if it "+
			"is gone (a later delete of it answers 404, which counts as deleted).", err, kind, name))
	default:
		addClientError(diags, "Error deleting "+kind, err)
	}
}

// keepMaybeCreated handles, the same way for every resource that can be read, a create whose
// outcome is unknown (client.OutcomeUnknown: the request was sent and no definite answer came
// back, or the proof of the object a retry found could not be finished): the object may exist.
// It saves what is known to state (the planned values, computed values not yet known as null,
// `id` as the name) with the evidence to judge it in private state (keepEvidence: when the
// request left, the fingerprint of its body), and an error that says so. Terraform keeps a
// resource whose create failed with a state, marked tainted: the next Read settles it by the
// evidence (settleUnknownCreate), and never deletes what is not proven ours. It reports whether
// it handled err; the caller returns then. Organizations cannot be read, so their Create never
// calls it.
func keepMaybeCreated(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse, k identityKey, name string, err error) bool {
	kind := k.kind
	if !client.OutcomeUnknown(err) {
		return false
	}
	raw, terr := tftypes.Transform(req.Plan.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if terr == nil {
		resp.State.Raw = raw
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
		keepEvidence(ctx, resp, err)
	}
	tflog.Warn(ctx, kind+" may have been created; kept in state as tainted with the evidence to judge it", map[string]any{"name": name})
	why := "the connection was lost, or no answer came within request_timeout"
	if client.Stopped(err) || ctx.Err() != nil {
		why = "Terraform was interrupted (Ctrl-C or a stop signal) before it came"
	}
	resp.Diagnostics.AddError(fmt.Sprintf("The %s %q may have been created", kind, name), fmt.Sprintf(
		"%s\n\nThe request to create it was sent, but no definite answer came back (%s), so the %s may exist on the server now. It is kept in "+
			"state as tainted, with the evidence to judge it (when the request left, and a copy of what it asked for, "+
			"never a secret). The next plan reads it and settles it: if it does not exist, it is created; if it exists, "+
			"was created while the request could have acted and holds the fields it asked for, it is adopted; "+
			"otherwise it is someone else's, and it is removed from state with a warning. It is never deleted.\n\n"+
			"If it was removed from state (or the state could not be saved), bring it under management with an import "+
			"block instead of creating it again:\n\n%s",
		err, why, kind, importBlock(k.typeName, name)))
	return true
}

// A deletionGuard is deletion_protection of one resource type, checked on every path to a
// delete: at plan time (ModifyPlan: destroy, or a replacement the provider plans) as the early
// error, and in Delete from the state, since `terraform apply -replace`, replace_triggered_by
// and a tainted resource reach Delete without a plan-time check the provider can see.
type deletionGuard struct {
	kind  string // "organization", "app"
	title string // "Organization", "App"
	loses string // what a delete destroys, e.g. "all its data"
}

var (
	organizationGuard = deletionGuard{kind: "organization", title: "Organization", loses: "all its data"}
	appGuard          = deletionGuard{kind: "app", title: "App", loses: "all its images and patches"}
)

// planError is the plan-time refusal of a planned destroy or replacement (action says which).
func (g deletionGuard) planError(diags *diag.Diagnostics, name, action string) {
	diags.AddError(g.title+" is protected from deletion",
		fmt.Sprintf("The plan would %s the %s %q, which deletes %s irreversibly, but its deletion_protection is true. "+
			"To go ahead, set deletion_protection = false and apply that first.", action, g.kind, name, g.loses))
}

// refuseDelete is the last guard, in Delete: it reports true (with an error, and no API call
// must follow) while the state says deletion_protection = true.
func (g deletionGuard) refuseDelete(diags *diag.Diagnostics, name string, protected types.Bool) bool {
	if !protected.ValueBool() {
		return false
	}
	diags.AddError(g.title+" is protected from deletion",
		fmt.Sprintf("Terraform was about to delete the %s %q, which deletes %s irreversibly, but its deletion_protection "+
			"is true in state, so nothing was deleted. This happens when a replacement is forced outside the plan-time "+
			"check (terraform apply -replace=..., replace_triggered_by, or a tainted resource).\n\n"+
			"If you do want to delete it: set deletion_protection = false in the configuration, apply, then destroy or "+
			"replace it. If the resource is tainted, run terraform untaint <address> first, then apply the change of "+
			"deletion_protection; to keep the %s, untaint it and apply as it is.", g.kind, name, g.loses, g.kind))
	return true
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

// An identityKey is the descriptor of one resource type: its Terraform type name, its word in
// messages, its API type (client/types.go), and how it is identified: by its natural key
// (`name` or `username`) and, for the types inside an organization, the organization
// (`org_name`). It declares the identity schema, sets the identity after Create, Read, Update
// and import, and imports by ID or by identity, the same way for every resource; the evidence
// of a create, the name-taken check and the plan checks (refKind) read their collection from it.
type identityKey struct {
	kind      string // "role", "machine user", ...
	nameAttr  string // "name" or "username", in the identity and in the resource schema
	rule      nameRule
	orgScoped bool         // has org_name (everything but rockit_organization)
	typeName  string       // "rockit_role", in messages
	api       *client.Type // the API type, nil for organizations (no collection)
}

// orgNameAttr is the identity attribute naming the organization of org-scoped types.
const orgNameAttr = "org_name"

var (
	organizationKey = identityKey{"organization", "name", plainName, false, "rockit_organization", nil}
	roleKey         = identityKey{"role", "name", plainName, true, "rockit_role", client.Roles}
	userKey         = identityKey{"user", "username", plainName, true, "rockit_user", client.Users}
	machineUserKey  = identityKey{"machine user", "username", plainName, true, "rockit_machine_user", client.Users}
	appKey          = identityKey{"app", "name", plainName, true, "rockit_app", client.Apps}
	deploymentKey   = identityKey{"deployment", "name", deploymentName, true, "rockit_deployment", client.Deployments}
	subscriptionKey = identityKey{"subscription", "name", plainName, true, "rockit_subscription", client.Subscriptions}
)

// collection is the API collection of the type ("roles"), the journal's type name; "" for
// organizations.
func (k identityKey) collection() string {
	if k.api == nil {
		return ""
	}
	return k.api.Collection
}

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

// createError is addCreateError for the type k, where its names are unique.
func (k identityKey) createError(diags *diag.Diagnostics, name string, err error) {
	where := "in the organization"
	if !k.orgScoped {
		where = "on the ROCKIT Edge host"
	}
	addCreateError(diags, k.typeName, k.kind, k.nameAttr, name, where, err)
}

// addCreateError turns the error of a create into diagnostics, the same way for every resource:
// a 409 for an object that another resource of this configuration created in this run says so
// (and no import: one object under two resources flips between their settings); a 409 of
// someone else's object (no evidence that this workspace created it, or not proven)
// gives a ready-to-paste import block; anything else goes through addClientError. kind is the
// object's word ("role"), nameAttr the attribute holding its name, where says where names are
// unique.
func addCreateError(diags *diag.Diagnostics, typeName, kind, nameAttr, name, where string, err error) {
	var dup *client.DuplicateCreateError
	if errors.As(err, &dup) && dup.OtherConfiguration {
		diags.AddAttributeError(path.Root(nameAttr), "Two resources name the same "+kind, otherConfigurationDetail(kind, name, err.Error()))
		return
	}
	if dup != nil {
		diags.AddAttributeError(path.Root(nameAttr), "Two resources name the same "+kind, fmt.Sprintf(
			"%s %s named %q was created in this run by another %s resource of this configuration, and this one names "+
				"it too (%s). Two resources must not manage one object: each would undo the other's settings on every "+
				"apply. Give this resource a name of its own, or remove it and use the other resource's attributes "+
				"(e.g. %s.<other>.%s). Do not import it.",
			article(kind), kind, name, typeName, err, typeName, nameAttr))
		return
	}
	if client.IsConflict(err) && !client.MayBeOwnCreate(err) {
		diags.AddAttributeError(path.Root(nameAttr), capitalize(kind)+" already exists", fmt.Sprintf(
			"%s %s named %q exists already %s (%s). This workspace has no evidence that it created it, so "+
				"it is not adopted. To manage it with Terraform, import it:\n\n"+
				"  terraform import %s.<resource name> %s\n\nor add an import block with id = %q:\n\n%s",
			article(kind), kind, name, where, err, typeName, name, name, importBlock(typeName, name)))
		return
	}
	addClientError(diags, "Error creating "+kind, err)
}

// otherConfigurationDetail says that a resource of another provider configuration (alias) of
// the same organization created the object name in this run (how we know: cause).
func otherConfigurationDetail(kind, name, cause string) string {
	return fmt.Sprintf("%s %s named %q was created in this run by a resource of another provider configuration (alias) of "+
		"the same organization, and this one names it too (%s). Two resources must not manage one object: each would "+
		"undo the other's settings on every apply, and nothing was adopted. Give this resource a name of its own, or "+
		"remove it and refer to the other resource's attributes. Do not import it.", article(kind), kind, name, cause)
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeio", rune(word[0])) { // "a user"
		return "An"
	}
	return "A"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
