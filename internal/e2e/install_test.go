package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// The release, installed the way users install it: `make release-snapshot`'s script runs the
// project's .goreleaser.yml (host target) with signing on, with a throwaway GPG key made here;
// the checksums' signature verifies; the host zip goes into a filesystem_mirror of a CLI
// configuration without dev_overrides, under the host the CLI gives "rockitplay/rockit"
// (registry.terraform.io for `terraform init`, registry.opentofu.org for `tofu init`: CI runs
// this package under both); the lock file's zh: hash is the SHA256SUMS entry of the zip; the
// provider started from the zip sends its release version in its User-Agent; an apply against
// the mock works and plans nothing more.
func TestReleaseInstallsFromFilesystemMirror(t *testing.T) {
	tf := terraformCLI(t)
	c := detectCLI(t, tf)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	rel := buildSignedRelease(ctx, t)

	// The signature of the checksums verifies with the key that made it.
	if out, err := rel.gpg(ctx, "--verify", rel.sums+".sig", rel.sums); err != nil {
		t.Fatalf("gpg --verify of the checksums' signature: %v\n%s", err, out)
	}
	// The registry manifest is served with the release and listed in the checksums.
	manifest := filepath.Base(strings.TrimSuffix(rel.sums, "_SHA256SUMS") + "_manifest.json")
	want, err := os.ReadFile(filepath.Join(repoRoot(t), "terraform-registry-manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(rel.dir, manifest)); err != nil || string(got) != string(want) {
		t.Errorf("%s in the release = %q (%v), want terraform-registry-manifest.json %q", manifest, got, err, want)
	}
	if _, ok := rel.checksums[manifest]; !ok {
		t.Errorf("%s is not in the SHA256SUMS (%v): the registries need it there", manifest, rel.checksums)
	}

	// The zip in a filesystem mirror, under the CLI's default registry host.
	mirror := t.TempDir()
	pkgDir := filepath.Join(mirror, c.RegistryHost(), "rockitplay", "rockit")
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	zipBytes, err := os.ReadFile(filepath.Join(rel.dir, rel.zip))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pkgDir, rel.zip), zipBytes, 0o644); err != nil {
		t.Fatal(err)
	}

	var agents []string
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken}, nil)
	w := newWorkDir(t, tf, "", "ROCKIT_ENDPOINT="+url, "ROCKIT_ADMIN_TOKEN="+adminToken)
	// The configuration users write for a mirror: no dev_overrides, no direct installation.
	w.write("terraformrc", fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"%s/rockitplay/rockit\"]\n  }\n}\n", mirror, c.RegistryHost()))
	// A snapshot's version is a pre-release: only an exact constraint selects it.
	w.write("main.tf", fmt.Sprintf(`terraform {
  required_providers {
    rockit = {
      source  = "rockitplay/rockit"
      version = %q
    }
  }
}

provider "rockit" {}

resource "rockit_organization" "mirror" {
  name        = "Mirror_Studio"
  admin_email = "ops@example.com"
}
`, rel.version))

	out, code := w.terraform(ctx, "init", "-input=false", "-no-color")
	if code != 0 {
		t.Fatalf("%s init from the filesystem mirror failed (%d):\n%s", c.Name(), code, out)
	}
	if !strings.Contains(out, "rockitplay/rockit v"+rel.version) {
		t.Errorf("%s init did not install rockitplay/rockit v%s:\n%s", c.Name(), rel.version, out)
	}
	if strings.Contains(out, "dev_overrides") || strings.Contains(out, "Provider development overrides") {
		t.Errorf("%s init ran with dev_overrides:\n%s", c.Name(), out)
	}
	lock, err := os.ReadFile(filepath.Join(w.dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	zh := regexp.MustCompile(`"zh:([0-9a-f]{64})"`).FindAllStringSubmatch(string(lock), -1)
	if len(zh) != 1 || zh[0][1] != rel.checksums[rel.zip] {
		t.Errorf("lock file zh: hashes %v, want exactly the SHA256SUMS entry of %s, %s:\n%s", zh, rel.zip, rel.checksums[rel.zip], lock)
	}
	if !strings.Contains(string(lock), fmt.Sprintf("provider %q", c.RegistryHost()+"/rockitplay/rockit")) ||
		!strings.Contains(string(lock), fmt.Sprintf("version     = %q", rel.version)) {
		t.Errorf("lock file does not pin %s/rockitplay/rockit %s:\n%s", c.RegistryHost(), rel.version, lock)
	}

	if out, code := w.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply with the installed provider failed (%d):\n%s", code, out)
	}
	if !mock.OrgExists("Mirror_Studio") {
		t.Fatal("the organization was not created")
	}
	// The provider started from the zip reports the release version.
	for _, r := range mock.Requests() {
		agents = append(agents, r.UserAgent)
		if !strings.HasPrefix(r.UserAgent, "terraform-provider-rockit/"+rel.version+" ") {
			t.Errorf("%s %s carried User-Agent %q, want the release version %s", r.Method, r.Path, r.UserAgent, rel.version)
		}
	}
	if len(agents) == 0 {
		t.Fatal("the mock received no request")
	}
	if out, code := w.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("plan after apply: exit code %d, want 0 (no changes):\n%s", code, out)
	}
	if out, code := w.terraform(ctx, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy failed (%d):\n%s", code, out)
	}
	if mock.OrgExists("Mirror_Studio") {
		t.Error("the organization still exists after destroy")
	}
}

