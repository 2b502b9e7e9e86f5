package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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

// startExport builds the plugin and rockit-export and starts a mock with the organization Acme
// (its admin's password pw) holding 8 objects: the roles Developers and Nobody, the user alice
// and the machine user ci_bot holding Developers, the deployment Origin[EU], the app Space_Game
// published to it and Puzzle published to all, and the subscription CI_Hook.
func startExport(ctx context.Context, t *testing.T) (plugins, export string, mock *mockserver.Server, url, pw string) {
	t.Helper()
	plugins = buildPlugin(t)
	export = buildExport(ctx, t)
	mock, url = startMock(t, mockserver.Options{AdminToken: adminToken}, nil)
	const org = "Acme"
	pw = mock.SeedOrg(org, "admin")
	mock.SeedRole(org, "Developers", map[string]int{"apps": 6, "tasks": 18})
	mock.SeedRole(org, "Nobody", map[string]int{})
	mock.SeedUser(org, "alice", false, "Developers")
	mock.SeedUser(org, "ci_bot", true, "Developers", "Administrators")
	mock.SeedDeployment(org, "Origin[EU]")
	mock.SeedApp(org, "Space_Game", "Space Game", 3, 2048, "Origin[EU]")
	mock.SeedApp(org, "Puzzle", "Puzzle", 0, 0)
	mock.SeedSubscription(org, "CI_Hook", "https://ci.example.com/rockit")
	return plugins, export, mock, url, pw
}

