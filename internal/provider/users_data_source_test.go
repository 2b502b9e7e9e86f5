package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
)

// More users than one page holds: the data source pages through all of them, also filtered.
func TestAccUsersDataSource_pagesAndFiltersByType(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	for i := 0; i < 130; i++ {
		ts.SeedUser("Acme", fmt.Sprintf("u%03d", i), i >= 110)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      prov + `data "rockit_users" "bad" { type = "robot" }`,
				PlanOnly:    true,
				ExpectError: expectError(`Attribute type value must be one of`),
			},
			{
				PreConfig: ts.ResetRequests,
				Config:    prov + `data "rockit_users" "all" {}`,
				ConfigStateChecks: expectList("data.rockit_users.all", "users", 131, map[int]attrs{
					0:   {"username": knownvalue.StringExact("admin")},
					1:   {"type": knownvalue.StringExact("user")},
					130: {"username": knownvalue.StringExact("u129"), "type": knownvalue.StringExact("machine")},
				}),
				Check: ts.checkListQueries("/be/v1/users", "limit=100&offset=0&order%5B%5D=username", "limit=100&offset=100&order%5B%5D=username"),
			},
			{
				PreConfig: ts.ResetRequests,
				Config:    prov + `data "rockit_users" "machines" { type = "machine" }`,
				ConfigStateChecks: expectList("data.rockit_users.machines", "users", 20, map[int]attrs{
					0: {"username": knownvalue.StringExact("u110"), "label": knownvalue.StringExact("Seeded u110")},
				}),
				Check: ts.checkListQueries("/be/v1/users", "limit=100&offset=0&order%5B%5D=username&type=machine"),
			},
		},
	})
}
