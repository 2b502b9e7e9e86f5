package e2e

// Issue 27 with the real CLI and plugin processes: objects remember their organization (a shell
// switched to another organization's variables fails before any write), and the plan checks
// see a role planned under another provider configuration (one plugin process per alias).

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

const ownershipHeader = `
terraform {
  required_providers {
    rockit = {
      source = "rockitplay/rockit"
    }
  }
}
`

// writesOf are the requests of the log that would change something (login and token calls
// excluded).
func writesOf(reqs []mockserver.RequestRecord) []string {
	var out []string
	for _, r := range reqs {
		if r.Method != http.MethodGet && !strings.HasPrefix(r.Path, "/be/v1/login") && !strings.HasPrefix(r.Path, "/be/v1/auth") &&
			r.Path != "/be/v1/refresh" && r.Path != "/be/v1/logout" {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// With `provider "rockit" {}` configured from the environment, an apply under organization A,
// then a plan and an apply with organization B's ROCKIT_ORG / ROCKIT_PASSWORD exported: both
// fail naming both organizations, and the mock receives no write; back on A, the plan is empty.
func TestEnvironmentSwitchedToAnotherOrganization(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	mock, w := orgWorkDir(t, "Owner_A")
	pwB := mock.SeedOrg("Owner_B", "admin")
	w.write("main.tf", ownershipHeader+`
provider "rockit" {}

resource "rockit_role" "deployers" {
  name        = "Deployers"
  permissions = { apps = ["read"] }
}

resource "rockit_machine_user" "ci" {
  roles    = [rockit_role.deployers.name]
  username = "ci"
  label    = "CI"
}
`)
	if out, code := w.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply under Owner_A: exit %d\n%s", code, out)
	}
	envA := append([]string{}, w.env...)
	w.env = append(w.env, "ROCKIT_ORG=Owner_B", "ROCKIT_PASSWORD="+pwB) // the later value wins
	mock.ResetRequests()
	for _, args := range [][]string{{"plan", "-input=false", "-no-color"}, {"apply", "-auto-approve", "-input=false", "-no-color"}} {
		out, code := w.terraform(ctx, args...)
		flat := strings.Join(strings.Fields(out), " ")
		if code == 0 || !strings.Contains(flat, `belongs to the organization "Owner_A"`) ||
			!strings.Contains(flat, `now points at the organization "Owner_B"`) || !strings.Contains(flat, "terraform state rm") {
			t.Errorf("%s under Owner_B's variables: exit %d, want a failure naming both organizations and the move:\n%s", args[0], code, out)
		}
	}
	if writes := writesOf(mock.Requests()); len(writes) > 0 {
		t.Errorf("the runs under Owner_B's variables wrote: %v", writes)
	}
	w.env = envA
	if out, code := w.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("plan back under Owner_A: exit %d, want 0 (empty)\n%s", code, out)
	}
}

// Two provider configurations (aliases, so two plugin processes) of one organization: a role
// under one and a machine user referencing it under the other plan and apply; a typo'd role
// name still fails the plan.
func TestRoleOfAnotherProviderConfiguration(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	mock, w := orgWorkDir(t, "Two_Aliases")
	cfg := func(roles string) string {
		return ownershipHeader + `
provider "rockit" {}

provider "rockit" {
  alias = "ci"
}

resource "rockit_role" "deployers" {
  name = "Deployers"
}

resource "rockit_machine_user" "ci" {
  provider = rockit.ci
  username = "ci"
  label    = "CI"
  roles    = ` + roles + `
}
`
	}
	w.write("main.tf", cfg(`["Deployrs"]`))
	if out, code := w.terraform(ctx, "plan", "-input=false", "-no-color"); code == 0 || !strings.Contains(out, `No role "Deployrs"`) {
		t.Errorf("plan with a typo'd role: exit %d, want the error No role \"Deployrs\":\n%s", code, out)
	}
	w.write("main.tf", cfg(`[rockit_role.deployers.name]`))
	if out, code := w.terraform(ctx, "plan", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	if out, code := w.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply: exit %d\n%s", code, out)
	}
	found := false
	for _, r := range mock.Requests() {
		if r.Method == http.MethodPost && r.Path == "/be/v1/users" && r.Status == http.StatusOK && strings.Contains(string(r.Body), `"Deployers"`) {
			found = true
		}
	}
	if !found {
		t.Error("the machine user was not created with the role Deployers")
	}
	if out, code := w.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("plan after the apply: exit %d, want 0 (empty)\n%s", code, out)
	}
}

// The answer to an app's create is lost and max_retries = 0: the same apply reads the app,
// proves it its own, registers it to its one deployment and says so; the app on the server is
// registered to that deployment only (never published everywhere), and the next plan is empty.
func TestLostAppCreateAnswerIsSettledInTheSameApply(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var lost atomic.Bool
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken}, func(mock http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			mock.ServeHTTP(rec, r)
			if r.Method == http.MethodPost && r.URL.Path == "/be/v1/apps" && rec.Code < 300 && lost.CompareAndSwap(false, true) {
				panic(http.ErrAbortHandler) // the app exists; its answer is lost
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	})
	pw := mock.SeedOrg("Lost_App", "admin")
	mock.SeedDeployment("Lost_App", "Origin_EU")
	w := newWorkDir(t, terraformCLI(t), buildPlugin(t), "ROCKIT_ENDPOINT="+url, "ROCKIT_ORG=Lost_App", "ROCKIT_USERNAME=admin",
		"ROCKIT_PASSWORD="+pw, "ROCKIT_MAX_RETRIES=0")
	w.write("main.tf", ownershipHeader+`
provider "rockit" {}

resource "rockit_app" "game" {
  name        = "Game"
  label       = "Game"
  deployments = ["Origin_EU"]
}
`)
	out, code := w.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	if code != 0 || !lost.Load() || !strings.Contains(flat, "the app was proven and kept") ||
		!strings.Contains(flat, "It was then registered to Origin_EU, as configured.") {
		t.Errorf("apply with the app's create answer lost: exit %d (answer lost: %t), want success with a warning that the "+
			"app was proven and registered:\n%s", code, lost.Load(), out)
	}
	if got, ok := mock.AppDeployments("Lost_App", "Game"); !ok || len(got) != 1 || got[0] != "Origin_EU" {
		t.Errorf("the app on the server: exists %t, deployments %v; want registered to Origin_EU only", ok, got)
	}
	if out, code := w.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("plan after the apply: exit %d, want 0 (empty)\n%s", code, out)
	}
}
