package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// clearRockitEnv empties every ROCKIT_* variable the provider reads, so the developer's own
// environment cannot change a test. Tests that use it cannot run in parallel (t.Setenv).
func clearRockitEnv(t *testing.T) {
	for _, v := range []string{envEndpoint, envAdminToken, envOrgName, envUsername, envPassword, envAPIKey, envCACertPEM, envMaxElapsed,
		envRequestTimeout, envMaxRetries, envRateLimit, envInsecure, envCollectionReads, envAuthScheme, envSecretsKey} {
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
		"retry_max_elapsed": envMaxElapsed, "request_timeout": envRequestTimeout, "max_retries": envMaxRetries,
		"rate_limit": envRateLimit, "insecure_skip_verify": envInsecure, "collection_reads": envCollectionReads,
		"auth_scheme": envAuthScheme, "secrets_public_key_pem": envSecretsKey, "plan_checks": envPlanChecks,
	}
	s := providerSchema(t)
	for name, attr := range s.Attributes {
		desc := attr.GetMarkdownDescription()
		if desc == "" {
			t.Errorf("provider attribute %s has no description", name)
		}
		if v, ok := env[name]; !ok || !strings.Contains(desc, "`"+v+"`") {
			t.Errorf("provider attribute %s does not name its environment variable %s", name, v)
		}
	}
	for _, secret := range []string{"admin_token", "password", "api_key"} {
		if !s.Attributes[secret].IsSensitive() {
			t.Errorf("provider attribute %s is not sensitive", secret)
		}
	}
}

// Every setting without a secret has its environment variable too (issue 21 item 10): left out
// of the block, request_timeout, retry_max_elapsed, max_retries, rate_limit,
// insecure_skip_verify and collection_reads come from ROCKIT_...; the block still wins.
func TestProviderSettingsFromEnvironment(t *testing.T) {
	clearRockitEnv(t)
	t.Setenv(envRequestTimeout, "7s")
	t.Setenv(envMaxElapsed, "2m")
	t.Setenv(envMaxRetries, "0")
	t.Setenv(envRateLimit, "2.5")
	t.Setenv(envInsecure, "true")
	t.Setenv(envCollectionReads, "false")
	cfg := rockitProviderModel{
		RequestTimeout: types.StringNull(), RetryMaxElapsed: types.StringNull(), MaxRetries: types.Int64Null(),
		RateLimit: types.Float64Null(), InsecureSkipVerify: types.BoolNull(), CollectionReads: types.BoolNull(),
	}
	var diags diag.Diagnostics
	cc := client.Config{Timeout: defaultRequestTimeout, MaxRetries: defaultMaxRetries}
	retrySettings(cfg, &cc, &diags)
	insecure := boolSetting(&diags, cfg.InsecureSkipVerify, "insecure_skip_verify", envInsecure, false)
	reads := boolSetting(&diags, cfg.CollectionReads, "collection_reads", envCollectionReads, true)
	if diags.HasError() {
		t.Fatalf("diagnostics: %v", diags)
	}
	if cc.Timeout != 7*time.Second || cc.MaxElapsed != 2*time.Minute || cc.MaxRetries != 0 || cc.RateLimit != 2.5 || !insecure || reads {
		t.Errorf("from the environment: timeout %v, max elapsed %v, max retries %d, rate %v, insecure %v, collection reads %v; "+
			"want 7s, 2m, 0, 2.5, true, false", cc.Timeout, cc.MaxElapsed, cc.MaxRetries, cc.RateLimit, insecure, reads)
	}

	// The block wins over every variable.
	cfg = rockitProviderModel{
		RequestTimeout: types.StringValue("9s"), RetryMaxElapsed: types.StringValue("1m"), MaxRetries: types.Int64Value(3),
		RateLimit: types.Float64Value(4), InsecureSkipVerify: types.BoolValue(false), CollectionReads: types.BoolValue(true),
	}
	cc = client.Config{Timeout: defaultRequestTimeout, MaxRetries: defaultMaxRetries}
	retrySettings(cfg, &cc, &diags)
	insecure = boolSetting(&diags, cfg.InsecureSkipVerify, "insecure_skip_verify", envInsecure, false)
	reads = boolSetting(&diags, cfg.CollectionReads, "collection_reads", envCollectionReads, true)
	if cc.Timeout != 9*time.Second || cc.MaxElapsed != time.Minute || cc.MaxRetries != 3 || cc.RateLimit != 4 || insecure || !reads {
		t.Errorf("from the block: timeout %v, max elapsed %v, max retries %d, rate %v, insecure %v, collection reads %v; "+
			"want 9s, 1m, 3, 4, false, true", cc.Timeout, cc.MaxElapsed, cc.MaxRetries, cc.RateLimit, insecure, reads)
	}
}

// ROCKIT_MAX_RETRIES reaches the client: with 0, a create answered 503 is sent once, not six
// times.
func TestAccProvider_maxRetriesFromEnvironment(t *testing.T) {
	clearRockitEnv(t)
	var posts atomic.Int32
	url := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete { // the destroy of the possibly created organization
			writeAPIError(w, http.StatusNotFound, "organization not found")
			return
		}
		posts.Add(1)
		writeAPIError(w, http.StatusServiceUnavailable, "down for maintenance")
	}))
	t.Setenv(envMaxRetries, "0")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"rockit\" {\n  endpoint    = %q\n  admin_token = %q\n}\n", url, testAdminToken) + orgOnly,
			ExpectError: expectError("HTTP 503: down for maintenance"),
		}},
	})
	if n := posts.Load(); n != 1 {
		t.Errorf("the server received %d POST requests, want 1 (ROCKIT_MAX_RETRIES=0)", n)
	}
}

// An invalid value in an environment variable fails at plan time, naming the variable and the
// rule, before any request.
func TestAccProvider_invalidSettingsFromEnvironment(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	for _, c := range []struct{ env, value, want string }{
		{envRequestTimeout, "soon", `request_timeout (or ROCKIT_REQUEST_TIMEOUT) must be a positive Go duration such as "30s", got "soon".`},
		{envMaxRetries, "21", `The environment variable ROCKIT_MAX_RETRIES, read because max_retries is not set, must be a whole number from 0 to 20, got "21".`},
		{envMaxRetries, "many", `The environment variable ROCKIT_MAX_RETRIES, read because max_retries is not set, must be a whole number from 0 to 20, got "many".`},
		{envRateLimit, "0.01", `The environment variable ROCKIT_RATE_LIMIT, read because rate_limit is not set, must be a number of requests per second of at least 0.1, got "0.01".`},
		{envInsecure, "yes please", `The environment variable ROCKIT_INSECURE_SKIP_VERIFY, read because insecure_skip_verify is not set, must be true or false (or 1 or 0), got "yes please".`},
		{envCollectionReads, "off", `The environment variable ROCKIT_COLLECTION_READS, read because collection_reads is not set, must be true or false (or 1 or 0), got "off".`},
	} {
		t.Run(c.env+"="+c.value, func(t *testing.T) {
			t.Setenv(c.env, c.value)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("provider \"rockit\" {\n  endpoint    = %q\n  admin_token = %q\n}\n", ts.URL, testAdminToken) + orgOnly,
					PlanOnly:    true,
					ExpectError: expectError(c.want),
				}},
			})
		})
	}
	ts.requireNoRequests(t, "invalid settings in the environment")
}
