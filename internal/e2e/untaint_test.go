package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The recovery the deletion-protection error gives for a tainted app, run with the CLI:
// `terraform untaint`, then the apply of deletion_protection = false. That plan changes one
// setting of this resource and no API object, so it shows no "(known after apply)": the
// build fields are planned from state (issue 23 item 6).
func TestUntaintedAppPlansBuildFieldsFromState(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	mock, w := orgWorkDir(t, "Acme")
	config := func(protected bool) string {
		return fmt.Sprintf(`
terraform {
  required_providers {
    rockit = {
      source = "rockitplay/rockit"
    }
  }
}

resource "rockit_app" "game" {
  name                = "Game"
  label               = "Game"
  deletion_protection = %t
}
`, protected)
	}
	terraform := func(args ...string) (string, int) {
		t.Helper()
		return w.terraform(ctx, append(args, "-no-color")...)
	}
	w.write("main.tf", config(true))
	if out, code := terraform("apply", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("apply failed (%d):\n%s", code, out)
	}
	mock.SetAppBuild("Acme", "Game", 3, 4096)
	if out, code := terraform("taint", "rockit_app.game"); code != 0 {
		t.Fatalf("taint failed (%d):\n%s", code, out)
	}
	if out, code := terraform("apply", "-auto-approve", "-input=false"); code == 0 || !strings.Contains(out, "terraform untaint") {
		t.Fatalf("the replacement of the tainted protected app: exit %d, want the protection's error naming terraform untaint:\n%s", code, out)
	}
	if out, code := terraform("untaint", "rockit_app.game"); code != 0 {
		t.Fatalf("untaint failed (%d):\n%s", code, out)
	}
	w.write("main.tf", config(false))
	out, code := terraform("plan", "-input=false")
	if code != 0 || !strings.Contains(out, "1 to change") {
		t.Fatalf("the plan after untaint: exit %d, want one change:\n%s", code, out)
	}
	if strings.Contains(out, "known after apply") {
		t.Errorf("the plan of deletion_protection alone shows values unknown:\n%s", out)
	}
	if !regexp.MustCompile(`~ deletion_protection\s+= true -> false`).MatchString(out) {
		t.Errorf("the plan does not change deletion_protection:\n%s", out)
	}
}
