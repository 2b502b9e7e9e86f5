package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Issue 20 item 3: after kill -9 of terraform or of the plugin, and after a Ctrl-C against a
// server that fails and loses answers, the next plain `terraform apply` converges: state
// equals the server, no 409, nothing deleted. The evidence that lets it prove the objects of
// the lost run its own is the crash journal in .terraform/rockit-journal.

// killDuring starts `terraform apply`, waits for 15 role creates to arrive at the mock, then
// kills (SIGKILL) terraform or its plugin, and waits until terraform has exited and every
// create that reached the mock has finished. It returns terraform's output.
func (r *stopRig) killDuring(plugin bool) string {
	r.t.Helper()
	writes := r.writes[http.MethodPost]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, out := r.w.startApply(ctx)
	deadline := time.Now().Add(time.Minute)
	for writes.arrived.Load() < 15 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			r.t.Fatalf("the mock saw only %d creates; terraform:\n%s", writes.arrived.Load(), out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The plugin that sends the creates (terraform starts one per walk: this is the apply's).
	pluginPID := childPlugin(r.t, cmd.Process.Pid)
	r.t.Cleanup(func() { _ = syscall.Kill(pluginPID, syscall.SIGKILL) }) // the plugin we made orphan
	victim := cmd.Process.Pid
	if plugin {
		victim = pluginPID
	}
	if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
		r.t.Fatal(err)
	}
	var exitErr *exec.ExitError
	if err := cmd.Wait(); err == nil {
		r.t.Fatalf("terraform exited 0 after the kill:\n%s", out.String())
	} else if !errors.As(err, &exitErr) {
		r.t.Fatal(err)
	}
	// The creates sent before the kill run to their end on the mock (an orphaned plugin may
	// finish its writes in flight): wait until none is in flight for a while.
	for quiet := 0; quiet < 20; {
		if writes.arrived.Load() == writes.finished.Load() {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Logf("killed %s after %d creates had arrived; %d roles on the server", map[bool]string{true: "the plugin", false: "terraform"}[plugin],
		writes.arrived.Load(), len(r.serverRoles()))
	return out.String()
}

// converge runs a plain `terraform apply` and asserts the goal: it succeeds, no request got
// a 409, nothing was deleted, state holds exactly the server's roles (all 60), and a re-plan
// is empty.
func (r *stopRig) converge(what string) {
	r.t.Helper()
	r.mock.ResetRequests()
	out, code := r.run("apply", "-auto-approve", "-input=false", "-no-color")
	if code != 0 {
		r.t.Fatalf("the apply after %s failed (%d):\n%s", what, code, out)
	}
	r.noConflicts("the apply after " + what)
	for _, rec := range r.mock.Requests() {
		if rec.Method == http.MethodDelete {
			r.t.Errorf("the apply after %s deleted: %s %s", what, rec.Method, rec.Path)
		}
	}
	if inState, onServer := r.compare("after the apply after " + what); inState != stopRoles || onServer != stopRoles {
		r.t.Errorf("after the apply after %s: %d roles in state, %d on the server, want %d", what, inState, onServer, stopRoles)
	}
	if out, code := r.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		r.t.Fatalf("the re-plan after %s was not empty (exit %d):\n%s", what, code, out)
	}
}

// kill -9 of terraform 15 creates into an apply of 60 roles (300 ms latency): the objects it
// created are not in the state it never saved, but the journal proves them this working
// directory's, so the next apply adopts them instead of failing 10 times with "already exists".
func TestKillTerraformMidApplyConverges(t *testing.T) {
	rig := newStopRig(t)
	rig.killDuring(false)
	if inState, onServer := len(mustNames(rig.stateRoles())), len(rig.serverRoles()); onServer <= inState {
		t.Fatalf("the kill lost nothing to recover (%d in state, %d on the server): the test proves nothing", inState, onServer)
	}
	rig.converge("kill -9 of terraform")
}

// kill -9 of the plugin 15 creates into an apply of 60 roles: terraform saves what it got
// answers for; the creates that were in flight exist on the server, proven by the journal.
func TestKillPluginMidApplyConverges(t *testing.T) {
	rig := newStopRig(t)
	out := rig.killDuring(true)
	if !strings.Contains(out, "plugin") {
		t.Logf("terraform's output after the plugin was killed:\n%s", out)
	}
	if inState, onServer := len(mustNames(rig.stateRoles())), len(rig.serverRoles()); onServer <= inState {
		t.Fatalf("the kill lost nothing to recover (%d in state, %d on the server): the test proves nothing", inState, onServer)
	}
	rig.converge("kill -9 of the plugin")
}

func mustNames(names, _ []string) []string { return names }

// faultyFront is a server in front of the mock that answers every 9th request 503 without
// passing it on, and drops the answer of every 6th successful create after the mock carried
// it out; lost counts the dropped answers.
func faultyFront(lost *atomic.Int32) func(http.Handler) http.Handler {
	var n, creates atomic.Int32
	return func(mock http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/_mock") || strings.HasPrefix(r.URL.Path, "/be/v1/login") || strings.HasPrefix(r.URL.Path, "/be/v1/auth") {
				mock.ServeHTTP(w, r)
				return
			}
			if n.Add(1)%9 == 0 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"status":"error","message":"injected: not passed on"}`))
				return
			}
			rec := httptest.NewRecorder()
			mock.ServeHTTP(rec, r)
			lose := r.Method == http.MethodPost && rec.Code < 300 && creates.Add(1)%6 == 0
			if lose {
				lost.Add(1)
			}
			relayUnlessLost(w, rec, lose)
		})
	}
}

// Ctrl-C during a large apply (80 roles, 80 users) against a server that fails and loses
// answers, once answers were lost: every object on the server is in state afterwards (tainted
// where its outcome is still unknown), and the next apply, against a healthy server,
// converges: state equals the server, nothing is deleted.
func TestInterruptUnderFaultsLeavesEveryObjectInState(t *testing.T) {
	const n = 80
	tf := terraformCLI(t)
	plugins := buildPlugin(t)
	var lost atomic.Int32
	var faulty atomic.Bool
	faulty.Store(true)
	front := faultyFront(&lost)
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken, Latency: 20 * time.Millisecond, RateLimit: 100},
		func(mock http.Handler) http.Handler {
			bad := front(mock)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if faulty.Load() {
					bad.ServeHTTP(w, r)
					return
				}
				mock.ServeHTTP(w, r)
			})
		})
	password := mock.SeedOrg(stopOrg, "admin")
	w := newWorkDir(t, tf, plugins, "ROCKIT_ENDPOINT="+url, "ROCKIT_ORG="+stopOrg, "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+password)
	w.write("main.tf", `
terraform {
  required_providers {
    rockit = { source = "rockitplay/rockit" }
  }
}

provider "rockit" {
  max_retries = 2
}

resource "rockit_role" "r" {
  count       = `+strconv.Itoa(n)+`
  name        = "Role_${count.index}"
  permissions = { apps = ["read"] }
}

resource "rockit_user" "u" {
  count     = `+strconv.Itoa(n)+`
  username  = "User_${count.index}"
  email     = "user${count.index}@example.com"
  firstname = "U"
  surname   = "Ser"
}
`)
	api := adminClient(t, url, stopOrg, password)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, out := w.startApply(ctx)
	deadline := time.Now().Add(90 * time.Second)
	for lost.Load() < 3 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("only %d answers lost; terraform:\n%s", lost.Load(), out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitErr := cmd.Wait()
	t.Logf("Ctrl-C after %d lost answers", lost.Load())
	// The interrupt arrived (Terraform says so) and ended the apply unsuccessfully; the
	// failed and lost creates alone would give exit status 1 too, hence both.
	var exit *exec.ExitError
	if !errors.As(waitErr, &exit) || exit.ExitCode() != 1 || !strings.Contains(out.String(), "Interrupt received") {
		t.Fatalf("the interrupted apply: %v, want exit status 1 and Terraform's \"Interrupt received\":\n%s", waitErr, out.String())
	}

	faulty.Store(false)
	server := func() (roles, users []string) {
		rs, err := api.ListRoles(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Name != "Administrators" {
				roles = append(roles, r.Name)
			}
		}
		us, err := api.ListUsers(context.Background(), client.ListUsersOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.Username != "admin" {
				users = append(users, u.Username)
			}
		}
		sort.Strings(roles)
		sort.Strings(users)
		return roles, users
	}
	roles, users := server()
	stRoles, stUsers, tainted := stateNames(t, w.dir)
	missing := append(difference(roles, stRoles), difference(users, stUsers)...)
	if len(missing) > 0 {
		t.Errorf("after the Ctrl-C, on the server but not in state: %v\n%s", missing, out.String())
	}
	t.Logf("after the Ctrl-C: %d roles and %d users on the server, %d in state tainted", len(roles), len(users), len(tainted))
	if len(roles)+len(users) >= 2*n {
		t.Errorf("every object was created before the interrupt took effect: the test did not interrupt the apply")
	}

	mock.ResetRequests()
	if o, code := w.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the apply after the Ctrl-C failed (%d):\n%s", code, o)
	}
	for _, rec := range mock.Requests() {
		if rec.Method == http.MethodDelete || rec.Status == http.StatusConflict {
			// The interrupted apply's output says why the object was kept tainted.
			t.Errorf("the apply after the Ctrl-C: %s %s -> %d\nthe interrupted apply said:\n%s", rec.Method, rec.Path, rec.Status, out.String())
		}
	}
	roles, users = server()
	stRoles, stUsers, tainted = stateNames(t, w.dir)
	if len(roles) != n || len(users) != n || strings.Join(roles, ",") != strings.Join(stRoles, ",") ||
		strings.Join(users, ",") != strings.Join(stUsers, ",") || len(tainted) > 0 {
		t.Errorf("after the next apply: server %d roles, %d users; state %d roles, %d users, tainted %v",
			len(roles), len(users), len(stRoles), len(stUsers), tainted)
	}
	if o, code := w.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the re-plan was not empty (exit %d):\n%s", code, o)
	}
}

// stateNames reads terraform.tfstate: the role names, the usernames, and the tainted ones.
func stateNames(t *testing.T, dir string) (roles, users, tainted []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(b) == 0) {
		// (kill -9 of terraform while it rewrote the state leaves it empty: Terraform reads
		// that as no state.)
		return nil, nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Status     string `json:"status"`
				Attributes struct {
					Name     string `json:"name"`
					Username string `json:"username"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	for _, res := range st.Resources {
		for _, in := range res.Instances {
			name := in.Attributes.Name + in.Attributes.Username
			switch res.Type {
			case "rockit_role":
				roles = append(roles, name)
			case "rockit_user":
				users = append(users, name)
			}
			if in.Status == "tainted" {
				tainted = append(tainted, name)
			}
		}
	}
	sort.Strings(roles)
	sort.Strings(users)
	return roles, users, tainted
}

// difference is what of a is not in b.
func difference(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}
