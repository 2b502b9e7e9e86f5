package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Issue 27 item 1: ownership is proven by the state that owns it, never by the working
// directory. The evidence of a create (the crash journal in .terraform/rockit-journal) adopts
// only in the workspace whose run sent it, never for another provider configuration of the
// same run, and goes when its object is deleted.

// requireRockit is the terraform block of every configuration here.
const requireRockit = `
terraform {
  required_providers {
    rockit = { source = "rockitplay/rockit" }
  }
}
`

// opsRoleConfig is one role, Ops, with apps = read.
const opsRoleConfig = `
resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { apps = ["read"] }
}
`

// ownershipRun runs terraform in w with a two-minute bound.
func ownershipRun(w *workDir, args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return w.terraform(ctx, append(args, "-input=false", "-no-color")...)
}

// wantAlreadyExists fails unless out is a failed run's "already exists" with an import block.
func wantAlreadyExists(t *testing.T, what, out string, code int, typ, name string) {
	t.Helper()
	if code == 0 || !strings.Contains(out, "already exists") ||
		!strings.Contains(out, "to = "+typ+".<resource name>") || !strings.Contains(out, `id = "`+name+`"`) {
		t.Fatalf("%s: exit %d, want a failure with \"already exists\" and the import block:\n%s", what, code, out)
	}
}