// rockit-export against a seeded organization, then the terraform CLI on what it wrote: the
// plan imports every object and adds or destroys nothing, the apply imports them, and the
// re-plan is empty. This is the path for Terraform < 1.14, which has no `terraform query`.
func TestExportThenImportWithRealPluginProcess(t *testing.T) {
	tf := terraformCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	plugins, export, mock, url, pw := startExport(ctx, t)
	const org, objects = "Acme", 8

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
	if writes := writesOf(mock.Requests()); len(writes) != 0 {
		t.Errorf("the export wrote: %v", writes)
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
	if writes := writesOf(mock.Requests()); len(writes) != 1 || writes[0] != "PATCH /be/v1/deployments" {
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

// rockit-export -split-dir: one root module per type (the default), then per name prefix,
// each through the terraform CLI on its own (init, plan, apply, re-plan). The plugin is installed by `terraform init` from an
// unpacked filesystem_mirror (dev_overrides make init fail), as a workspace installs it. Every
// part plans before any is applied, so none needs another's state: the user, machine user and
// app parts read the roles and the deployment of other parts through data sources. The plans
// only import (but for the deployment's secret, which the API never returns), the applies
// write nothing else, and every object is imported once.
func TestExportSplitThenImportEachPart(t *testing.T) {
	tf := terraformCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	plugins, export, mock, url, pw := startExport(ctx, t)
	const org = "Acme"

	w := newWorkDir(t, tf, plugins,
		"ROCKIT_ENDPOINT="+url, "ROCKIT_ORG="+org, "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+pw,
		"TF_VAR_deployment_Origin_EU_secret_access_key=the-origin-secret")
	mirror := filepath.Join(w.dir, "mirror")
	host := detectCLI(t, tf).RegistryHost()
	bin := filepath.Join(mirror, host, "rockitplay", "rockit", "0.0.1", runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(plugins, "terraform-provider-rockit"), filepath.Join(bin, "terraform-provider-rockit_v0.0.1"))
	if err := os.Chmod(filepath.Join(bin, "terraform-provider-rockit_v0.0.1"), 0o755); err != nil {
		t.Fatal(err)
	}
	w.write("terraformrc", fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"%s/rockitplay/rockit\"]\n  }\n}\n", mirror, host))
	split := filepath.Join(w.dir, "split")
	for _, bad := range [][]string{
		{"-types", "role,bogus", "-split-dir", split},
		{"-split-dir", split, "-out", filepath.Join(w.dir, "main.tf")},
		{"-split-by", "team", "-split-dir", split},
	} {
		want := map[string]string{
			"-types":     `-types: unknown type "bogus"; the types are role, user, machine_user, deployment, app, subscription`,
			"-split-dir": "-out and -split-dir exclude each other",
			"-split-by":  `-split-by: unknown split "team"; an export splits by type, prefix`,
		}[bad[0]]
		if out, code := w.run(ctx, export, bad...); code != 1 || !strings.Contains(out, want) {
			t.Errorf("rockit-export %v: exit %d, want 1 and %q:\n%s", bad, code, want, out)
		}
	}
	if _, err := os.Stat(split); !os.IsNotExist(err) {
		t.Fatalf("a failed rockit-export made %s (%v)", split, err)
	}
	// By type; the objects each part imports (not admin, whom the export runs as), in the
	// order the parts are applied: readers first.
	importEach(ctx, t, w, mock, export, filepath.Join(split, "by-type"), "type", []part{
		{"subscription", 1, nil}, {"app", 2, []string{"deployments = [data.rockit_deployment.Origin_EU.name]"}},
		{"machine_user", 1, nil}, {"user", 1, []string{"roles     = [data.rockit_role.Developers.name]"}},
		{"deployment", 1, nil}, {"role", 2, nil},
	})
	// By prefix, in another working directory: Space_Game and CI_Hook have a team prefix,
	// the rest is shared; alice refers to the role in her own part, the app to the deployment
	// of another.
	importEach(ctx, t, w, mock, export, filepath.Join(split, "by-prefix"), "prefix", []part{
		{"space", 1, []string{"deployments = [data.rockit_deployment.Origin_EU.name]"}},
		{"ci", 1, nil}, {"shared", 6, []string{"roles     = [rockit_role.Developers.name]"}},
	})
}

// part is one part of a split: its name, the objects it imports and lines it must hold.
type part struct {
	name    string
	imports int
	holds   []string
}

// importEach runs rockit-export (the binary export) -split-dir dir -split-by by and checks that it writes exactly
// the parts, then runs each part through terraform: init, plan of every part before any is
// applied (only imports, and the deployment's secret: 1 to change in the part holding
// Origin[EU]), then apply in the order of parts (no write but that secret) and an empty
// re-plan; the states hold every object once.
func importEach(ctx context.Context, t *testing.T, w *workDir, mock *mockserver.Server, export, dir, by string, parts []part) {
	t.Helper()
	args := []string{"-split-dir", dir}
	if by != "type" {
		args = append(args, "-split-by", by) // type is the default
	}
	if out, code := w.run(ctx, export, args...); code != 0 {
		t.Fatalf("rockit-export %v failed (%d):\n%s", args, code, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != len(parts) {
		t.Fatalf("the split by %s has %d parts, want %d: %v", by, len(entries), len(parts), entries)
	}
	if out, code := w.run(ctx, w.tf, "fmt", "-check", "-recursive", "-diff", dir); code != 0 {
		t.Errorf("the split by %s is not formatted as terraform fmt would:\n%s", by, out)
	}
	works := map[string]*workDir{}
	changes := map[string]int{}
	for _, p := range parts {
		pw := &workDir{t: t, tf: w.tf, dir: filepath.Join(dir, p.name), env: w.env}
		works[p.name] = pw
		cfg, err := os.ReadFile(filepath.Join(pw.dir, "main.tf"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range p.holds {
			if !bytes.Contains(cfg, []byte(want)) {
				t.Errorf("the part %q lacks %q:\n%s", p.name, want, cfg)
			}
		}
		if bytes.Contains(cfg, []byte(`id = "Origin[EU]"`)) {
			changes[p.name] = 1 // the deployment's secret, which the API never returns
		}
		if out, code := pw.terraform(ctx, "init", "-input=false", "-no-color"); code != 0 {
			t.Fatalf("init of the part %q failed (%d):\n%s", p.name, code, out)
		}
		want := fmt.Sprintf("Plan: %d to import, 0 to add, %d to change, 0 to destroy.", p.imports, changes[p.name])
		if out, code := pw.terraform(ctx, "plan", "-input=false", "-no-color"); code != 0 || !strings.Contains(out, want) {
			t.Fatalf("plan of the part %q: exit %d, want %q:\n%s\n%s", p.name, code, want, out, cfg)
		}
	}
	imported := 0
	for _, p := range parts {
		pw := works[p.name]
		mock.ResetRequests()
		if out, code := pw.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
			t.Fatalf("apply of the part %q failed (%d):\n%s", p.name, code, out)
		}
		want := "[]"
		if changes[p.name] == 1 {
			want = "[PATCH /be/v1/deployments]"
		}
		if writes := writesOf(mock.Requests()); fmt.Sprint(writes) != want {
			t.Errorf("the apply of the part %q wrote %v, want %s", p.name, writes, want)
		}
		if out, code := pw.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
			t.Errorf("the re-plan of the part %q was not empty (exit %d):\n%s", p.name, code, out)
		}
		state, _ := pw.terraform(ctx, "state", "list")
		for _, addr := range strings.Fields(state) {
			if !strings.HasPrefix(addr, "data.") {
				imported++
			}
		}
	}
	if imported != 8 {
		t.Errorf("the parts' states hold %d resources, want the 8 objects", imported)
	}
}
