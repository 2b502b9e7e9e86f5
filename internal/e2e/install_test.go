package e2e

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// The release, installed the way users install it. scripts/release-snapshot.sh (what `make
// release-snapshot` runs) builds the project's .goreleaser.yml for the host with signing on, with
// a throwaway GPG key made here; the checksums' signature verifies with gpg; then the zip is
// installed by the CLI under test (CI runs this package under Terraform 1.8.5, 1.11, 1.13.3 and
// OpenTofu 1.12.6, so both `terraform init` and `tofu init`), with no dev_overrides, twice:
//   - from a filesystem_mirror, under the host the CLI gives "rockitplay/rockit"
//     (registry.terraform.io or registry.opentofu.org). A mirror is unsigned, so the CLI locks
//     only its own h1: hash of the zip's contents;
//   - from a registry: a local HTTPS server speaking the provider registry protocol (as the
//     Terraform and OpenTofu registries do) serves the zip, the SHA256SUMS, its signature and
//     the public key. The CLI verifies the signature itself, and the lock file's zh: hashes are
//     the SHA256SUMS entries (the zip's among them).
//
// Each time the provider started from the zip sends its release version in its User-Agent, an
// apply against the mock works and plans nothing more, and destroy removes what it made.
func TestReleaseInstallsLikeFromARegistry(t *testing.T) {
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
	h1 := zipHashV1(t, filepath.Join(rel.dir, rel.zip))

	t.Run("filesystem_mirror", func(t *testing.T) {
		mirror := t.TempDir()
		pkgDir := filepath.Join(mirror, c.RegistryHost(), "rockitplay", "rockit")
		if err := os.MkdirAll(pkgDir, 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, filepath.Join(rel.dir, rel.zip), filepath.Join(pkgDir, rel.zip))
		// The configuration users write for a mirror: no dev_overrides, no direct installation.
		rc := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"%s/rockitplay/rockit\"]\n  }\n}\n", mirror, c.RegistryHost())
		lock := installAndApply(ctx, t, tf, rel, "rockitplay/rockit", rc)
		if hashes := lockHashes(lock); !reflect.DeepEqual(hashes, []string{h1}) {
			t.Errorf("lock file hashes %v, want the h1: hash of the zip %s alone (a mirror is unsigned):\n%s", hashes, h1, lock)
		}
		if !strings.Contains(lock, fmt.Sprintf("provider %q", c.RegistryHost()+"/rockitplay/rockit")) {
			t.Errorf("lock file does not name %s/rockitplay/rockit:\n%s", c.RegistryHost(), lock)
		}
	})

	t.Run("registry", func(t *testing.T) {
		host, certFile := startRegistry(t, rel)
		lock := installAndApply(ctx, t, tf, rel, host+"/rockitplay/rockit", "", "SSL_CERT_FILE="+certFile)
		// The CLI trusts every line of a signed SHA256SUMS (other platforms' zips, in a full
		// release), so it locks each as zh:, the zip's among them, beside its own h1:.
		want := []string{h1}
		for _, sum := range rel.checksums {
			want = append(want, "zh:"+sum)
		}
		hashes := lockHashes(lock)
		sort.Strings(hashes)
		sort.Strings(want)
		if !reflect.DeepEqual(hashes, want) || !slices.Contains(hashes, "zh:"+rel.checksums[rel.zip]) {
			t.Errorf("lock file hashes %v, want %v: the CLI's h1: and the zh: of every entry of the signed SHA256SUMS, %s's included:\n%s", hashes, want, rel.zip, lock)
		}
	})
}

// installAndApply installs the release's provider from source (a "host/namespace/type"
// address or "rockitplay/rockit") with the CLI configuration rc ("": none, direct
// installation), then applies an organization against a new mock, checks the User-Agent, that
// a plan is empty and that destroy works. It returns the lock file.
func installAndApply(ctx context.Context, t *testing.T, tf string, rel *release, source, rc string, env ...string) string {
	t.Helper()
	c := detectCLI(t, tf)
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken}, nil)
	w := newWorkDir(t, tf, "", append([]string{"ROCKIT_ENDPOINT=" + url, "ROCKIT_ADMIN_TOKEN=" + adminToken}, env...)...)
	w.write("terraformrc", rc) // no dev_overrides
	// A snapshot's version is a pre-release: only an exact constraint selects it.
	w.write("main.tf", fmt.Sprintf(`terraform {
  required_providers {
    rockit = {
      source  = %q
      version = %q
    }
  }
}

provider "rockit" {}

resource "rockit_organization" "installed" {
  name        = "Installed_Studio"
  admin_email = "ops@example.com"
}
`, source, rel.version))

	out, code := w.terraform(ctx, "init", "-input=false", "-no-color")
	if code != 0 {
		t.Fatalf("%s init failed (%d):\n%s", c.Name(), code, out)
	}
	if !strings.Contains(out, "rockitplay/rockit v"+rel.version) {
		t.Errorf("%s init did not install rockitplay/rockit v%s:\n%s", c.Name(), rel.version, out)
	}
	lock, err := os.ReadFile(filepath.Join(w.dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lock), fmt.Sprintf("version     = %q", rel.version)) {
		t.Errorf("lock file does not pin %s:\n%s", rel.version, lock)
	}

	if out, code := w.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply with the installed provider failed (%d):\n%s", code, out)
	}
	if !mock.OrgExists("Installed_Studio") {
		t.Fatal("the organization was not created")
	}
	// The provider started from the zip reports the release version.
	reqs := mock.Requests()
	if len(reqs) == 0 {
		t.Fatal("the mock received no request")
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r.UserAgent, "terraform-provider-rockit/"+rel.version+" ") {
			t.Errorf("%s %s carried User-Agent %q, want the release version %s", r.Method, r.Path, r.UserAgent, rel.version)
		}
	}
	if out, code := w.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("plan after apply: exit code %d, want 0 (no changes):\n%s", code, out)
	}
	if out, code := w.terraform(ctx, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy failed (%d):\n%s", code, out)
	}
	if mock.OrgExists("Installed_Studio") {
		t.Error("the organization still exists after destroy")
	}
	return string(lock)
}

