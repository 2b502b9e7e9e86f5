package e2e

import (
	"context"
	"errors"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// The interrupt tests send one SIGINT (Ctrl-C: Terraform's graceful stop) to `terraform apply`
// and `terraform destroy` of many roles while writes are in flight against a mock with latency,
// then compare state with the server object by object.

const (
	stopOrg     = "Stop_Test"
	stopRoles   = 60
	stopLatency = 300 * time.Millisecond
)

const stopConfig = `
terraform {
  required_providers {
    rockit = { source = "rockitplay/rockit" }
  }
}

resource "rockit_role" "r" {
  count       = 60
  name        = "Role_${count.index}"
  permissions = { apps = ["read"] }
}
`

// writeCounter counts the role writes of one method the mock has received and finished.
type writeCounter struct {
	arrived, finished atomic.Int32
}

// stopRig is a mock with latency, a working directory with stopConfig, and the terraform CLI.
type stopRig struct {
	t      *testing.T
	w      *workDir
	mock   *mockserver.Server
	api    *client.Client
	writes map[string]*writeCounter // by method: POST, DELETE
}

func newStopRig(t *testing.T) *stopRig {
	t.Helper()
	tf := terraformCLI(t)
	plugins := buildPlugin(t)
	rig := &stopRig{t: t, writes: map[string]*writeCounter{http.MethodPost: {}, http.MethodDelete: {}}}
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken, Latency: stopLatency}, func(mock http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c, ok := rig.writes[r.Method]; ok && strings.HasPrefix(r.URL.Path, "/be/v1/roles") {
				c.arrived.Add(1)
				defer c.finished.Add(1)
			}
			mock.ServeHTTP(w, r)
		})
	})
	rig.mock = mock
	password := mock.SeedOrg(stopOrg, "admin")
	rig.w = newWorkDir(t, tf, plugins, "ROCKIT_ENDPOINT="+url, "ROCKIT_ORG="+stopOrg, "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+password)
	rig.w.write("main.tf", stopConfig)
	rig.api = adminClient(t, url, stopOrg, password)
	return rig
}

// run runs terraform to its end and returns its output and exit code.
func (r *stopRig) run(args ...string) (string, int) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return r.w.terraform(ctx, args...)
}

