package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// auth_scheme is checked at plan time, in the configuration and in ROCKIT_AUTH_SCHEME, with no
// request.
func TestAccAuthScheme_invalidAtPlanTime(t *testing.T) {
	ts := newTestServer(t)
	t.Setenv(envAuthScheme, "2024")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      fmt.Sprintf("provider \"rockit\" {\n  endpoint = %q\n  auth_scheme = \"v2026\"\n}\n", ts.URL) + orgOnly,
				PlanOnly:    true,
				ExpectError: expectError(`Attribute auth_scheme value must be one of: ["auto" "2025" "2026"], got: "v2026"`),
			},
			{
				Config:      fmt.Sprintf("provider \"rockit\" {\n  endpoint = %q\n}\n", ts.URL) + orgOnly,
				PlanOnly:    true,
				ExpectError: expectError(`auth_scheme (or ROCKIT_AUTH_SCHEME) must be one of ["auto" "2025" "2026"], got "2024"`),
			},
		},
	})
	ts.requireNoRequests(t, "an invalid auth_scheme")
}

// With auth_scheme left at "auto" the provider tells the generation from the first login and
// speaks it for the rest of the run: the 2025 session/auth token, or the 2026 selection and
// Bearer access token; the admin token follows.
func TestAccAuthScheme_autoAgainstEachGeneration(t *testing.T) {
	forEachAuthScheme(t, func(t *testing.T) {
		ts := newTestServer(t)
		pw := ts.SeedOrg("Acme", "admin")
		cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  admin_token = %q
  org_name    = "Acme"
  username    = "admin"
  password    = %q
  max_retries = 0
}

resource "rockit_role" "auto" {
  name        = "Auto"
  permissions = { apps = ["read"] }
}
`, ts.URL, testAdminToken, pw)
		want2025 := []string{"/be/v1/login  200", "/be/v1/auth session 200", "/be/v1/roles authToken 200"}
		want2026 := []string{"/be/v1/login  200", "/be/v1/login selection 200", "/be/v1/roles bearer 200"}
		want, never := want2025, want2026[1:]
		if ts.scheme == mockserver.AuthScheme2026 {
			want, never = want2026, want2025[1:]
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("rockit_role.auto", "name", "Auto"),
					func(*terraform.State) error {
						kinds := ts.authKinds()
						for _, k := range want {
							if kinds[k] == 0 {
								return fmt.Errorf("no request %q against the %s mock: %v", k, ts.scheme, kinds)
							}
						}
						for _, k := range never {
							if kinds[k] > 0 {
								return fmt.Errorf("request %q of the other generation against the %s mock: %v", k, ts.scheme, kinds)
							}
						}
						return nil
					},
				),
			}},
		})
	})
}

// A 2026 login that does not list the configured organization fails naming it and the
// organizations it offered, without asking for the organization.
func TestAccAuthScheme_wrongOrganization(t *testing.T) {
	ts := newTestServer(t, withAuthScheme(mockserver.AuthScheme2026))
	pw := ts.SeedOrg("Acme", "admin")
	ts.SeedOrg("Elsewhere", "owner")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Elsewhere"
  username    = "admin"
  password    = %q
  max_retries = 0
}

resource "rockit_role" "r" {
  name        = "Nope"
  permissions = { apps = ["read"] }
}
`, ts.URL, pw),
			ExpectError: expectError(`organization "Elsewhere" does not exist, or user "admin" is not a member of it: check ` +
				"`org_name` / `ROCKIT_ORG` (names are case-sensitive). The login offered: Acme. " +
				`The host answered: user "admin" does not belong to organization "Elsewhere"; the login offered: Acme. ` +
				"Set `org_name` (or ROCKIT_ORG) to one of the organizations the login offered"),
		}},
	})
	for _, r := range ts.Requests() {
		if r.Path != "/be/v1/login" || r.Auth != "" {
			t.Fatalf("requests %s: want only first login steps", describeRequests(ts.Requests()))
		}
	}
}

// A long apply against a 2026 host whose access tokens live 2 seconds: the provider renews them
// through /be/v1/refresh (never a 401 on the way), the re-plan is empty and destroy with prune
// works.
func TestAccAuthScheme_longApplyRenewsAccessTokens(t *testing.T) {
	ts := newTestServer(t, withAuthScheme(mockserver.AuthScheme2026), func(o *mockserver.Options) {
		o.AuthTokenTTL = 2 * time.Second
		o.Latency = 250 * time.Millisecond
	})
	cfg := ts.orgProvider(t, "Acme") + `
resource "rockit_organization" "studio" {
  name           = "Studio_Long"
  admin_username = "owner"
  admin_email    = "owner@example.com"
  prune          = true
}

resource "rockit_role" "r0" {
  name        = "Step_0"
  permissions = { apps = ["read"] }
}
`
	// A chain of roles: each waits for the one before, so the apply outlives several access tokens.
	for i := 1; i < 8; i++ {
		cfg += fmt.Sprintf(`
resource "rockit_role" "r%d" {
  name        = "Step_%d"
  permissions = { apps = ["read"] }
  depends_on  = [rockit_role.r%d]
}
`, i, i, i-1)
	}
	// The client renews a second before expiry; a request slower than that may still meet an
	// expired token and be repeated once with a new one, which the user does not see. What must
	// never happen: a refresh or login refused (a rotated refresh token presented twice), or an
	// org-scoped request without the access token.
	noFailures := func() error {
		refreshed, late := 0, 0
		for _, r := range ts.Requests() {
			switch {
			case r.Path == "/be/v1/refresh" || r.Path == "/be/v1/login":
				if r.Status != http.StatusOK {
					return fmt.Errorf("%s %s (%s) -> %d: %s", r.Method, r.Path, r.Auth, r.Status, describeRequests(ts.Requests()))
				}
				if r.Path == "/be/v1/refresh" {
					refreshed++
				}
			case strings.HasPrefix(r.Path, "/be/v1/roles") && r.Auth != "bearer":
				return fmt.Errorf("%s %s carried %q credentials, want bearer", r.Method, r.Path, r.Auth)
			case r.Status == http.StatusUnauthorized:
				late++
			}
		}
		if refreshed == 0 {
			return fmt.Errorf("no access token was renewed through /be/v1/refresh: %s", describeRequests(ts.Requests()))
		}
		t.Logf("%d access tokens renewed through /be/v1/refresh; %d requests repeated after meeting an expired token", refreshed, late)
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := noFailures(); err != nil {
				return err
			}
			if dels := ts.requestsMatching(http.MethodDelete, "/be/v1/orgs/Studio_Long"); len(dels) != 1 || dels[0].Query != "prune=true" || dels[0].Auth != "admin" {
				return fmt.Errorf("organization deletes %v, want one with prune=true and the admin token", dels)
			}
			return ts.checkGone("organization", "", "Studio_Long")(nil)
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("rockit_role.r7", "name", "Step_7"),
				resource.TestCheckResourceAttrSet("rockit_organization.studio", "admin_initial_password"),
				func(*terraform.State) error { return noFailures() },
			),
			// The framework then plans again and fails on a non-empty plan.
		}},
	})
}
