package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Resource identity through the CLI (Terraform and OpenTofu 1.12+; CI runs these under
// Terraform 1.13.3 and OpenTofu 1.12.6, whose import blocks take `identity` too), beside the
// protocol-level tests of identity_test.go: the identity in state after a create, import by
// identity (an import block with `identity`, plain and with -generate-config-out), the identity
// in state after an import applied, and an empty plan after each (plugin-testing plans again
// after every apply and fails on changes; the import steps fail on anything but a no-op import).
func TestAccIdentity_CreateImportGenerateConfig_TF112(t *testing.T) {
	for _, tc := range []struct {
		typeName, nameAttr, name string
		body                     string // the resource block's body
		gone                     string // the mock's kind for checkGone
	}{
		{"rockit_role", "name", "Developers", `  name = "Developers"
  permissions = { apps = ["read", "update"] }`, "role"},
		{"rockit_app", "name", "Game_One", `  name  = "Game_One"
  label = "Game One"`, "app"},
		{"rockit_machine_user", "username", "ci_bot", `  username = "ci_bot"
  label    = "CI pipeline"
  roles    = ["Administrators"]`, "user"},
	} {
		t.Run(tc.typeName, func(t *testing.T) {
			ts := newTestServer(t)
			prov := ts.orgProvider(t, "Acme")
			addr := tc.typeName + ".test"
			config := fmt.Sprintf("%sresource %q \"test\" {\n%s\n}\n", prov, tc.typeName, tc.body)
			identity := statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{
				tc.nameAttr: knownvalue.StringExact(tc.name),
				"org_name":  knownvalue.StringExact("Acme"),
			})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
				CheckDestroy:             ts.checkGone(tc.gone, "Acme", tc.name),
				Steps: []resource.TestStep{
					// Created: the identity is in state.
					{Config: config, ConfigStateChecks: []statecheck.StateCheck{identity}},
					// import { to = ..., identity = { name = ..., org_name = "Acme" } }: a no-op
					// import whose planned identity equals the one in state.
					{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
					// The same with terraform plan -generate-config-out: the generated
					// configuration plans no change.
					{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity, GenerateConfig: true},
					// Terraform forgets the object (it stays on the server) ...
					{
						Config: fmt.Sprintf("%sremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", prov, addr),
						Check: func(*terraform.State) error {
							if !ts.objectExists(tc.gone, "Acme", tc.name) {
								return fmt.Errorf("the %s %s was deleted; the removed block should only forget it", tc.gone, tc.name)
							}
							return nil
						},
					},
					// ... and imports it by its name alone (org_name comes from the provider):
					// the identity is in state again, with no write to the server.
					{
						PreConfig: ts.ResetRequests,
						Config:    config + fmt.Sprintf("import {\n  to = %s\n  identity = { %s = %q }\n}\n", addr, tc.nameAttr, tc.name),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
						}},
						ConfigStateChecks: []statecheck.StateCheck{identity},
						Check:             ts.checkNoWrites(),
					},
				},
			})
		})
	}
}
