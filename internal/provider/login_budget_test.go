package provider

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// slowRefusals is a front for the mock that holds every request matching method and path (""
// matches any) for 1.2 s before the mock answers it (a slow or overloaded host refusing after
// the provider's request_timeout), and counts them as they arrive.
func slowRefusals(method, path string, arrived *atomic.Int32) func(http.Handler) http.Handler {
	return func(mock http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if (method == "" || r.Method == method) && strings.HasPrefix(r.URL.Path, path) {
				arrived.Add(1)
				time.Sleep(1200 * time.Millisecond)
			}
			mock.ServeHTTP(w, r)
		})
	}
}

// slowProvider is a provider block for url whose attempts end after 400 ms, with retries left,
// and the settings given (one per line).
func slowProvider(url string, settings ...string) string {
	return fmt.Sprintf(`
provider "rockit" {
  endpoint        = %q
  request_timeout = "400ms"
  max_retries     = 4
  %s
}
`, url, strings.Join(settings, "\n  "))
}

// fiveRoleReads is five data sources that all need the org-scoped credentials.
const fiveRoleReads = `
data "rockit_role" "r" {
  count = 5
  name  = "Role${count.index}"
}
`

// expectSentTwice runs cfg as a plan (or an apply) that must fail with the spent budget of
// the credential what names, and checks that the host received it twice.
func expectSentTwice(t *testing.T, cfg, what string, planOnly bool, arrived *atomic.Int32) {
	t.Helper()
	t.Cleanup(func() { // also when the step fails; not when resource.Test skipped it (no TF_ACC)
		if t.Skipped() {
			return
		}
		if n := arrived.Load(); n != 2 {
			t.Errorf("the host received the credential %d times, want 2", n)
		}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   cfg,
			PlanOnly: planOnly,
			ExpectError: expectError(what + " was sent 2 times without an answer saying whether it is right " +
				"(the last:"),
		}},
	})
}

// A wrong password that the host refuses slowly (after request_timeout) reaches it twice per
// run, whatever max_retries and however many data sources wait for the login (issue 30: 21
// logins reached the host in one plan with five data sources). Both generations.
func TestAccLoginBudget_slowRefusalOfAPassword(t *testing.T) {
	forEachAuthScheme(t, func(t *testing.T) {
		var arrived atomic.Int32
		ts := newTestServerBehind(t, slowRefusals(http.MethodPost, "/be/v1/login", &arrived))
		ts.SeedOrg("Acme", "admin")
		cfg := slowProvider(ts.URL, `org_name = "Acme"`, `username = "admin"`, `password = "not-the-password"`,
			strings.TrimSpace(ts.schemeSetting())) + fiveRoleReads
		expectSentTwice(t, cfg, "the password (`password` in the provider block)", true, &arrived)
	})
}

// The same for a machine user's API key: every request carries it, so the host's slow answers
// to the reads count against it.
func TestAccLoginBudget_slowRefusalOfAnAPIKey(t *testing.T) {
	var arrived atomic.Int32
	ts := newTestServerBehind(t, slowRefusals("", "", &arrived))
	ts.SeedOrg("Acme", "admin")
	cfg := slowProvider(ts.URL, `org_name = "Acme"`, `username = "ci_bot"`, `api_key = "not-the-key"`) + fiveRoleReads
	expectSentTwice(t, cfg, "the API key (`api_key` in the provider block)", true, &arrived)
}

// The same for the admin token, through the probe of auth_scheme "auto" (2025 header, then
// Bearer) included: three organizations to create, the host answering after request_timeout.
func TestAccLoginBudget_slowRefusalOfTheAdminToken(t *testing.T) {
	var arrived atomic.Int32
	ts := newTestServerBehind(t, slowRefusals(http.MethodPost, "/be/v1/orgs", &arrived))
	cfg := slowProvider(ts.URL, `admin_token = "not-the-token"`) + `
resource "rockit_organization" "o" {
  count = 3
  name  = "Slow_${count.index}"
}
`
	expectSentTwice(t, cfg, "the admin token (`admin_token` in the provider block)", false, &arrived)
}
