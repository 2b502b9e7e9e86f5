// Package planmodifiers holds the plan modifiers shared by the provider's resources.
package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/privatestate"
)

// CreateOnly is for an Optional+Computed attribute that the API takes when the object is
// created and can neither read back nor change (for example an organization's first
// administrator). It never requires replacement (replacing such an object may delete all its
// data): the resource's ModifyPlan rejects a change with CreateOnlyChanged. The modifier:
//   - keeps the value in state when the configuration leaves the attribute out (no diff);
//   - on create with the attribute left out, plans null, or unknown where the server chooses
//     a default (serverDefault);
//   - leaves a configured value (known or unknown) as planned, so the plan made at apply time
//     with the final value can only agree with it or fail with ModifyPlan's error, never turn
//     into a replacement ("inconsistent final plan").
func CreateOnly(serverDefault bool) planmodifier.String {
	return createOnly{serverDefault: serverDefault}
}

type createOnly struct {
	serverDefault bool
}

func (m createOnly) Description(ctx context.Context) string { return m.MarkdownDescription(ctx) }

func (m createOnly) MarkdownDescription(context.Context) string {
	return "Set only at creation: a later change is an error, never a replacement; a resource imported without the value adopts it from configuration."
}

func (m createOnly) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	creating := req.State.Raw.IsNull()
	destroying := req.Plan.Raw.IsNull()
	switch {
	case destroying:
	case req.ConfigValue.IsNull() && creating:
		if !m.serverDefault {
			resp.PlanValue = types.StringNull()
		}
	case req.ConfigValue.IsNull():
		resp.PlanValue = req.StateValue
	}
}

// CreateOnlyChanged tells whether a configured create-only value of an existing resource
// differs from the one it was created with: known and different from state, unless the
// resource was imported without the value (then it is adopted in place). An unknown value is
// not (yet) a change: the plan made at apply time, with the value known, decides.
func CreateOnlyChanged(ctx context.Context, config, state types.String, private privatestate.Getter) (bool, diag.Diagnostics) {
	if config.IsNull() || config.IsUnknown() || config.Equal(state) {
		return false, nil
	}
	if state.IsNull() {
		if imported, diags := privatestate.Imported(ctx, private); diags.HasError() || imported {
			return false, diags
		}
	}
	return true, nil
}
