package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccUserDataSource_humanAndMachine(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	ts.SeedRole("Acme", "Dev", map[string]int{"apps": 2})
	ts.SeedUser("Acme", "hana", false, "Dev")
	ts.SeedUser("Acme", "robot", true, "Dev", "Administrators")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: prov + `
data "rockit_user" "hana" { username = "hana" }
data "rockit_user" "robot" { username = "robot" }
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.rockit_user.hana", tfjsonpath.New("type"), knownvalue.StringExact("user")),
					statecheck.ExpectKnownValue("data.rockit_user.hana", tfjsonpath.New("email"), knownvalue.StringExact("hana@example.com")),
					statecheck.ExpectKnownValue("data.rockit_user.hana", tfjsonpath.New("surname"), knownvalue.StringExact("hana")),
					statecheck.ExpectKnownValue("data.rockit_user.hana", tfjsonpath.New("label"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.rockit_user.hana", tfjsonpath.New("roles"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Dev")})),
					statecheck.ExpectKnownValue("data.rockit_user.robot", tfjsonpath.New("type"), knownvalue.StringExact("machine")),
					statecheck.ExpectKnownValue("data.rockit_user.robot", tfjsonpath.New("label"), knownvalue.StringExact("Seeded robot")),
					statecheck.ExpectKnownValue("data.rockit_user.robot", tfjsonpath.New("email"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.rockit_user.robot", tfjsonpath.New("roles"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("Administrators"), knownvalue.StringExact("Dev"),
					})),
				},
			},
			{
				Config:      prov + `data "rockit_user" "ghost" { username = "ghost" }`,
				ExpectError: expectError(`Error reading user ghost`),
			},
		},
	})
}
