package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// WriteOnlyVersion validates a write-only attribute: when it is set, its `_wo_version`
// companion (versionAttr, a sibling attribute) must be set too, and the message says why.
func WriteOnlyVersion(versionAttr string) validator.String {
	return writeOnlyVersion{versionAttr: versionAttr}
}

type writeOnlyVersion struct{ versionAttr string }

func (v writeOnlyVersion) Description(context.Context) string {
	return "requires " + v.versionAttr + " when set"
}

func (v writeOnlyVersion) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v writeOnlyVersion) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() {
		return
	}
	versionPath := req.Path.ParentPath().AtName(v.versionAttr)
	var version types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, versionPath, &version)...)
	if resp.Diagnostics.HasError() || !version.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(versionPath, "Missing "+v.versionAttr,
		fmt.Sprintf("Attribute %s is required when %s is set: Terraform cannot see a change of a write-only value, so the "+
			"provider sends %s when %s changes. Set it to 1, and to a new number whenever the secret should be sent again.",
			versionPath, req.Path, req.Path, versionPath))
}

// SecretOrWriteOnly is for a secret attribute with a write-only variant (writeOnlyAttr, a
// sibling attribute): exactly one of the two must be set. The framework's ExactlyOneOf would
// check the same, but its message ("2 attributes specified when one (and only one) of [...] is
// required") does not say which one is the write-only variant nor that it needs Terraform
// 1.11, so this one does. It runs only when the parent object is set (the framework skips the
// attributes of a null object) and waits while either value is unknown.
func SecretOrWriteOnly(writeOnlyAttr string) validator.String {
	return secretOrWriteOnly{writeOnlyAttr: writeOnlyAttr}
}

type secretOrWriteOnly struct{ writeOnlyAttr string }

func (v secretOrWriteOnly) Description(context.Context) string {
	return "exactly one of this attribute and " + v.writeOnlyAttr + " must be set"
}

func (v secretOrWriteOnly) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v secretOrWriteOnly) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	woPath := req.Path.ParentPath().AtName(v.writeOnlyAttr)
	var wo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, woPath, &wo)...)
	if resp.Diagnostics.HasError() || req.ConfigValue.IsUnknown() || wo.IsUnknown() {
		return
	}
	switch {
	case !req.ConfigValue.IsNull() && !wo.IsNull():
		resp.Diagnostics.AddAttributeError(req.Path, "Conflicting secrets",
			fmt.Sprintf("Set exactly one of %s and %s, not both: %s is the write-only variant that stays out of state.",
				req.Path, woPath, v.writeOnlyAttr))
	case req.ConfigValue.IsNull() && wo.IsNull():
		resp.Diagnostics.AddAttributeError(req.Path, "Missing secret",
			fmt.Sprintf("Set exactly one of %s and %s (the write-only variant, Terraform 1.11 and later).", req.Path, woPath))
	}
}
