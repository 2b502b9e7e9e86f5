package e2e

// The preamble every end-to-end test shares: the terraform CLI from the environment, the
// plugin binary (built once for the package), a mock on a loopback port, and a working
// directory whose terraformrc points dev_overrides at the plugin.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
	"github.com/rockitplay/terraform-provider-rockit/internal/tfcli"
)

const adminToken = "e2e-admin-token"

// terraformCLI returns the terraform CLI the tests run (TF_ACC_TERRAFORM_PATH), and skips the
// test without TF_ACC.
func terraformCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end test: set TF_ACC=1 (make test does)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set: run through scripts/with-terraform.sh (make test does)")
	}
	return tf
}

var (
	pluginOnce sync.Once
	pluginDir  string
	pluginErr  error
)

// TestMain removes the plugin binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if pluginDir != "" {
		_ = os.RemoveAll(pluginDir)
	}
	os.Exit(code)
}

// buildPlugin builds the provider binary once for the package and returns its directory.
func buildPlugin(t *testing.T) string {
	t.Helper()
	pluginOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rockit-plugin-") //nolint:usetesting // shared by every test of the package, removed in TestMain
		if err != nil {
			pluginErr = err
			return
		}
		if pluginErr = goBuild(context.Background(), ".", filepath.Join(dir, "terraform-provider-rockit")); pluginErr == nil {
			pluginDir = dir
		}
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginDir
}

// goBuild builds the package pkg of the module (".": the plugin) into the file out.
func goBuild(ctx context.Context, pkg, out string) error {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// startMock starts a mock with these options on a loopback port until the test ends, with
// front in front of it (nil: the mock itself), and returns the mock and its URL.
func startMock(t *testing.T, o mockserver.Options, front func(mock http.Handler) http.Handler) (*mockserver.Server, string) {
	t.Helper()
	mock := mockserver.New(o)
	var h http.Handler = mock
	if front != nil {
		h = front(mock)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return mock, hs.URL
}

// workDir is a terraform working directory for the plugin under dev_overrides, with the
// environment the commands run in.
type workDir struct {
	t   *testing.T
	tf  string
	dir string
	env []string
}

// newWorkDir makes a working directory whose terraformrc points dev_overrides for
// rockitplay/rockit at plugins; env adds to the commands' environment (the provider's
// ROCKIT_... settings, TF_VAR_...).
func newWorkDir(t *testing.T, tf, plugins string, env ...string) *workDir {
	t.Helper()
	w := &workDir{t: t, tf: tf, dir: t.TempDir()}
	rc := filepath.Join(w.dir, "terraformrc")
	w.write("terraformrc", fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"rockitplay/rockit\" = %q\n  }\n  direct {}\n}\n", plugins))
	w.env = append([]string{
		"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"PATH=" + os.Getenv("PATH"), "HOME=" + w.dir,
	}, env...)
	return w
}

// write writes a file into the working directory.
func (w *workDir) write(name, text string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(text), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// command is a command in the environment of the working directory (name "" is terraform,
// run with -chdir), its stdout and stderr going to the returned buffer.
func (w *workDir) command(ctx context.Context, name string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	if name == "" {
		name, args = w.tf, append([]string{"-chdir=" + w.dir}, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs a command (name "" is terraform) to its end and returns its output and exit code.
func (w *workDir) run(ctx context.Context, name string, args ...string) (string, int) {
	w.t.Helper()
	cmd, out := w.command(ctx, name, args...)
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return out.String(), exitErr.ExitCode()
	}
	if err != nil {
		w.t.Fatalf("%s %v: %v", cmd.Path, args, err)
	}
	return out.String(), 0
}

// startApply starts `terraform apply -auto-approve` in the working directory without waiting
// for it (for the tests that stop or kill it midway); out collects what it prints.
func (w *workDir) startApply(ctx context.Context) (*exec.Cmd, *bytes.Buffer) {
	w.t.Helper()
	cmd, out := w.command(ctx, "", "apply", "-auto-approve", "-input=false", "-no-color")
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	return cmd, out
}

// adminClient is a client of the organization org as its administrator, for checking what
// the mock holds.
func adminClient(t *testing.T, url, org, password string) *client.Client {
	t.Helper()
	api, err := client.New(client.Config{Endpoint: url, OrgName: org, Username: "admin", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// terraform runs terraform in the working directory.
func (w *workDir) terraform(ctx context.Context, args ...string) (string, int) {
	w.t.Helper()
	return w.run(ctx, "", args...)
}

// orgWorkDir seeds the organization org (administrator "admin") in a new mock and returns the
// mock and a working directory whose provider manages org as that administrator, configured
// from the environment (ROCKIT_ENDPOINT, ROCKIT_ORG, ROCKIT_USERNAME, ROCKIT_PASSWORD).
func orgWorkDir(t *testing.T, org string) (*mockserver.Server, *workDir) {
	t.Helper()
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken}, nil)
	pw := mock.SeedOrg(org, "admin")
	return mock, newWorkDir(t, terraformCLI(t), buildPlugin(t), "ROCKIT_ENDPOINT="+url, "ROCKIT_ORG="+org, "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+pw)
}

// detectCLI says whether tf is Terraform or OpenTofu, and its version.
func detectCLI(t *testing.T, tf string) tfcli.CLI {
	t.Helper()
	c, err := tfcli.Detect(tf)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
