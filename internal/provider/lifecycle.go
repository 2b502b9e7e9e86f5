package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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

// keepMaybeCreated handles, the same way for every resource, a create whose request was sent
// but never answered definitely (client.OutcomeUnknown: the connection was lost, no answer came
// within request_timeout, or Terraform stopped after an ambiguous attempt): the object may exist.
// It saves what is known to state (the planned values, computed values not yet known as null,
// `id` as the name) and adds an error that says so and gives the import block. Terraform keeps
// a resource whose create failed with a state, marked tainted: the next apply reads it (Read
// drops it when it does not exist) and replaces it, instead of failing on "already exists".
// It reports whether it handled err; the caller returns then.
func keepMaybeCreated(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse, typeName, kind, name string, err error) bool {
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
	}
	tflog.Warn(ctx, kind+" may have been created; kept in state as tainted", map[string]any{"name": name})
	resp.Diagnostics.AddError(fmt.Sprintf("The %s %q may have been created", kind, name), fmt.Sprintf(
		"%s\n\nThe request to create it was sent, but no definite answer came back (the connection was lost, no answer "+
			"came within request_timeout, or Terraform was stopping), so the %s may exist on the server now. It is kept in "+
			"state as tainted with what is known: the next apply reads it and replaces it if it exists, or creates it if "+
			"it does not.\n\nIf it was removed from state (or the state could not be saved), bring it under management "+
			"with an import block instead of creating it again:\n\n"+
			"import {\n  to = %s.<resource name>\n  id = %q\n}",
		err, kind, typeName, name))
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

// importByName starts an import by the object's natural key: it checks the ID against the
// name rule and sets `id` and the name attribute; Read fills in the rest. It reports false
// (with an error) for an invalid ID.
func importByName(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	kind, nameAttr string, rule nameRule,
) bool {
	if !rule.pattern.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a %s by its %s (%s), got %q.", kind, nameAttr, rule.says, req.ID))
		return false
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(nameAttr), req.ID)...)
	return !resp.Diagnostics.HasError()
}

// addCreateError turns the error of a create into diagnostics, the same way for every resource:
// a 409 on the first attempt (the name is taken) says how to import the existing object into
// typeName; anything else goes through addClientError. kind is the object's word ("role"),
// nameAttr the attribute holding its name, where says where names are unique.
func addCreateError(diags *diag.Diagnostics, typeName, kind, nameAttr, name, where string, err error) {
	if client.IsConflict(err) && !client.MayBeOwnCreate(err) {
		diags.AddAttributeError(path.Root(nameAttr), capitalize(kind)+" already exists", fmt.Sprintf(
			"%s %s named %q exists already %s (%s). To manage it with Terraform, import it:\n\n"+
				"  terraform import %s.<resource name> %s\n\nor add an import block with id = %q.",
			article(kind), kind, name, where, err, typeName, name, name))
		return
	}
	addClientError(diags, "Error creating "+kind, err)
}

func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
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
