package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// deletionProtectionRefused is the start of the error Delete gives while the state says
// deletion_protection = true.
func deletionProtectionRefused(kind, name string) string {
	return fmt.Sprintf("Terraform was about to delete the %s %q", kind, name)
}

// deletion_protection holds on the paths to a delete that the plan-time check cannot see:
// replace_triggered_by and a tainted resource reach Delete, which refuses from the state.
// The organization is finally forgotten with a removed block (destroy = false), still there.
func TestAccOrganization_deletionProtectionOnEveryPath(t *testing.T) {
	ts := newTestServer(t)
	org := func(trigger string) string {
		return ts.adminProvider() + fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %q
}

resource "rockit_organization" "test" {
  name                = "Guarded_Path"
  deletion_protection = true
  lifecycle {
    replace_triggered_by = [terraform_data.trigger]
  }
}
`, trigger)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// removed blocks need Terraform 1.7.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{Config: org("a")},
			// replace_triggered_by forces a replacement the provider's plan never sees.
			{
				PreConfig:   ts.ResetRequests,
				Config:      org("b"),
				ExpectError: expectError(deletionProtectionRefused("organization", "Guarded_Path") + ", which deletes all its data irreversibly, but its deletion_protection is true in state, so nothing was deleted"),
			},
			// A tainted organization is replaced on the next apply: refused as well, with the way out.
			{
				PreConfig:   ts.expectNoDeletes(t, "replace_triggered_by"),
				Taint:       []string{"rockit_organization.test"},
				Config:      org("b"),
				ExpectError: expectError("If you do want to delete it: set deletion_protection = false in the configuration, apply, then destroy or replace it. If the resource is tainted, run terraform untaint"),
			},
			{
				PreConfig: ts.expectNoDeletes(t, "taint"),
				Config: ts.adminProvider() + `
removed {
  from = rockit_organization.test
  lifecycle {
    destroy = false
  }
}
`,
				Check: func(*terraform.State) error {
					if !ts.OrgExists("Guarded_Path") {
						return fmt.Errorf("the protected organization was deleted")
					}
					if dels := ts.requestsMatching("DELETE", ""); len(dels) > 0 {
						return fmt.Errorf("a protected organization received DELETE requests: %s", describeRequests(dels))
					}
					return nil
				},
			},
		},
	})
}
