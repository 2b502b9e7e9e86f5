package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
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
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.rockit_users.all", "users.#", "131"),
					resource.TestCheckResourceAttr("data.rockit_users.all", "users.0.username", "admin"),
					resource.TestCheckResourceAttr("data.rockit_users.all", "users.130.username", "u129"),
					resource.TestCheckResourceAttr("data.rockit_users.all", "users.130.type", "machine"),
					resource.TestCheckResourceAttr("data.rockit_users.all", "users.1.type", "user"),
					checkListQueries(ts, "/be/v1/users", "limit=100&offset=0&order%5B%5D=username", "limit=100&offset=100&order%5B%5D=username"),
				),
			},
			{
				PreConfig: ts.ResetRequests,
				Config:    prov + `data "rockit_users" "machines" { type = "machine" }`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.rockit_users.machines", "users.#", "20"),
					resource.TestCheckResourceAttr("data.rockit_users.machines", "users.0.username", "u110"),
					resource.TestCheckResourceAttr("data.rockit_users.machines", "users.0.label", "Seeded u110"),
					// collection reads: the type is filtered on the whole list, which other
					// reads of the run share (with collection_reads = false: ?type=machine).
					checkListQueries(ts, "/be/v1/users", "limit=100&offset=0&order%5B%5D=username", "limit=100&offset=100&order%5B%5D=username"),
				),
			},
		},
	})
}
