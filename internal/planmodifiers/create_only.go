// Package planmodifiers holds the plan modifiers shared by the provider's resources.
package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// importedKey is the private-state key ImportState sets: attributes the API cannot read back
// (create-only values, secrets and their version attributes) were unknown at the import, so
// the first configured values are adopted rather than acted on.
const importedKey = "imported"

// PrivateSetter is the part of the framework's private state that ImportState can write.
type PrivateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// MarkImported records in private state that the resource came from an import.
func MarkImported(ctx context.Context, private PrivateSetter) diag.Diagnostics {
	return private.SetKey(ctx, importedKey, []byte(`true`))
}

// ClearImported drops the import marker once the configured values have been adopted.
func ClearImported(ctx context.Context, private PrivateSetter) diag.Diagnostics {
	return private.SetKey(ctx, importedKey, nil)
}

// Imported reports whether the resource came from an import whose values are not adopted yet.
func Imported(ctx context.Context, private PrivateGetter) (bool, diag.Diagnostics) {
	v, diags := private.GetKey(ctx, importedKey)
	return string(v) == "true", diags
}

// CreateOnly is for an Optional+Computed attribute that the API takes when the object is
// created and can neither read back nor change (for example an organization's first
// administrator). It:
//   - keeps the value in state when the configuration leaves the attribute out (no diff);
//   - on create with the attribute left out, plans null, or unknown where the server chooses
//     a default (serverDefault);
//   - requires replacement when the configuration changes a value the resource was created with;
//   - after an import (where the value could not be read), adopts the configured value into
//     state without replacement, since the object already exists as it is.
func CreateOnly(serverDefault bool) planmodifier.String {
	return createOnly{serverDefault: serverDefault}
}

type createOnly struct {
	serverDefault bool
}

func (m createOnly) Description(ctx context.Context) string { return m.MarkdownDescription(ctx) }

func (m createOnly) MarkdownDescription(context.Context) string {
	return "Set only at creation: a change forces replacement, except that a resource imported without the value adopts it from configuration."
}

func (m createOnly) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	creating := req.State.Raw.IsNull()
	destroying := req.Plan.Raw.IsNull()
	switch {
	case destroying:
		return
	case req.ConfigValue.IsNull() && creating:
		if !m.serverDefault {
			resp.PlanValue = types.StringNull()
		}
		return
	case req.ConfigValue.IsNull():
		resp.PlanValue = req.StateValue
		return
	case creating:
		return
	}
	replace, diags := CreateOnlyRequiresReplace(ctx, req.ConfigValue, req.StateValue, req.Private)
	resp.Diagnostics.Append(diags...)
	resp.RequiresReplace = replace
}

// PrivateGetter is the part of the framework's private state that plan modifiers can read.
type PrivateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// CreateOnlyRequiresReplace tells whether a configured create-only value forces replacement of
// an existing resource: when it is known and differs from state, unless the resource was
// imported without the value (then it is adopted). A resource's ModifyPlan uses it too, since
// attribute replacements are not visible there.
func CreateOnlyRequiresReplace(ctx context.Context, config, state types.String, private PrivateGetter) (bool, diag.Diagnostics) {
	if config.IsNull() || config.IsUnknown() || config.Equal(state) {
		return false, nil
	}
	if state.IsNull() {
		if imported, diags := Imported(ctx, private); diags.HasError() || imported {
			return false, diags
		}
	}
	return true, nil
}
