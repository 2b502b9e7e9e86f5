package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// SecretOrWriteOnly on origin.secret: exactly one of it and origin.secret_wo, each message
// naming both attributes; unknown values wait for apply.
func TestSecretOrWriteOnly(t *testing.T) {
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"origin": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
			"secret":    schema.StringAttribute{Optional: true},
			"secret_wo": schema.StringAttribute{Optional: true, WriteOnly: true},
		}},
	}}
	originType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"secret": tftypes.String, "secret_wo": tftypes.String}}
	str := func(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	cases := []struct {
		name       string
		secret, wo tftypes.Value
		want       string // "" = valid
	}{
		{"secret only", str("s"), str(nil), ""},
		{"write-only only", str(nil), str("w"), ""},
		{"both", str("s"), str("w"), "Set exactly one of origin.secret and origin.secret_wo, not both: secret_wo is the write-only variant that stays out of state."},
		{"neither", str(nil), str(nil), "Set exactly one of origin.secret and origin.secret_wo (the write-only variant, Terraform 1.11 and later)."},
		{"secret unknown", str(tftypes.UnknownValue), str(nil), ""},
		{"write-only unknown", str(nil), str(tftypes.UnknownValue), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := tftypes.NewValue(s.Type().TerraformType(context.Background()), map[string]tftypes.Value{
				"origin": tftypes.NewValue(originType, map[string]tftypes.Value{"secret": c.secret, "secret_wo": c.wo}),
			})
			config := tfsdk.Config{Schema: s, Raw: raw}
			var value types.String
			if diags := config.GetAttribute(context.Background(), path.Root("origin").AtName("secret"), &value); diags.HasError() {
				t.Fatal(diags)
			}
			req := validator.StringRequest{Path: path.Root("origin").AtName("secret"), ConfigValue: value, Config: config}
			var resp validator.StringResponse
			SecretOrWriteOnly("secret_wo").ValidateString(context.Background(), req, &resp)
			switch {
			case c.want == "" && resp.Diagnostics.HasError():
				t.Fatalf("want valid, got %v", resp.Diagnostics)
			case c.want != "" && !resp.Diagnostics.HasError():
				t.Fatalf("want %q, got no error", c.want)
			case c.want != "":
				d := resp.Diagnostics.Errors()[0]
				if d.Detail() != c.want {
					t.Fatalf("detail %q, want %q", d.Detail(), c.want)
				}
				if pd, ok := d.(interface{ Path() path.Path }); !ok || !strings.HasPrefix(pd.Path().String(), "origin.secret") {
					t.Fatalf("error not on origin.secret: %v", d)
				}
			}
		})
	}
}
