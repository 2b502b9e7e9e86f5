package validators

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(v validator.String, value types.String) (string, bool) {
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	if !resp.Diagnostics.HasError() {
		return "", true
	}
	return resp.Diagnostics.Errors()[0].Detail(), false
}

func TestStringValidators(t *testing.T) {
	cases := []struct {
		name  string
		v     validator.String
		value string
		ok    bool
		rule  string
	}{
		{"name ok", Name(), "Studio_1", true, ""},
		{"name too short", Name(), "S", false, "2 to 50 characters"},
		{"name with a dash", Name(), "a-b", false, "2 to 50 characters"},
		{"name 51 long", Name(), strings.Repeat("a", 51), false, "2 to 50 characters"},
		{"name with brackets", Name(), "EU[1]", false, "2 to 50 characters"},
		{"deployment name with brackets", DeploymentName(), "EU[1]", true, ""},
		{"deployment name with a dot", DeploymentName(), "EU.1", false, "square brackets"},
		{"task name ok", TaskName(), "mkraw_3f2a9c01d4e5b6a7", true, ""},
		{"task name with a dash", TaskName(), "deploy-2026-01-01", true, ""},
		{"task name with a space", TaskName(), "my task", false, "without white space or slashes"},
		{"task name with a slash", TaskName(), "a/b", false, "without white space or slashes"},
		{"task name empty", TaskName(), "", false, "1 to 100 characters"},
		{"http URL", HTTPURL(), "http://127.0.0.1:8080", true, ""},
		{"https URL with path", HTTPURL(), "https://edge.example.com/base", true, ""},
		{"ftp URL", HTTPURL(), "ftp://edge.example.com", false, "must be an http(s) URL"},
		{"URL without scheme", HTTPURL(), "edge.example.com", false, "must be an http(s) URL"},
		{"URL without host", HTTPURL(), "https://", false, "no host"},
		{"endpoint ok", Endpoint(), "https://edge.example.com", true, ""},
		{"endpoint with a proxy base path", Endpoint(), "https://gateway.example.com/edge/", true, ""},
		{"endpoint with port, no scheme", Endpoint(), "edge.example.com:8443", false, `it has no scheme: write it as "https://edge.example.com:8443"`},
		{"endpoint ending in /be/v1", Endpoint(), "https://edge.example.com/be/v1", false,
			`the provider adds /be/v1 to every request itself: drop it and write "https://edge.example.com"`},
		{"endpoint ending in /be/v1/ behind a proxy", Endpoint(), "https://gw.example.com/edge/be/v1/", false, `drop it and write "https://gw.example.com/edge"`},
		{"endpoint ftp", Endpoint(), "ftp://edge.example.com", false, `the scheme must be http or https, not "ftp"`},
		{"endpoint without host", Endpoint(), "https:///be", false, "no host"},
		{"endpoint with a query", Endpoint(), "https://edge.example.com?x=1", false, "query"},
		{"https URL with a colon in the first segment", HTTPSURL(), "hooks.example.com:443/x", false, "must be an https URL"},
		{"https only", HTTPSURL(), "http://hooks.example.com", false, "must be an https URL"},
		{"https ok", HTTPSURL(), "https://hooks.example.com/x", true, ""},
		{"email ok", Email(), "ops@example.com", true, ""},
		{"email without at", Email(), "ops.example.com", false, "must be an email address"},
		{"email with a display name", Email(), "Ops <ops@example.com>", false, "without a display name"},
		{"duration ok", Duration(), "45s", true, ""},
		{"duration not a duration", Duration(), "soon", false, "must be a positive duration"},
		{"duration zero", Duration(), "0s", false, "not positive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			detail, ok := validate(c.v, types.StringValue(c.value))
			if ok != c.ok {
				t.Fatalf("%q: valid = %t, want %t (%s)", c.value, ok, c.ok, detail)
			}
			if !ok && (!strings.Contains(detail, c.rule) || !strings.Contains(detail, "attr")) {
				t.Errorf("%q: message %q should name the attribute and the rule %q", c.value, detail, c.rule)
			}
			if strings.Contains(detail, "first path segment") {
				t.Errorf("%q: message %q passes on Go's URL parser error", c.value, detail)
			}
		})
	}
}

// Null and unknown values are not judged: a value known only at apply is checked then.
func TestStringValidatorsSkipNullAndUnknown(t *testing.T) {
	for _, v := range []validator.String{HTTPURL(), Endpoint(), HTTPSURL(), Email(), Duration()} {
		for _, value := range []types.String{types.StringNull(), types.StringUnknown()} {
			if detail, ok := validate(v, value); !ok {
				t.Errorf("%s on %s: %s", v.Description(context.Background()), value, detail)
			}
		}
	}
}

func TestRSAPublicKeyPEM(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	good := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if msg, ok := validate(RSAPublicKeyPEM(false), types.StringValue(good)); !ok {
		t.Fatalf("a 2048-bit PKIX key was rejected: %s", msg)
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		if msg, ok := validate(RSAPublicKeyPEM(false), v); !ok {
			t.Fatalf("%v was rejected: %s", v, msg)
		}
	}
	if _, ok := validate(RSAPublicKeyPEM(false), types.StringValue("")); ok {
		t.Fatal("an empty key passed without allowEmpty")
	}
	if msg, ok := validate(RSAPublicKeyPEM(true), types.StringValue("")); !ok {
		t.Fatalf("an empty key was rejected with allowEmpty: %s", msg)
	}
	msg, ok := validate(RSAPublicKeyPEM(true), types.StringValue("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ"))
	if ok || !strings.Contains(msg, "Attribute attr must be a PEM-encoded RSA public key of at least 2048 bits") ||
		!strings.Contains(msg, `got "ssh-rsa AAAAB3NzaC1yc2EAAAADAQ...": not a PEM block`) {
		t.Fatalf("message %q does not name the attribute, the rule and the cause", msg)
	}
}