// stateAttribute returns the attribute attr of the first instance of the resource type typ in
// the state file of the working directory (terraform.tfstate for the default workspace).
func stateAttribute(t *testing.T, file, typ, attr string) string {
	t.Helper()
	b, err := os.ReadFile(file) //nolint:gosec // the test's own state file
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string                                `json:"type"`
			Instances []struct{ Attributes map[string]any } `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Resources {
		if r.Type == typ && len(r.Instances) > 0 {
			s, _ := r.Instances[0].Attributes[attr].(string)
			return s
		}
	}
	return ""
}

// A second workspace of the same working directory applies the configuration of the first:
// the machine user exists, created by the default workspace, whose journal entry is still
// there (no Read of it since). The other workspace's plan fails with "already exists" and the
// import block, nothing is written, and the default workspace's API key still works. (It used
// to plan "will be adopted", adopt the machine user and reset its API key.)
func TestSecondWorkspaceNeverTakesOverTheFirstOnesObjects(t *testing.T) {
	mock, w := orgWorkDir(t, "Acme")
	w.write("main.tf", requireRockit+`
resource "rockit_machine_user" "ci" {
  username = "ci_bot"
  label    = "CI"
  roles    = ["Administrators"]
}
`)
	if out, code := ownershipRun(w, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply in the default workspace (%d):\n%s", code, out)
	}
	key := stateAttribute(t, filepath.Join(w.dir, "terraform.tfstate"), "rockit_machine_user", "api_key")
	if key == "" {
		t.Fatal("no api_key in the default workspace's state")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, code := w.terraform(ctx, "workspace", "new", "-no-color", "other"); code != 0 {
		t.Fatalf("workspace new (%d):\n%s", code, out)
	}
	mock.ResetRequests()
	out, code := ownershipRun(w, "apply", "-auto-approve")
	wantAlreadyExists(t, "apply in the workspace other", out, code, "rockit_machine_user", "ci_bot")
	if strings.Contains(out, "will be adopted") {
		t.Errorf("the other workspace announced an adoption:\n%s", out)
	}
	if writes := writesOf(mock.Requests()); len(writes) > 0 {
		t.Errorf("the other workspace wrote: %v", writes)
	}
	api, err := client.New(client.Config{Endpoint: mockURL(t, w), OrgName: "Acme", Username: "ci_bot", APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.ListRoles(context.Background()); err != nil {
		t.Errorf("the default workspace's API key no longer works: %v", err)
	}
}

// mockURL is the endpoint the working directory's provider uses.
func mockURL(t *testing.T, w *workDir) string {
	t.Helper()
	for _, e := range w.env {
		if u, ok := strings.CutPrefix(e, "ROCKIT_ENDPOINT="); ok {
			return u
		}
	}
	t.Fatal("no ROCKIT_ENDPOINT")
	return ""
}

// Two provider configurations (aliases) of one organization, each with a rockit_role named
// Ops: the apply fails for the second one, which says that two resources name the role, and
// state holds one resource for the one role. (The second one used to adopt the first one's
// role from the journal: two resources for one role, each undoing the other's settings.)
func TestTwoAliasesNamingOneRoleFail(t *testing.T) {
	mock, w := orgWorkDir(t, "Acme")
	w.write("main.tf", requireRockit+`
provider "rockit" {}

provider "rockit" {
  alias = "second"
}

resource "rockit_role" "a" {
  name        = "Ops"
  permissions = { apps = ["read"] }
}

resource "rockit_role" "b" {
  provider    = rockit.second
  name        = "Ops"
  permissions = { apps = ["read"] }
}
`)
	out, code := ownershipRun(w, "apply", "-auto-approve")
	if flat := strings.Join(strings.Fields(out), " "); code == 0 || !strings.Contains(flat, "Two resources name the same role") ||
		!strings.Contains(flat, "another provider configuration (alias) of the same organization") {
		t.Fatalf("exit %d, want a failure saying two resources name the role:\n%s", code, out)
	}
	if roles, _, _ := stateNames(t, w.dir); len(roles) != 1 {
		t.Errorf("state holds %d roles %v for the one role Ops, want 1", len(roles), roles)
	}
	if n := len(mock.Requests()); n == 0 {
		t.Error("the mock saw no request")
	}
}

// apply, destroy -refresh=false (which reads nothing), then someone else creates a role of
// the same name and permissions: the next apply fails with "already exists" and the import
// block, and writes nothing. (The journal entry of the first apply outlived the destroy, and
// the plan announced, and the apply made, an adoption of the stranger's role.)
func TestDestroyWithoutRefreshThenAStrangersRoleIsNotAdopted(t *testing.T) {
	mock, w := orgWorkDir(t, "Acme")
	w.write("main.tf", requireRockit+opsRoleConfig)
	if out, code := ownershipRun(w, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply (%d):\n%s", code, out)
	}
	if out, code := ownershipRun(w, "destroy", "-auto-approve", "-refresh=false"); code != 0 {
		t.Fatalf("destroy -refresh=false (%d):\n%s", code, out)
	}
	mock.SeedRole("Acme", "Ops", map[string]int{"apps": mockserver.PermRead})
	mock.ResetRequests()
	out, code := ownershipRun(w, "apply", "-auto-approve")
	wantAlreadyExists(t, "the apply after the stranger's create", out, code, "rockit_role", "Ops")
	if writes := writesOf(mock.Requests()); len(writes) > 0 {
		t.Errorf("the apply wrote: %v", writes)
	}
}

// loseFirstRolePOST is a front for the mock that drops the answer to the first successful
// POST of a role after the mock created it (the connection closes without an answer).
func loseFirstRolePOST(mock http.Handler) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		mock.ServeHTTP(rec, r)
		lose := false
		if r.Method == http.MethodPost && r.URL.Path == "/be/v1/roles" && rec.Code < 300 {
			once.Do(func() { lose = true })
		}
		relayUnlessLost(w, rec, lose)
	})
}

// relayUnlessLost passes the answer the mock recorded on to the client, or, when lost, drops
// it and closes the connection (the mock acted; the client never hears of it).
func relayUnlessLost(w http.ResponseWriter, rec *httptest.ResponseRecorder, lost bool) {
	if lost {
		panic(http.ErrAbortHandler)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// The server's clock runs 5 seconds behind (the mock's ClockSkew), and the answer to the
// create of the role is lost after the server created it: the retry's 409 finds our own role,
// created 5 s "before" the request by the local clock but as it arrived by the server's, and
// the apply adopts it: one role, in state, and an empty re-plan. (Judged by the local clock
// with 2 s of margin, as before, it was refused as someone else's and the apply failed.)
func TestServerClockBehindOwnRoleIsAdopted(t *testing.T) {
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken, ClockSkew: -5 * time.Second}, loseFirstRolePOST)
	pw := mock.SeedOrg("Acme", "admin")
	w := newWorkDir(t, terraformCLI(t), buildPlugin(t), "ROCKIT_ENDPOINT="+url, "ROCKIT_ORG=Acme", "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+pw)
	w.write("main.tf", requireRockit+opsRoleConfig)
	if out, code := ownershipRun(w, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply (%d), want our own role adopted:\n%s", code, out)
	}
	if n := len(writesOf(mock.Requests())); n != 2 {
		t.Errorf("%d writes %v, want 2 (the POST whose answer was lost and the retry's 409)", n, writesOf(mock.Requests()))
	}
	if roles, _, tainted := stateNames(t, w.dir); len(roles) != 1 || len(tainted) != 0 {
		t.Errorf("state: roles %v, tainted %v; want Ops, untainted", roles, tainted)
	}
	if out, code := ownershipRun(w, "plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("the re-plan is not empty (%d):\n%s", code, out)
	}
}
