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
