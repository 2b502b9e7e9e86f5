// Package validators holds the schema validators the contract's rules need beyond those of
// terraform-plugin-framework-validators. Each names the attribute and the rule it broke.
package validators

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// The name patterns of the contract (section 1).
var (
	NamePattern           = regexp.MustCompile(`^[A-Za-z0-9_]{2,50}$`)
	DeploymentNamePattern = regexp.MustCompile(`^[A-Za-z0-9_\[\]]{2,50}$`)
)

// Name validates an organization, user, role, app or subscription name.
func Name() validator.String {
	return stringvalidator.RegexMatches(NamePattern,
		"must be 2 to 50 characters of letters, digits and underscores (^[A-Za-z0-9_]{2,50}$)")
}

// DeploymentName validates a deployment name, which may also hold [ and ].
func DeploymentName() validator.String {
	return stringvalidator.RegexMatches(DeploymentNamePattern,
		"must be 2 to 50 characters of letters, digits, underscores and square brackets (^[A-Za-z0-9_\\[\\]]{2,50}$)")
}

// stringFunc is a validator from a check function; it skips null and unknown values.
type stringFunc struct {
	desc  string
	check func(string) error
}

func (v stringFunc) Description(context.Context) string         { return v.desc }
func (v stringFunc) MarkdownDescription(context.Context) string { return v.desc }

func (v stringFunc) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid attribute value",
			fmt.Sprintf("Attribute %s %s, got %q: %s.", req.Path, v.desc, req.ConfigValue.ValueString(), err))
	}
}

// HTTPURL validates an absolute http or https URL with a host.
func HTTPURL() validator.String {
	return stringFunc{desc: "must be an http(s) URL", check: func(s string) error {
		return checkURL(s, "http", "https")
	}}
}

// Endpoint validates the provider's endpoint: an http(s) URL with a host, without /be/v1 at the
// end (the client adds it), by the rule of client.ParseEndpoint.
func Endpoint() validator.String {
	return stringFunc{desc: "must be an http(s) URL such as https://edge.example.com", check: func(s string) error {
		_, err := client.ParseEndpoint(s)
		return err
	}}
}

// HTTPSURL validates an absolute https URL with a host.
func HTTPSURL() validator.String {
	return stringFunc{desc: "must be an https URL", check: func(s string) error {
		return checkURL(s, "https")
	}}
}

func checkURL(s string, schemes ...string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("it is not a URL such as %s://example.com/path", schemes[len(schemes)-1])
	}
	ok := false
	for _, sc := range schemes {
		ok = ok || u.Scheme == sc
	}
	switch {
	case !ok:
		return fmt.Errorf("the scheme must be %v", schemes)
	case u.Host == "":
		return fmt.Errorf("the URL has no host")
	}
	return nil
}

// Email validates a plain email address (name@domain).
func Email() validator.String {
	return stringFunc{desc: "must be an email address", check: func(s string) error {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return err
		}
		if a.Address != s {
			return fmt.Errorf("only the address itself is allowed, without a display name")
		}
		return nil
	}}
}

// Duration validates a positive Go duration such as "30s".
func Duration() validator.String {
	return stringFunc{desc: "must be a positive duration such as \"30s\" or \"2m\"", check: func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		if d <= 0 {
			return fmt.Errorf("it is not positive")
		}
		return nil
	}}
}
