package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// S3Endpoint validates an S3 endpoint (contract: with the region, without the bucket): a host
// name without a scheme, a path or spaces, naming the rule it broke. The bucket rule needs
// two attributes and lives in rockit_deployment's ValidateConfig.
func S3Endpoint() validator.String {
	return s3Endpoint{}
}

type s3Endpoint struct{}

func (s3Endpoint) Description(context.Context) string {
	return "must be a host name with the region, without scheme and path, e.g. s3.us-east-1.amazonaws.com"
}

func (v s3Endpoint) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (s3Endpoint) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	var rule string
	switch {
	case s == "":
		rule = "must not be empty"
	case strings.Contains(s, "://"):
		rule = "must be a host name without a scheme (no https://)"
	case strings.ContainsAny(s, "/?#"):
		rule = "must be a host name without a path"
	case strings.ContainsAny(s, " \t"):
		rule = "must be a host name without spaces"
	default:
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid attribute value",
		fmt.Sprintf("Attribute %s %s, e.g. s3.us-east-1.amazonaws.com; got %q.", req.Path, rule, s))
}
