package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// twentyRoleReads is a configuration of 20 data sources that all need the org-scoped login.
const twentyRoleReads = `
data "rockit_role" "r" {
  count = 20
  name  = "Role${count.index}"
}
`

// expectEveryReadFails matches an error output in which all 20 data sources show the same
// error, containing text.
func expectEveryReadFails(text string) *regexp.Regexp {
	one := strings.TrimPrefix(expectError(text).String(), "(?s)")
	return regexp.MustCompile(fmt.Sprintf(`(?s)(%s.*){20}`, one))
}

// A wrong password is sent once per run, not once per data source: every data source waiting
// for the login fails with the same error (issue 21 item 1: repeated failed logins lock
// accounts on a real server). Both generations, under "auto" and under the explicit scheme.
func TestAccLoginFailure_wrongPasswordOnce(t *testing.T) {
	forEachAuthScheme(t, func(t *testing.T) {
		for _, scheme := range []string{"auto", "explicit"} {
			t.Run(scheme, func(t *testing.T) {
				ts := newTestServer(t)
				ts.SeedOrg("Acme", "admin")
				setting := ts.schemeSetting()
				if scheme == "auto" {
					setting = ""
				}
				cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint = %q
  org_name = "Acme"
  username = "admin"
  password = "not-the-password"%s
}
`, ts.URL, setting) + twentyRoleReads
				expectRefusedOnce(t, ts, cfg, "/be/v1/login")
			})
		}
	})
}

// A machine user's API key that the host refuses is sent once: the requests carrying a key no
// answer has proven yet go one at a time, and every one waiting fails with the first's error.
func TestAccLoginFailure_wrongAPIKeyOnce(t *testing.T) {
	ts := newTestServer(t)
	ts.SeedOrg("Acme", "admin")
	ts.SeedUser("Acme", "ci_bot", true)
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint = %q
  org_name = "Acme"
  username = "ci_bot"
  api_key  = "not-the-key"
}
`, ts.URL) + twentyRoleReads
	expectRefusedOnce(t, ts, cfg, "/be/v1/roles/")
}

// expectRefusedOnce plans cfg (the 20 data sources) and checks that every data source failed
// with the same remembered refusal, and that the mock received one request only, to a path
// starting with path: the credentials were sent once.
func expectRefusedOnce(t *testing.T, ts *testServer, cfg, path string) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			PlanOnly:    true,
			ExpectError: expectEveryReadFails("not sent again in this run: repeated failed logins can lock an account"),
		}},
	})
	if reqs := ts.Requests(); len(reqs) != 1 || !strings.HasPrefix(reqs[0].Path, path) {
		t.Fatalf("want exactly 1 request (%s...) for 20 data sources, got %d: %s", path, len(reqs), describeRequests(reqs))
	}
}
