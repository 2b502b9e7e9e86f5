package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

const appStopConfig = `
terraform {
  required_providers {
    rockit = { source = "rockitplay/rockit" }
  }
}

resource "rockit_deployment" "d" {
  name = "Origin_EU"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "builds"
    access_key_id     = "AKIAEXAMPLE"
    secret_access_key = "secret"
  }
}

resource "rockit_app" "a" {
  count       = 10
  name        = "App_${count.index}"
  label       = "App ${count.index}"
  deployments = [rockit_deployment.d.name]
}
`

// One Ctrl-C while 10 apps with a registered deployment are being created (latency 300 ms): an
// app and its registration are one unit, so no app is left on the server without its
// registration (which the API reads as published to every deployment), state holds what the
// server holds, and the next apply completes with an empty re-plan.
func TestInterruptedAppCreatesKeepTheirRegistration(t *testing.T) {
	tf := terraformCLI(t)
	plugins := buildPlugin(t)
	var appPosts atomic.Int32
	sigint := make(chan struct{}, 1)
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken, Latency: 300 * time.Millisecond}, func(mock http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/be/v1/apps" && appPosts.Add(1) == 1 {
				sigint <- struct{}{} // Ctrl-C while the first app is being created
			}
			mock.ServeHTTP(w, r)
		})
	})
	const org = "Stop_Apps"
	password := mock.SeedOrg(org, "admin")
	w := newWorkDir(t, tf, plugins, "ROCKIT_ENDPOINT="+url, "ROCKIT_ORG="+org, "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+password)
	w.write("main.tf", appStopConfig)
	api := adminClient(t, url, org, password)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, out := w.startApply(ctx)
	select {
	case <-sigint:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("no app was created within a minute; terraform:\n%s", out.String())
	}
	time.Sleep(100 * time.Millisecond) // the other creates leave too (Terraform runs 10 at once)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", out.String())
	}
	if strings.Contains(out.String(), "not sent") {
		t.Errorf("a write after the stop was not sent:\n%s", out.String())
	}
	onServer := compareApps(t, w, mock, api, "after the interrupted apply")
	t.Logf("interrupted apply of 10 apps: %d app POSTs, %d apps on the server", appPosts.Load(), onServer)
	if onServer == 0 {
		t.Errorf("no app on the server: the stop did not come while apps were created")
	}

	if out, code := w.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the apply after the interrupt failed (%d):\n%s", code, out)
	}
	if n := compareApps(t, w, mock, api, "after the second apply"); n != 10 {
		t.Errorf("after the second apply: %d apps on the server, want 10", n)
	}
	if out, code := w.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("the re-plan was not empty (exit %d):\n%s", code, out)
	}
}

// compareApps fails the test when an app on the server has no registered deployment (published
// to all of them), or when state and server differ in their apps or registrations; it returns
// how many apps the server holds.
func compareApps(t *testing.T, w *workDir, mock *mockserver.Server, api *client.Client, what string) int {
	t.Helper()
	mock.PauseFaults(true) // no latency while the test reads
	apps, err := api.ListApps(context.Background())
	mock.PauseFaults(false)
	if err != nil {
		t.Fatalf("%s: listing the apps on the mock: %v", what, err)
	}
	server := map[string]string{}
	for _, a := range apps {
		sort.Strings(a.Deployments)
		server[a.Name] = strings.Join(a.Deployments, ",")
		if len(a.Deployments) == 0 {
			t.Errorf("%s: app %s is on the server without a registered deployment (published to all deployments)", what, a.Name)
		}
	}
	state := stateApps(t, w)
	for name, deps := range server {
		if sd, ok := state[name]; !ok {
			t.Errorf("%s: app %s exists on the server but not in state", what, name)
		} else if sd != deps {
			t.Errorf("%s: app %s registers %q in state, %q on the server", what, name, sd, deps)
		}
	}
	for name := range state {
		if _, ok := server[name]; !ok {
			t.Errorf("%s: app %s is in state but not on the server", what, name)
		}
	}
	return len(server)
}

// stateApps reads the apps in state (terraform show -json): name -> registered deployments.
func stateApps(t *testing.T, w *workDir) map[string]string {
	t.Helper()
	out, code := w.terraform(context.Background(), "show", "-json", "-no-color")
	if code != 0 {
		t.Fatalf("terraform show -json failed (%d):\n%s", code, out)
	}
	var st struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string `json:"type"`
					Values struct {
						Name        string   `json:"name"`
						Deployments []string `json:"deployments"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("reading terraform show -json: %v\n%s", err, out)
	}
	apps := map[string]string{}
	for _, r := range st.Values.RootModule.Resources {
		if r.Type == "rockit_app" {
			sort.Strings(r.Values.Deployments)
			apps[r.Values.Name] = strings.Join(r.Values.Deployments, ",")
		}
	}
	return apps
}
