package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
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
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.rockit_roles.all", "roles.#", "151"),
				resource.TestCheckResourceAttr("data.rockit_roles.all", "roles.0.name", "Administrators"),
				resource.TestCheckResourceAttr("data.rockit_roles.all", "roles.1.name", "R000"),
				resource.TestCheckResourceAttr("data.rockit_roles.all", "roles.150.name", "R149"),
				resource.TestCheckResourceAttr("data.rockit_roles.all", "roles.150.permissions.apps.#", "1"),
				resource.TestCheckTypeSetElemAttr("data.rockit_roles.all", "roles.150.permissions.apps.*", "read"),
				resource.TestCheckResourceAttr("data.rockit_roles.all", "roles.150.permissions.%", "1"),
				ts.checkListQueries("/be/v1/roles", "limit=100&offset=0&order%5B%5D=name", "limit=100&offset=100&order%5B%5D=name"),
			),
		}},
	})
}