// release is a snapshot release built by scripts/release-snapshot.sh for the host, signed with
// a throwaway key.
type release struct {
	dir       string            // the dist directory
	version   string            // "0.0.0-SNAPSHOT-f8ad635"
	zip       string            // terraform-provider-rockit_<version>_<os>_<arch>.zip
	sums      string            // path of the _SHA256SUMS
	checksums map[string]string // file name -> sha256 hex, from the _SHA256SUMS
	gnupgHome string
}

// gpg runs gpg in the release's throwaway keyring.
func (r *release) gpg(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "gpg", append([]string{"--batch"}, args...)...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+r.gnupgHome)
	return cmd.CombinedOutput()
}

// buildSignedRelease makes a throwaway GPG key (no passphrase) in a temporary GNUPGHOME and
// runs scripts/release-snapshot.sh with GPG_FINGERPRINT set, so the config's `signs` section
// signs the checksums as in a real release.
func buildSignedRelease(ctx context.Context, t *testing.T) *release {
	t.Helper()
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Fatal("gpg is not installed: the release test signs the checksums with a throwaway key (apt-get install gnupg; .ci/run does)")
	}
	// A short path: gpg-agent's socket lives there.
	home, err := os.MkdirTemp("", "rockit-gpg-")
	if err != nil {
		t.Fatal(err)
	}
	r := &release{dir: t.TempDir(), gnupgHome: home}
	t.Cleanup(func() {
		kill := exec.Command("gpgconf", "--kill", "gpg-agent")
		kill.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = kill.Run()
		_ = os.RemoveAll(home)
	})
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := r.gpg(ctx, "--passphrase", "", "--quick-gen-key", "Rockit Release Rehearsal <release-rehearsal@example.invalid>", "default", "default", "never"); err != nil {
		t.Fatalf("gpg --quick-gen-key: %v\n%s", err, out)
	}
	out, err := r.gpg(ctx, "--with-colons", "--list-secret-keys")
	if err != nil {
		t.Fatalf("gpg --list-secret-keys: %v\n%s", err, out)
	}
	fpr := regexp.MustCompile(`(?m)^fpr:+([0-9A-F]{40}):`).FindSubmatch(out)
	if fpr == nil {
		t.Fatalf("no fingerprint in gpg --list-secret-keys:\n%s", out)
	}

	cmd := exec.CommandContext(ctx, filepath.Join(repoRoot(t), "scripts", "release-snapshot.sh"))
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "DIST="+r.dir, "GNUPGHOME="+home, "GPG_FINGERPRINT="+string(fpr[1]), "ALL=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release-snapshot.sh: %v\n%s", err, b)
	}

	zips, _ := filepath.Glob(filepath.Join(r.dir, fmt.Sprintf("terraform-provider-rockit_*_%s_%s.zip", runtime.GOOS, runtime.GOARCH)))
	sums, _ := filepath.Glob(filepath.Join(r.dir, "terraform-provider-rockit_*_SHA256SUMS"))
	if len(zips) != 1 || len(sums) != 1 {
		entries, _ := os.ReadDir(r.dir)
		t.Fatalf("the release left %d host zips and %d SHA256SUMS, want one each: %v", len(zips), len(sums), entries)
	}
	r.zip, r.sums = filepath.Base(zips[0]), sums[0]
	r.version = strings.TrimSuffix(strings.TrimPrefix(r.zip, "terraform-provider-rockit_"), fmt.Sprintf("_%s_%s.zip", runtime.GOOS, runtime.GOARCH))
	f, err := os.Open(r.sums)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r.checksums = map[string]string{}
	for s := bufio.NewScanner(f); s.Scan(); {
		if fields := strings.Fields(s.Text()); len(fields) == 2 {
			r.checksums[fields[1]] = fields[0]
		}
	}
	if r.checksums[r.zip] == "" {
		t.Fatalf("%s is not in %s", r.zip, r.sums)
	}
	return r
}

// repoRoot is the module's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}
