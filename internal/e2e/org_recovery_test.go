package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// orgRecoveryConfig is a protected organization, as the docs recommend, with a role and a data
// source inside it behind the bootstrap alias.
func orgRecoveryConfig(protected bool) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    rockit = {
      source = "rockitplay/rockit"
    }
  }
}

resource "rockit_organization" "studio" {
  name                = "Recover_E2E"
  deletion_protection = %t
}

provider "rockit" {
  alias    = "studio"
  org_name = rockit_organization.studio.name
  username = rockit_organization.studio.admin_username
  password = rockit_organization.studio.admin_initial_password
}
`, protected) + studioInside
}

// studioInside is a role and a data source inside the organization, behind the alias "studio".
const studioInside = `
resource "rockit_role" "release" {
  provider    = rockit.studio
  name        = "Release"
  permissions = { apps = ["read"] }
}

data "rockit_roles" "all" {
  provider   = rockit.studio
  depends_on = [rockit_organization.studio]
}
`

// The recovery the organization docs give for an organization deleted outside Terraform, run
// as users run it, with deletion_protection = true (as the docs recommend) and a data source
// inside the organization: `-replace` is refused by the protection, while `terraform state rm`
// of the organization, `apply -refresh=false` (creates it again; the data source waits for it)
// and a plain `apply` (finds the objects inside gone and creates them) work, and leave an empty
// plan (issue 23 item 9).
func TestOrganizationDeletedOutsideTerraformRecovery(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	mock, url := startMock(t, mockserver.Options{AdminToken: adminToken}, nil)
	w := newWorkDir(t, terraformCLI(t), buildPlugin(t), "ROCKIT_ENDPOINT="+url, "ROCKIT_ADMIN_TOKEN="+adminToken)
	w.write("main.tf", orgRecoveryConfig(true))
	terraform := func(want string, args ...string) string {
		t.Helper()
		out, code := w.terraform(ctx, args...)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("terraform %s: exit %d, want 0 and %q:\n%s", strings.Join(args, " "), code, want, out)
		}
		return out
	}
	terraform("Apply complete! Resources: 2 added", "apply", "-auto-approve", "-input=false", "-no-color")
	admin, err := client.New(client.Config{Endpoint: url, AdminToken: adminToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.DeleteOrganization(ctx, "Recover_E2E", false); err != nil {
		t.Fatal(err)
	}

	if out, code := w.terraform(ctx, "plan", "-input=false", "-no-color"); code == 0 || !regexp.MustCompile(`(?i)organization "Recover_E2E" does not exist`).MatchString(out) {
		t.Fatalf("the plan after the out-of-band delete: exit %d, want an error saying the organization does not exist:\n%s", code, out)
	} else if !strings.Contains(out, "terraform state rm rockit_organization.<name>") || strings.Contains(out, "-replace=") {
		t.Fatalf("the plan's error must give the way back that works while protected (state rm, apply -refresh=false, apply), not -replace:\n%s", out)
	}
	// -replace reaches Delete, which the protection refuses from state.
	out, code := w.terraform(ctx, "apply", "-refresh=false", "-replace=rockit_organization.studio", "-auto-approve", "-input=false", "-no-color")
	if flat := strings.Join(strings.Fields(out), " "); code == 0 || !strings.Contains(flat, "deletion_protection is true") {
		t.Fatalf("apply -replace of the protected organization: exit %d, want the protection's refusal:\n%s", code, out)
	}
	if mock.OrgExists("Recover_E2E") {
		t.Fatal("the refused -replace created the organization")
	}

	// The sequence the docs give.
	terraform("Removed rockit_organization.studio", "state", "rm", "rockit_organization.studio")
	terraform("Plan: 1 to add, 0 to change, 0 to destroy.", "apply", "-refresh=false", "-auto-approve", "-input=false", "-no-color")
	if !mock.OrgExists("Recover_E2E") {
		t.Fatal("apply -refresh=false did not create the organization again")
	}
	terraform("rockit_role.release will be created", "apply", "-auto-approve", "-input=false", "-no-color")
	if _, code := w.terraform(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("the plan after the recovery is not empty (exit %d)", code)
	}
	// The organization is protected again: the recovery never lifted deletion_protection.
	if out, _ := w.terraform(ctx, "state", "show", "-no-color", "rockit_organization.studio"); !regexp.MustCompile(`deletion_protection\s+= true`).MatchString(out) {
		t.Errorf("the recovered organization is not protected:\n%s", out)
	}
}
