package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// clearRockitEnv empties every ROCKIT_* variable the provider reads, so the developer's own
// environment cannot change a test. Tests that use it cannot run in parallel (t.Setenv).
func clearRockitEnv(t *testing.T) {
	for _, v := range []string{envEndpoint, envAdminToken, envOrgName, envUsername, envPassword, envAPIKey, envCACertPEM, envMaxElapsed} {
		t.Setenv(v, "")
	}
}

const orgOnly = `
resource "rockit_organization" "test" {
  name = "From_Env"
}
`

// Settings left out of the provider block come from the environment.
func TestAccProvider_environmentFallback(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	t.Setenv(envEndpoint, ts.URL)
	t.Setenv(envAdminToken, testAdminToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "rockit" {}` + orgOnly,
			Check: func(*terraform.State) error {
				if !ts.OrgExists("From_Env") {
					return fmt.Errorf("the organization was not created through ROCKIT_ENDPOINT / ROCKIT_ADMIN_TOKEN")
				}
				return nil
			},
		}},
	})
}

// A value in the provider block wins over the environment.
func TestAccProvider_configurationOverridesEnvironment(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	t.Setenv(envEndpoint, "http://127.0.0.1:9") // nothing listens there
	t.Setenv(envAdminToken, "wrong-token")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: ts.adminProvider() + orgOnly,
			Check:  resource.TestCheckResourceAttr("rockit_organization.test", "id", "From_Env"),
		}},
	})
}

// Every request carries the provider's User-Agent with the Terraform version.
func TestAccProvider_userAgent(t *testing.T) {
	ts := newTestServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: ts.adminProvider() + orgOnly,
			Check: func(*terraform.State) error {
				re := regexp.MustCompile(`^terraform-provider-rockit/test terraform/\d+\.\d+\.\d+`)
				reqs := ts.Requests()
				if len(reqs) == 0 {
					return fmt.Errorf("no requests were logged")
				}
				for _, r := range reqs {
					if !re.MatchString(r.UserAgent) {
						return fmt.Errorf("%s %s carried User-Agent %q", r.Method, r.Path, r.UserAgent)
					}
				}
				return nil
			},
		}},
	})
}

// Invalid provider settings fail before any request, naming the attribute and the rule.
func TestAccProvider_invalidSettings(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct{ settings, want string }{
		{`endpoint = "ftp://edge.example.com"`, "Attribute endpoint must be an http(s) URL"},
		{`endpoint = "edge.example.com"`, "Attribute endpoint must be an http(s) URL"},
		{"endpoint = \"" + ts.URL + "\"\n  request_timeout = \"soon\"", "Attribute request_timeout must be a positive duration"},
		{"endpoint = \"" + ts.URL + "\"\n  request_timeout = \"-5s\"", "Attribute request_timeout must be a positive duration"},
		{"endpoint = \"" + ts.URL + "\"\n  retry_max_elapsed = \"a while\"", `Attribute retry_max_elapsed must be a positive duration such as "30s" or "2m", got "a while"`},
		{"endpoint = \"" + ts.URL + "\"\n  retry_max_elapsed = \"0s\"", `Attribute retry_max_elapsed must be a positive duration such as "30s" or "2m", got "0s": it is not positive`},
		{"endpoint = \"" + ts.URL + "\"\n  max_retries = -1", "Attribute max_retries value must be between 0 and 20"},
		{"endpoint = \"" + ts.URL + "\"\n  password = \"p\"\n  api_key = \"k\"", `Attribute "api_key" cannot be specified when "password" is specified`},
		{"endpoint = \"" + ts.URL + "\"\n  org_name = \"bad name\"", "Attribute org_name must be 2 to 50 characters"},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      "provider \"rockit\" {\n  " + c.settings + "\n}\n" + orgOnly,
			PlanOnly:    true,
			ExpectError: expectError(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	ts.requireNoRequests(t, "invalid provider settings")
}

// ROCKIT_RETRY_MAX_ELAPSED is checked at plan time too (in Configure), naming the variable.
func TestAccProvider_invalidRetryMaxElapsedFromEnvironment(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	t.Setenv(envMaxElapsed, "forever")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      ts.adminProvider() + orgOnly,
			PlanOnly:    true,
			ExpectError: expectError(`retry_max_elapsed (or ROCKIT_RETRY_MAX_ELAPSED) must be a positive Go duration such as "5m", got "forever"`),
		}},
	})
	ts.requireNoRequests(t, "an invalid ROCKIT_RETRY_MAX_ELAPSED")
}

// The provider's own schema: every attribute has a description naming its variable.
func TestProviderSchemaDescriptions(t *testing.T) {
	env := map[string]string{
		"endpoint": envEndpoint, "admin_token": envAdminToken, "org_name": envOrgName,
		"username": envUsername, "password": envPassword, "api_key": envAPIKey, "ca_cert_pem": envCACertPEM,
		"retry_max_elapsed": envMaxElapsed,
	}
	s := providerSchema(t)
	for name, attr := range s.Attributes {
		desc := attr.GetMarkdownDescription()
		if desc == "" {
			t.Errorf("provider attribute %s has no description", name)
		}
		if v, ok := env[name]; ok && !strings.Contains(desc, "`"+v+"`") {
			t.Errorf("provider attribute %s does not name its environment variable %s", name, v)
		}
	}
	for _, secret := range []string{"admin_token", "password", "api_key"} {
		if !s.Attributes[secret].IsSensitive() {
			t.Errorf("provider attribute %s is not sensitive", secret)
		}
	}
}
