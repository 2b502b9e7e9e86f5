package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// invitationConfig is the bootstrap guide's configuration on a host that sends invitations:
// the alias's password comes from admin_initial_password (first apply) or from a sensitive
// variable (second apply, once the invitation is accepted).
func invitationConfig(password string) string {
	return `
terraform {
  required_providers {
    rockit = {
      source = "rockitplay/rockit"
    }
  }
}

variable "studio_password" {
  type      = string
  sensitive = true
  default   = null
}

resource "rockit_organization" "studio" {
  name        = "Invited_E2E"
  admin_email = "ops@example.com"
}

provider "rockit" {
  alias    = "studio"
  org_name = rockit_organization.studio.name
  username = rockit_organization.studio.admin_username
  password = ` + password + `
}
` + studioInside
}

// The invitation path of the bootstrap guide, walked by hand against the mock as a person would
// (issue 30 item 5): the first apply creates the organization and stops at the alias with the
// invitation's message alone; `terraform destroy` while the invitation is pending works; the
// invitation is accepted through the mock's POST /_mock/orgs/{name}/accept-invitation, and the
// second apply, with that password in the variable, manages the inside; destroy ends it.
func TestInvitationPathByHand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken, OrgInvitations: true}, nil)
	w := newWorkDir(t, terraformCLI(t), buildPlugin(t), "ROCKIT_ENDPOINT="+url, "ROCKIT_ADMIN_TOKEN="+adminToken)
	first := invitationConfig("rockit_organization.studio.admin_initial_password")
	w.write("main.tf", first)
	terraform := func(wantCode int, want string, args ...string) string {
		t.Helper()
		out, code := w.terraform(ctx, append(args, "-no-color")...)
		if code != wantCode || !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Fatalf("terraform %s: exit %d, want %d and %q:\n%s", strings.Join(args, " "), code, wantCode, want, out)
		}
		return out
	}
	out := terraform(1, `The host created the organization "Invited_E2E" with an invitation instead of an initial password`,
		"apply", "-auto-approve", "-input=false")
	if strings.Contains(out, "public_key_pem") || strings.Contains(out, "Nothing was changed") {
		t.Errorf("the first apply's error speaks of causes that do not apply:\n%s", out)
	}
	if !mock.OrgExists("Invited_E2E") {
		t.Fatal("the first apply did not create the organization")
	}

	// Destroy while the invitation is pending: a plain destroy first refreshes the data source
	// and plans the role behind the alias, which cannot log in, and its error says how
	// (Terraform tells the provider nothing of the destroy in that refresh); that way works.
	terraform(1, "To destroy the organization before that, run `terraform destroy -refresh=false`",
		"destroy", "-auto-approve", "-input=false")
	if !mock.OrgExists("Invited_E2E") {
		t.Fatal("the failed destroy deleted the organization")
	}
	terraform(0, "Destroy complete! Resources: 1 destroyed.", "destroy", "-auto-approve", "-input=false", "-refresh=false")
	if mock.OrgExists("Invited_E2E") {
		t.Fatal("destroy left the organization")
	}

	// Again, then the invitation is accepted by hand and the second apply finishes.
	terraform(1, "with an invitation instead of an initial password", "apply", "-auto-approve", "-input=false")
	resp, err := http.Post(url+"/_mock/orgs/Invited_E2E/accept-invitation", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var accepted struct {
		Data struct{ Password string } `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&accepted); err != nil || resp.StatusCode != http.StatusOK || accepted.Data.Password == "" {
		t.Fatalf("accept-invitation: %d %v %+v", resp.StatusCode, err, accepted)
	}
	_ = resp.Body.Close()
	w.env = append(w.env, "TF_VAR_studio_password="+accepted.Data.Password)
	w.write("main.tf", invitationConfig("var.studio_password"))
	terraform(0, "Apply complete! Resources: 1 added", "apply", "-auto-approve", "-input=false")
	if _, ok := mock.RolePermissions("Invited_E2E", "Release"); !ok {
		t.Error("the second apply did not create the role")
	}
	terraform(0, "No changes.", "plan", "-input=false")
	terraform(0, "Destroy complete! Resources: 2 destroyed.", "destroy", "-auto-approve", "-input=false")
}
