// Package e2e runs the provider the way users do: the real plugin binary, started by the
// terraform CLI through dev_overrides, on the configuration of examples/demo. Unlike the
// in-process acceptance tests, every provider configuration (the default one and the alias
// configured from the new organization's outputs) is its own plugin process here, so this is
// the test of the one-apply bootstrap pattern exactly as users write it.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// terraformRun runs the terraform CLI in one working directory and returns its combined
// output and exit code.
type terraformRun func(args ...string) (string, int)

// setup starts a mock, writes the files into a new working directory with dev_overrides for
// the plugin (built once), and returns the mock, a runner of the terraform CLI and the
// working directory. The provider's endpoint and admin token come from the environment.
func setup(ctx context.Context, t *testing.T, files map[string][]byte) (*mockserver.Server, terraformRun, string) {
	t.Helper()
	tf := terraformCLI(t)
	plugins := buildPlugin(t)
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken}, nil)
	w := newWorkDir(t, tf, plugins, "ROCKIT_ENDPOINT="+url, "ROCKIT_ADMIN_TOKEN="+adminToken)
	for name, b := range files {
		w.write(name, string(b))
	}
	terraform := func(args ...string) (string, int) {
		t.Helper()
		return w.terraform(ctx, args...)
	}
	return mock, terraform, w.dir
}

func TestDemoWithRealPluginProcesses(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := filepath.Glob(filepath.Join(root, "examples", "demo", "*.tf"))
	if err != nil || len(demo) == 0 {
		t.Fatalf("no examples/demo/*.tf: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range demo {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(f)] = b
	}
	mock, terraform, _ := setup(ctx, t, files)

	// One apply: the organization, then everything inside it through the alias whose
	// password is the organization's initial password, unknown while planning.
	if out, code := terraform("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	const org = "Demo_Studio"
	if !mock.OrgExists(org) {
		t.Fatal("the organization was not created")
	}
	if _, ok := mock.RolePermissions(org, "Release"); !ok {
		t.Error("the role Release was not created through the aliased provider")
	}
	if _, ok := mock.UserInfo(org, "release_lead"); !ok {
		t.Error("the user release_lead was not created")
	}
	if !mock.AppExists(org, "Space_Game") || !mock.AppExists(org, "Puzzle") || !mock.DeploymentExists(org, "Origin_EU") {
		t.Error("the apps and the deployment were not created")
	}
	if _, ok := mock.SubscriptionSecret(org, "CI_Hook"); !ok {
		t.Error("the subscription CI_Hook was not created")
	}
	// The alias logged in as the organization's administrator: session auth, not the admin token.
	loggedIn := false
	for _, r := range mock.Requests() {
		if r.Path == "/be/v1/login" && r.Status == 200 && strings.Contains(string(r.Body), `"orgName":"Demo_Studio"`) {
			loggedIn = true
		}
	}
	if !loggedIn {
		t.Error("the aliased provider never logged in to the new organization")
	}
	key, code := terraform("output", "-raw", "ci_api_key")
	if want, _ := mock.UserAPIKey(org, "ci_deploy"); code != 0 || key != want || want == "" {
		t.Errorf("output ci_api_key %q (exit %d) is not the machine user's key on the server", key, code)
	}

	// Nothing to change on a second plan.
	if out, code := terraform("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the re-plan was not empty (exit %d):\n%s", code, out)
	}

	// Destroy removes the contents through the alias, then the organization with prune=true.
	mock.ResetRequests()
	if out, code := terraform("destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy failed (%d):\n%s", code, out)
	}
	if mock.OrgExists(org) {
		t.Fatal("the organization still exists after destroy")
	}
	reqs := mock.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != "DELETE" || last.Path != "/be/v1/orgs/"+org || last.Query != "prune=true" || last.Status != 200 {
		t.Errorf("the last request of the destroy was %s %s?%s -> %d, want DELETE /be/v1/orgs/%s?prune=true -> 200",
			last.Method, last.Path, last.Query, last.Status, org)
	}
	deletes := 0
	for _, r := range reqs {
		if r.Method == "DELETE" && r.Status == 200 {
			deletes++
		}
	}
	// role, user, machine user, deployment, two apps, subscription, organization
	if deletes != 8 {
		t.Errorf("destroy sent %d successful DELETEs, want 8 (seven objects, then the organization)", deletes)
	}
}

// terraform apply -replace=... reaches Delete without any plan-time check the provider can see:
// Delete refuses from the state while deletion_protection is true, and no DELETE reaches the
// API. Lifting the protection (apply) lets the destroy through.
func TestReplaceOfProtectedOrganizationIsRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	config := func(protected bool) []byte {
		return []byte(fmt.Sprintf(`
terraform {
  required_providers {
    rockit = {
      source = "rockitplay/rockit"
    }
  }
}

resource "rockit_organization" "guarded" {
  name                = "Guarded_E2E"
  deletion_protection = %t
}
`, protected))
	}
	mock, terraform, work := setup(ctx, t, map[string][]byte{"main.tf": config(true)})
	if out, code := terraform("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	mock.ResetRequests()
	out, code := terraform("apply", "-replace=rockit_organization.guarded", "-auto-approve", "-input=false", "-no-color")
	if code == 0 {
		t.Fatalf("apply -replace of a protected organization succeeded:\n%s", out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		`Terraform was about to delete the organization "Guarded_E2E"`,
		"so nothing was deleted",
		"set deletion_protection = false in the configuration, apply, then destroy or replace it",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the error of apply -replace does not say %q:\n%s", want, out)
		}
	}
	for _, r := range mock.Requests() {
		if r.Method == "DELETE" || r.Method == "POST" {
			t.Errorf("apply -replace of a protected organization sent %s %s", r.Method, r.Path)
		}
	}
	if !mock.OrgExists("Guarded_E2E") {
		t.Fatal("the protected organization was deleted")
	}
	// The plan after the refused replacement is empty: state still holds the organization.
	if out, code := terraform("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the plan after the refused replacement is not empty (exit %d):\n%s", code, out)
	}
	// The way out the error names: lift the protection, apply, destroy.
	if err := os.WriteFile(filepath.Join(work, "main.tf"), config(false), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := terraform("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply of deletion_protection = false failed (%d):\n%s", code, out)
	}
	if out, code := terraform("destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy after lifting the protection failed (%d):\n%s", code, out)
	}
	if mock.OrgExists("Guarded_E2E") {
		t.Error("the organization still exists after destroy")
	}
}
