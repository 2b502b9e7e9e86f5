package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// Moves tells whether the planned update of an object can move a computed value: it compares
// the plan with the state of the whole object.
type Moves func(ctx context.Context, plan tfsdk.Plan, state tfsdk.State) (bool, diag.Diagnostics)

// FromStateUnless is for a Computed attribute that the server sets and that only some changes
// of the object move (a deployment's status after a change of its origin, an app's size after
// a lower max_builds). An update plan shows it "(known after apply)" only when moves says the
// planned change can move it; otherwise the refreshed value in state is planned. (Framework's
// UseStateForUnknown is the special case of a value no change moves.) Creates, destroys and
// replacements are left alone: Terraform plans a replacement as a create.
//
// A server may still answer another value (a build uploaded between the refresh and the apply):
// the resource's Update then keeps the planned value (KeepPlanned), and the next refresh reads
// the new one, instead of failing the apply with "Provider produced inconsistent result".
func FromStateUnless(what string, moves Moves) FromState {
	return FromState{what: what, moves: moves}
}

// FromState is the modifier FromStateUnless makes (String, Int64 and Bool attributes).
type FromState struct {
	what  string
	moves Moves
}

func (m FromState) Description(ctx context.Context) string { return m.MarkdownDescription(ctx) }

func (m FromState) MarkdownDescription(context.Context) string {
	return "Planned from state unless the update can change it: " + m.what + "."
}

// keep reports whether the planned value (unknown) should be the state's.
func (m FromState) keep(ctx context.Context, plan tfsdk.Plan, state tfsdk.State, planUnknown, stateNull bool, diags *diag.Diagnostics) bool {
	if state.Raw.IsNull() || plan.Raw.IsNull() || !planUnknown || stateNull {
		return false
	}
	moves, d := m.moves(ctx, plan, state)
	diags.Append(d...)
	return !d.HasError() && !moves
}

func (m FromState) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if m.keep(ctx, req.Plan, req.State, req.PlanValue.IsUnknown(), req.StateValue.IsNull(), &resp.Diagnostics) {
		resp.PlanValue = req.StateValue
	}
}

func (m FromState) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if m.keep(ctx, req.Plan, req.State, req.PlanValue.IsUnknown(), req.StateValue.IsNull(), &resp.Diagnostics) {
		resp.PlanValue = req.StateValue
	}
}

func (m FromState) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if m.keep(ctx, req.Plan, req.State, req.PlanValue.IsUnknown(), req.StateValue.IsNull(), &resp.Diagnostics) {
		resp.PlanValue = req.StateValue
	}
}

// Never is the Moves of a value that no update of the object changes.
func Never(context.Context, tfsdk.Plan, tfsdk.State) (bool, diag.Diagnostics) { return false, nil }