// interrupt starts terraform, sends one SIGINT once the mock has received `after` role writes
// of method, waits for terraform to exit and returns how many writes were in flight at the
// stop, with terraform's output and exit code.
func (r *stopRig) interrupt(method string, after int32, args ...string) (inFlight int32, output string, code int) {
	r.t.Helper()
	writes := r.writes[method]
	writes.arrived.Store(0)
	writes.finished.Store(0)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, out := r.w.command(ctx, "", args...)
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for writes.arrived.Load() < after {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			r.t.Fatalf("the mock saw only %d %s requests; terraform:\n%s", writes.arrived.Load(), method, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	inFlight = writes.arrived.Load() - writes.finished.Load()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		r.t.Fatal(err)
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		r.t.Fatalf("terraform: %v", err)
	}
	return inFlight, out.String(), code
}

// stateRoles returns the names of the roles in terraform.tfstate, and those marked tainted.
func (r *stopRig) stateRoles() (names, tainted []string) {
	r.t.Helper()
	names, _, tainted = stateNames(r.t, r.w.dir)
	return names, tainted
}

// serverRoles returns the names of the roles on the mock, without the built-in one.
func (r *stopRig) serverRoles() []string {
	r.t.Helper()
	r.mock.PauseFaults(true) // no latency while the test reads
	defer r.mock.PauseFaults(false)
	roles, err := r.api.ListRoles(context.Background())
	if err != nil {
		r.t.Fatalf("listing the roles on the mock: %v", err)
	}
	var names []string
	for _, ro := range roles {
		if ro.Name != "Administrators" {
			names = append(names, ro.Name)
		}
	}
	sort.Strings(names)
	return names
}

// compare fails the test unless state and server hold the same roles, object by object.
func (r *stopRig) compare(what string) (inState, onServer int) {
	r.t.Helper()
	state, tainted := r.stateRoles()
	server := r.serverRoles()
	inSet := map[string]bool{}
	for _, n := range state {
		inSet[n] = true
	}
	onSet := map[string]bool{}
	for _, n := range server {
		onSet[n] = true
		if !inSet[n] {
			r.t.Errorf("%s: role %s exists on the server but not in state", what, n)
		}
	}
	for _, n := range state {
		if !onSet[n] {
			r.t.Errorf("%s: role %s is in state but not on the server", what, n)
		}
	}
	if len(tainted) > 0 {
		r.t.Errorf("%s: roles left tainted although every write got its answer: %v", what, tainted)
	}
	return len(state), len(server)
}

// noConflicts fails the test if the mock answered any request 409.
func (r *stopRig) noConflicts(what string) {
	r.t.Helper()
	for _, rec := range r.mock.Requests() {
		if rec.Status == http.StatusConflict {
			r.t.Errorf("%s: %s %s answered 409", what, rec.Method, rec.Path)
		}
	}
}

// One Ctrl-C during `terraform apply` of 60 roles: the creates in flight finish and are in
// state; nothing exists on the server that state does not know; the next apply completes
// without a 409 and a re-plan is empty.
func TestInterruptedApplyLeavesStateEqualToServer(t *testing.T) {
	rig := newStopRig(t)
	out := rig.stopDuring(http.MethodPost, "apply", "creates in flight", "roles on the server")
	if !strings.Contains(out, "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s", out)
	}

	rig.mock.ResetRequests()
	if out, code := rig.run("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the apply after the interrupt failed (%d):\n%s", code, out)
	}
	rig.noConflicts("the apply after the interrupt")
	if inState, onServer := rig.compare("after the second apply"); inState != stopRoles || onServer != stopRoles {
		t.Errorf("after the second apply: %d roles in state, %d on the server, want %d", inState, onServer, stopRoles)
	}
	if out, code := rig.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the re-plan was not empty (exit %d):\n%s", code, out)
	}
}

// One Ctrl-C during `terraform destroy` of 60 roles: the deletes in flight finish and their
// roles leave state; what is left in state is exactly what is left on the server; the next
// destroy completes and leaves nothing.
func TestInterruptedDestroyLeavesStateEqualToServer(t *testing.T) {
	rig := newStopRig(t)
	if out, code := rig.run("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	rig.stopDuring(http.MethodDelete, "destroy", "deletes in flight", "roles left on the server")

	rig.mock.ResetRequests()
	if out, code := rig.run("destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the destroy after the interrupt failed (%d):\n%s", code, out)
	}
	rig.noConflicts("the destroy after the interrupt")
	if inState, onServer := rig.compare("after the second destroy"); inState != 0 || onServer != 0 {
		t.Errorf("after the second destroy: %d roles in state, %d on the server, want none", inState, onServer)
	}
}

// stopDuring runs terraform cmd with one Ctrl-C once 15 requests of method are in flight, and
// asserts what both interrupt tests share: terraform fails, no write failed with "context
// canceled", and the stop came while writes were in flight (some but not all roles changed on
// the server). It returns terraform's output.
func (r *stopRig) stopDuring(method, cmd, inFlightWhat, onServerWhat string) string {
	r.t.Helper()
	start := time.Now()
	inFlight, out, code := r.interrupt(method, 15, cmd, "-auto-approve", "-input=false", "-no-color")
	if code == 0 {
		r.t.Fatalf("the interrupted %s exited 0; output:\n%s", cmd, out)
	}
	if strings.Contains(out, "context canceled") {
		r.t.Errorf("a write failed with \"context canceled\":\n%s", out)
	}
	inState, onServer := r.compare("after the interrupted " + cmd)
	r.t.Logf("interrupted %s of %d roles (latency %v): %d %s at the stop, %d %s, %d in state (%v)",
		cmd, stopRoles, stopLatency, inFlight, inFlightWhat, onServer, onServerWhat, inState, time.Since(start).Round(time.Millisecond))
	if onServer == 0 || onServer == stopRoles {
		r.t.Errorf("%d %s: the stop did not come while writes were in flight", onServer, onServerWhat)
	}
	return out
}
