package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// TestAccUserCredentialsResetFailsAfterAdoption: the answer to creating a user is lost, the
// retry's 409 proves the user is this apply's own and it is adopted, but the credentials reset
// that would give it a password fails. The user exists on the server, so it must not be lost
// from state: the apply fails saying what happened, the user is in state and tainted (the next
// plan replaces it), and the mock still has it.
func TestAccUserCredentialsResetFailsAfterAdoption(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: testAdminToken})
	password := m.SeedOrg("Taint", "admin")
	losing := losingAnswers(m, firstSuccessfulPost("/be/v1/users"))
	url := httptestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch && r.URL.Path == "/be/v1/users" {
			writeAPIError(w, http.StatusForbidden, "forbidden: resetCreds needs the full beUsers permission")
			return
		}
		losing.ServeHTTP(w, r)
	}))
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Taint"
  username    = "admin"
  password    = %q
  max_retries = 2
}

resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Liddell"
}
`, url, password)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ExpectError: regexp.MustCompile(`Error: Created without its initial_password(?s).*` + expectError(
					`user "alice" was created, but the answer carrying its initial password or API key was lost, and obtaining a new one failed: `+
						`PATCH /be/v1/users: HTTP 403: forbidden: resetCreds needs the full beUsers permission. `+
						`The user "alice" exists and is saved in state with initial_password unknown (null); it is marked tainted, `+
						`so the next apply replaces it`).String()),
			},
			{
				PreConfig: func() {
					if _, ok := m.UserInfo("Taint", "alice"); !ok {
						t.Error("the adopted user is gone from the mock")
					}
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					// In state and tainted: the unchanged configuration plans a replacement.
					plancheck.ExpectResourceAction("rockit_user.u", plancheck.ResourceActionReplace),
				}},
			},
		},
	})
}
