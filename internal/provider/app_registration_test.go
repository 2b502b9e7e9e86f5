package provider

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// failingAppWrites stands in front of a mock and, while switched on, answers 500 to the
// registration PATCH of apps and to DELETEs of apps, without passing them on: the mock's log
// shows only what reached it.
type failingAppWrites struct {
	patch, del atomic.Bool
}

func (f *failingAppWrites) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (f.patch.Load() && r.Method == http.MethodPatch && r.URL.Path == "/be/v1/apps") ||
			(f.del.Load() && r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/be/v1/apps/")) {
			writeAPIError(w, http.StatusInternalServerError, "injected by the test")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// newFailingAppServer is newTestServer with failingAppWrites in front of the mock.
func newFailingAppServer(t *testing.T) (*testServer, *failingAppWrites) {
	t.Helper()
	f := &failingAppWrites{}
	return newTestServerBehind(t, f.wrap), f
}

// When the registration PATCH fails after the app was created, the app (registered to no
// deployment = all deployments) is deleted again: nothing is left published more widely
// than configured, and nothing is in state.
func TestAccApp_failedRegistrationDeletesTheNewApp(t *testing.T) {
	ts, fail := newFailingAppServer(t)
	prov := ts.orgProvider(t, "App_Undo")
	ts.SeedDeployment("App_Undo", "Origin_A")
	cfg := appConfig(prov, "  name = \"Game_Undo\"\n  label = \"U\"\n  deployments = [\"Origin_A\"]")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("app", "App_Undo", "Game_Undo"),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { fail.patch.Store(true) },
				Config:    cfg,
				ExpectError: expectError(`Registering the deployments of the new app "Game_Undo" failed, so the app was deleted again ` +
					`(it had no builds): an app without registered deployments is published to all deployments. Nothing was created`),
			},
			{
				PreConfig: func() {
					fail.patch.Store(false)
					if ts.AppExists("App_Undo", "Game_Undo") {
						t.Error("the app whose registration failed is still on the server (published to all deployments)")
					}
					if got := describeRequests(writeRequests(ts.Requests())); got != "POST /be/v1/apps -> 200, DELETE /be/v1/apps/Game_Undo -> 200" {
						t.Errorf("want the new app created and deleted again, got %s", got)
					}
					ts.ResetRequests()
				},
				// Nothing in state: the next apply creates it.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_app.test", plancheck.ResourceActionCreate),
				}},
				Check: resource.TestCheckTypeSetElemAttr("rockit_app.test", "deployments.*", "Origin_A"),
			},
		},
	})
}

// When the delete after a failed registration fails too, the app stays in state, tainted,
// with an error saying it is published to all deployments; being protected, the tainted app
// is not deleted by the next apply either (Delete refuses from state, no DELETE is sent).
func TestAccApp_taintedByFailedRegistrationStaysProtected(t *testing.T) {
	ts, fail := newFailingAppServer(t)
	prov := ts.orgProvider(t, "App_Keep")
	ts.SeedDeployment("App_Keep", "Origin_A")
	cfg := appConfig(prov, "  name = \"Game_Keep\"\n  label = \"K\"\n  deployments = [\"Origin_A\"]\n  deletion_protection = true")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// removed blocks need Terraform 1.7.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{
				PreConfig: func() { fail.patch.Store(true); fail.del.Store(true) },
				Config:    cfg,
				ExpectError: expectError(`The app exists with no registered deployment, which the API reads as ALL deployments of the ` +
					`organization. It is kept in state as tainted`),
			},
			{
				PreConfig: func() {
					fail.patch.Store(false)
					fail.del.Store(false)
					if !ts.AppExists("App_Keep", "Game_Keep") {
						t.Error("the app is not on the server")
					}
					ts.ResetRequests()
				},
				Config:      cfg,
				ExpectError: expectError(deletionProtectionRefused("app", "Game_Keep") + ", which deletes all its images and patches irreversibly"),
			},
			{
				PreConfig: ts.expectNoDeletes(t, "tainted protected app"),
				Config: prov + `
removed {
  from = rockit_app.test
  lifecycle {
    destroy = false
  }
}
`,
				Check: func(*terraform.State) error {
					if !ts.AppExists("App_Keep", "Game_Keep") {
						return fmt.Errorf("the protected app was deleted")
					}
					if dels := ts.requestsMatching("DELETE", ""); len(dels) > 0 {
						return fmt.Errorf("the protected app received DELETE requests: %s", describeRequests(dels))
					}
					return nil
				},
			},
		},
	})
}
