package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

const orphanConfig = `
terraform {
  required_providers {
    rockit = { source = "rockitplay/rockit" }
  }
}

resource "rockit_role" "r" {
  count       = 20
  name        = "Orphan_${count.index}"
  permissions = { apps = ["read"] }
}
`

// kill -9 of terraform during an apply (role creates that take 2 s on the server): the plugin
// notices that its Terraform is gone, lets the creates it had sent run to their answers, and
// exits, instead of lingering for minutes with parent 1.
func TestKilledTerraformLeavesNoPluginBehind(t *testing.T) {
	tf := terraformCLI(t)
	plugins := buildPlugin(t)
	var arrived, answered, cutOff atomic.Int32
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken, Latency: 2 * time.Second}, func(mock http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.URL.Path != "/be/v1/roles" {
				mock.ServeHTTP(w, r)
				return
			}
			arrived.Add(1)
			mock.ServeHTTP(w, r)
			if r.Context().Err() != nil {
				cutOff.Add(1) // the client closed the connection before the answer
			} else {
				answered.Add(1)
			}
		})
	})
	const org = "Orphan_Test"
	password := mock.SeedOrg(org, "admin")
	// With the provider's log on, the plugin writes a line per request; after the kill its
	// stderr leads nowhere.
	logs := filepath.Join(t.TempDir(), "terraform.log")
	w := newWorkDir(t, tf, plugins, "ROCKIT_ENDPOINT="+url, "ROCKIT_ORG="+org, "ROCKIT_USERNAME=admin", "ROCKIT_PASSWORD="+password,
		"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logs)
	w.write("main.tf", orphanConfig)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, out := w.startApply(ctx)
	deadline := time.Now().Add(time.Minute)
	for arrived.Load() < 5 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the mock saw only %d role POSTs; terraform:\n%s", arrived.Load(), out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	plugin := childPlugin(t, cmd.Process.Pid)
	t.Cleanup(func() { _ = syscall.Kill(plugin, syscall.SIGKILL) }) // only if the test failed to see it go
	inFlight := arrived.Load()
	if err := cmd.Process.Kill(); err != nil { // kill -9 terraform
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed := time.Now()

	const bound = 30 * time.Second // it was more than 5 minutes
	for processAlive(plugin) {
		if time.Since(killed) > bound {
			t.Fatalf("the plugin (process %d) is still running %v after terraform was killed", plugin, bound)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("the plugin exited %v after kill -9 of terraform; %d role POSTs in flight at the kill, %d sent in all, %d answered",
		time.Since(killed).Round(100*time.Millisecond), inFlight, arrived.Load(), answered.Load())
	if n := cutOff.Load(); n != 0 {
		t.Errorf("%d role POSTs lost their connection before their answer: the plugin exited with writes in flight", n)
	}
	if answered.Load() < inFlight {
		t.Errorf("%d role POSTs answered, want at least the %d in flight at the kill", answered.Load(), inFlight)
	}
	roles := 0
	for _, rec := range mock.Requests() {
		if rec.Method == http.MethodPost && rec.Path == "/be/v1/roles" && rec.Status == http.StatusOK {
			roles++
		}
	}
	if roles != int(answered.Load()) {
		t.Errorf("%d role POSTs succeeded on the mock, %d answered", roles, answered.Load())
	}
}

// childPlugin returns the process id of the rockit plugin that the process parent started.
func childPlugin(t *testing.T, parent int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		entries, err := os.ReadDir("/proc")
		if err != nil {
			t.Skipf("no /proc to find the plugin process: %v", err)
		}
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
			if filepath.Base(exe) == "terraform-provider-rockit" && parentOf(pid) == parent {
				return pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no terraform-provider-rockit process with parent %d", parent)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// procStat returns the state and parent process id of a process from /proc/<pid>/stat ("" when
// it is gone).
func procStat(pid int) (state string, ppid int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0
	}
	// pid (comm) state ppid ...; comm may hold spaces, so split after its closing parenthesis.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return "", 0
	}
	ppid, _ = strconv.Atoi(fields[1])
	return fields[0], ppid
}

func parentOf(pid int) int {
	_, ppid := procStat(pid)
	return ppid
}

// processAlive reports whether a process still runs (a zombie nobody reaped has exited).
func processAlive(pid int) bool {
	state, _ := procStat(pid)
	return state != "" && state != "Z" && state != "X"
}
