package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The built-in Administrators role is readable, with every operation each resource allows.
func TestAccRoleDataSource_administrators(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	crud := knownvalue.SetExact([]knownvalue.Check{
		knownvalue.StringExact("create"), knownvalue.StringExact("read"), knownvalue.StringExact("update"), knownvalue.StringExact("delete"),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: prov + `data "rockit_role" "admins" { name = "Administrators" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.rockit_role.admins", tfjsonpath.New("permissions"), knownvalue.MapExact(map[string]knownvalue.Check{
						"apps": crud, "beUsers": crud, "bundles": crud, "dependencies": crud, "deployments": crud, "keys": crud,
						"roles": crud, "sources": crud, "subscriptions": crud,
						"consumption": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read")}),
						"trainings":   knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read"), knownvalue.StringExact("update")}),
						"tasks": knownvalue.SetExact([]knownvalue.Check{
							knownvalue.StringExact("create"), knownvalue.StringExact("read"), knownvalue.StringExact("update"),
							knownvalue.StringExact("delete"), knownvalue.StringExact("execute"),
						}),
					})),
				},
			},
			{
				Config:      prov + `data "rockit_role" "none" { name = "Nonexistent" }`,
				ExpectError: expectError(`Error reading role Nonexistent`),
			},
		},
	})
}
