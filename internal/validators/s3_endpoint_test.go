package validators

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestS3Endpoint(t *testing.T) {
	cases := []struct {
		value string
		want  string // part of the message; "" = valid
	}{
		{"s3.us-east-1.amazonaws.com", ""},
		{"minio.internal:9000", ""},
		{"", "Attribute attr must not be empty"},
		{"https://s3.us-east-1.amazonaws.com", "Attribute attr must be a host name without a scheme (no https://), e.g. s3.us-east-1.amazonaws.com; got \"https://s3.us-east-1.amazonaws.com\"."},
		{"s3.us-east-1.amazonaws.com/builds", "must be a host name without a path"},
		{"s3.amazonaws.com?x=1", "must be a host name without a path"},
		{"s3.amazonaws.com#frag", "must be a host name without a path"},
		{"s3 .amazonaws.com", "must be a host name without spaces"},
		{"s3.amazonaws.com\t", "must be a host name without spaces"},
	}
	for _, c := range cases {
		detail, ok := validate(S3Endpoint(), types.StringValue(c.value))
		switch {
		case c.want == "" && !ok:
			t.Errorf("%q: want valid, got %q", c.value, detail)
		case c.want != "" && ok:
			t.Errorf("%q: want an error containing %q, got none", c.value, c.want)
		case c.want != "" && !strings.Contains(detail, c.want):
			t.Errorf("%q: message %q does not contain %q", c.value, detail, c.want)
		}
	}
	for _, value := range []types.String{types.StringNull(), types.StringUnknown()} {
		if detail, ok := validate(S3Endpoint(), value); !ok {
			t.Errorf("%s: want no judgement, got %q", value, detail)
		}
	}
}
