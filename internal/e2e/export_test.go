package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// buildExport builds cmd/rockit-export for the test and returns the binary's path.
func buildExport(ctx context.Context, t *testing.T) string {
	t.Helper()
	export := filepath.Join(t.TempDir(), "rockit-export")
	if err := goBuild(ctx, "./cmd/rockit-export", export); err != nil {
		t.Fatal(err)
	}
	return export
}

// rockit-export against a seeded organization, then the terraform CLI on what it wrote: the
// plan imports every object and adds or destroys nothing, the apply imports them, and the
// re-plan is empty. This is the path for Terraform < 1.14, which has no `terraform query`.
func TestExportThenImportWithRealPluginProcess(t *testing.T) {
	tf := terraformCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	plugins := buildPlugin(t)
	export := buildExport(ctx, t)

	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken}, nil)
	const org = "Acme"
	pw := mock.SeedOrg(org, "admin")
	mock.SeedRole(org, "Developers", map[string]int{"apps": 6, "tasks": 18})
	mock.SeedRole(org, "Nobody", map[string]int{})
	mock.SeedUser(org, "alice", false, "Developers")
	mock.SeedUser(org, "ci_bot", true, "Developers", "Administrators")
	mock.SeedDeployment(org, "Origin[EU]")
	mock.SeedApp(org, "Space_Game", "Space Game", 3, 2048, "Origin[EU]")
	mock.SeedApp(org, "Puzzle", "Puzzle", 0, 0)
	mock.SeedSubscription(org, "CI_Hook", "https://ci.example.com/rockit")
	const objects = 8

	w := newWorkDir(t, tf, plugins,
		"ROCKIT_ENDPOINT="+url, "ROCKIT_ORG="+org, "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+pw,
		"TF_VAR_deployment_Origin_EU_secret_access_key=the-origin-secret")
	work := w.dir
	run := func(name string, args ...string) (string, int) {
		t.Helper()
		return w.run(ctx, name, args...)
	}
	terraform := func(args ...string) (string, int) {
		t.Helper()
		return w.terraform(ctx, args...)
	}

	mock.ResetRequests()
	if out, code := run(export, "-out", filepath.Join(work, "main.tf")); code != 0 {
		t.Fatalf("rockit-export failed (%d):\n%s", code, out)
	}
	for _, r := range mock.Requests() {
		if r.Method != "GET" && r.Path != "/be/v1/login" && r.Path != "/be/v1/auth" {
			t.Errorf("the export wrote: %s %s", r.Method, r.Path)
		}
	}
	generated, err := os.ReadFile(filepath.Join(work, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"to = rockit_role.Developers", "to = rockit_deployment.Origin_EU", `id = "Origin[EU]"`,
		"secret_access_key = var.deployment_Origin_EU_secret_access_key",
		`The user "admin" is left out`,
	} {
		if !bytes.Contains(generated, []byte(want)) {
			t.Errorf("the export lacks %q:\n%s", want, generated)
		}
	}
	if bytes.Contains(generated, []byte("rockit_role.Administrators")) {
		t.Error("the export imports the built-in Administrators role")
	}
	if out, code := run(tf, "fmt", "-check", "-diff", work); code != 0 {
		t.Errorf("the export is not formatted as terraform fmt would:\n%s", out)
	}

	// The plan only imports. The one in-place change is the deployment's origin secret, which
	// the API never returns: the first apply sends the configured value (DESIGN.md).
	out, code := terraform("plan", "-input=false", "-no-color")
	if code != 0 {
		t.Fatalf("plan failed (%d):\n%s\n%s", code, out, generated)
	}
	if want := fmt.Sprintf("Plan: %d to import, 0 to add, 1 to change, 0 to destroy.", objects); !strings.Contains(out, want) {
		t.Fatalf("plan does not say %q:\n%s\n%s", want, out, generated)
	}
	if n := strings.Count(out, "will be updated in-place"); n != 1 || !strings.Contains(out, "rockit_deployment.Origin_EU will be updated in-place") {
		t.Errorf("want only the deployment updated in place (its secret), got %d updates:\n%s", n, out)
	}

	mock.ResetRequests()
	if out, code := terraform("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	writes := []string{}
	for _, r := range mock.Requests() {
		if r.Method != "GET" && r.Path != "/be/v1/login" && r.Path != "/be/v1/auth" {
			writes = append(writes, r.Method+" "+r.Path)
		}
	}
	if len(writes) != 1 || writes[0] != "PATCH /be/v1/deployments" {
		t.Errorf("the apply wrote %v, want only the deployment's secret (PATCH /be/v1/deployments)", writes)
	}
	if secret, _, _ := mock.DeploymentSecrets(org, "Origin[EU]"); secret != "the-origin-secret" {
		t.Errorf("the deployment's secret on the server is %q, want the configured one", secret)
	}

	if out, code := terraform("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the re-plan was not empty (exit %d):\n%s", code, out)
	}
	state, _ := terraform("state", "list")
	if n := len(strings.Fields(state)); n != objects {
		t.Errorf("state holds %d objects, want %d:\n%s", n, objects, state)
	}
}

// rockit-export -write-only: the deployment's secret goes to secret_access_key_wo (version 1)
// from an ephemeral variable; the plan imports and sends it once, state never holds it, and the
// re-plan is empty. Write-only attributes need Terraform 1.11.
func TestExportWriteOnlyThenImport_TF111(t *testing.T) {
	tf := terraformCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	plugins := buildPlugin(t)
	export := buildExport(ctx, t)
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken}, nil)
	pw := mock.SeedOrg("Acme", "admin")
	mock.SeedDeployment("Acme", "Origin[US]")
	w := newWorkDir(t, tf, plugins, "ROCKIT_ENDPOINT="+url, "ROCKIT_ORG=Acme", "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+pw,
		"TF_VAR_deployment_Origin_US_secret_access_key=the-wo-secret")
	if c := detectCLI(t, tf); !c.AtLeast("1.11") { // OpenTofu has them from 1.11 too
		t.Skipf("write-only attributes need Terraform or OpenTofu 1.11, this is %s %s", c.Name(), c.Version)
	}
	if out, code := w.run(ctx, export, "-write-only", "-out", filepath.Join(w.dir, "main.tf")); code != 0 {
		t.Fatalf("rockit-export -write-only failed (%d):\n%s", code, out)
	}
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-input=false", "-no-color"}, "Plan: 1 to import, 0 to add, 1 to change, 0 to destroy."},
		{[]string{"apply", "-auto-approve", "-input=false", "-no-color"}, "Apply complete!"},
		{[]string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}, "No changes."},
	}
	for _, s := range steps {
		if out, code := w.terraform(ctx, s.args...); code != 0 || !strings.Contains(out, s.want) {
			main, _ := os.ReadFile(filepath.Join(w.dir, "main.tf"))
			t.Fatalf("terraform %s: exit %d, want %q:\n%s\n%s", strings.Join(s.args, " "), code, s.want, out, main)
		}
	}
	if secret, _, _ := mock.DeploymentSecrets("Acme", "Origin[US]"); secret != "the-wo-secret" {
		t.Errorf("the deployment's secret on the server is %q, want the write-only one", secret)
	}
	if state, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate")); err != nil || bytes.Contains(state, []byte("the-wo-secret")) {
		t.Errorf("the state holds the write-only secret (or cannot be read: %v)", err)
	}
}
