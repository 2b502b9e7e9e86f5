package provider

import (
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Conversions between the framework's values and the API's that several types share.

// stringOrNull maps the API's absent-or-empty string to null.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// setStrings returns the elements of a known set of strings (empty, not nil, for none).
func setStrings(s types.Set) []string {
	out := []string{}
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok {
			out = append(out, v.ValueString())
		}
	}
	sort.Strings(out)
	return out
}

// changedString returns the value to PATCH for an attribute: nil when unchanged, a pointer
// to "" (sent as null) when it was removed.
func changedString(plan, state types.String) *string {
	if plan.Equal(state) {
		return nil
	}
	v := plan.ValueString()
	return &v
}

// firstKnown returns the value of the first non-null string.
func firstKnown(vs ...types.String) string {
	for _, v := range vs {
		if !v.IsNull() && !v.IsUnknown() {
			return v.ValueString()
		}
	}
	return ""
}

// keepPlanned puts a computed value that the plan took from state (planmodifiers.FromStateUnless)
// back over the API's answer: an apply must store what it planned, and the next refresh reads
// a value that moved in between.
func keepPlanned[T interface{ IsUnknown() bool }](planned T, got *T) {
	if !planned.IsUnknown() {
		*got = planned
	}
}
