package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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