// lockHashes returns the hashes of the lock file's (one) provider, in order.
func lockHashes(lock string) []string {
	var hashes []string
	for _, m := range regexp.MustCompile(`"((?:h1|zh):[^"]+)"`).FindAllStringSubmatch(lock, -1) {
		hashes = append(hashes, m[1])
	}
	return hashes
}

// zipHashV1 is the CLI's "h1:" hash of a provider zip: the SHA-256 of the sorted lines
// "<sha256 hex>  <file name>" of its files, sorted by name (Go's dirhash.HashZip with Hash1,
// which both CLIs use).
func zipHashV1(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = z.Close() }()
	files := append([]*zip.File(nil), z.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	var lines strings.Builder
	for _, f := range files {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, r)
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&lines, "%x  %s\n", h.Sum(nil), f.Name)
	}
	sum := sha256.Sum256([]byte(lines.String()))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// copyFile copies a file.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// startRegistry serves the release through the provider registry protocol (service discovery,
// versions, download with the SHA256SUMS, its signature and the public key) over HTTPS on
// localhost, with a certificate of its own. It returns the host ("localhost:port") and the
// certificate's file, for SSL_CERT_FILE (the CLIs talk to registries over HTTPS only).
func startRegistry(t *testing.T, rel *release) (host, certFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = filepath.Join(t.TempDir(), "registry-ca.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	armor, err := exec.Command("gpg", "--batch", "--homedir", rel.gnupgHome, "--armor", "--export", rel.fingerprint).Output()
	if err != nil || len(armor) == 0 {
		t.Fatalf("gpg --export: %v", err)
	}

	var base string // https://localhost:port
	mux := http.NewServeMux()
	writeJSON := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /.well-known/terraform.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]string{"providers.v1": "/v1/providers/"})
	})
	platform := map[string]string{"os": runtime.GOOS, "arch": runtime.GOARCH}
	mux.HandleFunc("GET /v1/providers/rockitplay/rockit/versions", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"versions": []any{map[string]any{
			"version": rel.version, "protocols": []string{"6.0"}, "platforms": []any{platform},
		}}})
	})
	mux.HandleFunc("GET /v1/providers/rockitplay/rockit/{version}/download/{os}/{arch}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("version") != rel.version || r.PathValue("os") != runtime.GOOS || r.PathValue("arch") != runtime.GOARCH {
			http.NotFound(w, r)
			return
		}
		sums := filepath.Base(rel.sums)
		writeJSON(w, map[string]any{
			"protocols": []string{"6.0"}, "os": runtime.GOOS, "arch": runtime.GOARCH,
			"filename":              rel.zip,
			"download_url":          base + "/files/" + rel.zip,
			"shasums_url":           base + "/files/" + sums,
			"shasums_signature_url": base + "/files/" + sums + ".sig",
			"shasum":                rel.checksums[rel.zip],
			"signing_keys": map[string]any{"gpg_public_keys": []any{map[string]any{
				"key_id": rel.fingerprint[len(rel.fingerprint)-16:], "ascii_armor": string(armor),
			}}},
		})
	})
	mux.Handle("GET /files/", http.StripPrefix("/files/", http.FileServer(http.Dir(rel.dir))))
	srv := httptest.NewUnstartedServer(mux)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	host = fmt.Sprintf("localhost:%d", srv.Listener.Addr().(*net.TCPAddr).Port)
	base = "https://" + host
	return host, certFile
}

// release is a snapshot release built by scripts/release-snapshot.sh for the host, signed with
// a throwaway key.
type release struct {
	dir         string            // the dist directory
	version     string            // "0.0.0-snapshot-f8ad635"
	zip         string            // terraform-provider-rockit_<version>_<os>_<arch>.zip
	sums        string            // path of the _SHA256SUMS
	checksums   map[string]string // file name -> sha256 hex, from the _SHA256SUMS
	gnupgHome   string
	fingerprint string // of the throwaway signing key
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

	r.fingerprint = string(fpr[1])
	cmd := exec.CommandContext(ctx, filepath.Join(repoRoot(t), "scripts", "release-snapshot.sh"))
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "DIST="+r.dir, "GNUPGHOME="+home, "GPG_FINGERPRINT="+r.fingerprint, "ALL=")
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
	defer func() { _ = f.Close() }()
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
