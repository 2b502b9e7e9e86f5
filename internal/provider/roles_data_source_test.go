package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
)

// More roles than one page holds: the data source pages through all of them.
func TestAccRolesDataSource_pagesThroughAll(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	seedRoles(ts, "Acme", 150)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: ts.ResetRequests,
			Config:    prov + `data "rockit_roles" "all" {}`,
			ConfigStateChecks: expectList("data.rockit_roles.all", "roles", 151, map[int]attrs{
				0: {"name": knownvalue.StringExact("Administrators")},
				1: {"name": knownvalue.StringExact("R000")},
				150: {"name": knownvalue.StringExact("R149"), "permissions": knownvalue.MapExact(map[string]knownvalue.Check{
					"apps": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read")}),
				})},
			}),
			Check: ts.checkListQueries("/be/v1/roles", "limit=100&offset=0&order%5B%5D=name", "limit=100&offset=100&order%5B%5D=name"),
		}},
	})
}
