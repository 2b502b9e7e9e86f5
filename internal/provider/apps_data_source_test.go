package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
)

// The plural data sources page through everything: 130 apps and 101 deployments.
func TestAccAppsAndDeploymentsDataSources_paging(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "DS_Apps")
	for i := range 101 {
		ts.SeedDeployment("DS_Apps", fmt.Sprintf("Origin_%03d", i))
	}
	for i := range 130 {
		ts.SeedApp("DS_Apps", fmt.Sprintf("Game_%03d", i), fmt.Sprintf("Game %d", i), i, int64(i)*1000)
	}
	ts.SeedApp("DS_Apps", "Zz_Published", "Published", 7, 123456, "Origin_000", "Origin_042")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: prov + `
data "rockit_apps" "all" {}
data "rockit_deployments" "all" {}
data "rockit_app" "one" {
  name = "Zz_Published"
}
data "rockit_deployment" "one" {
  name = "Origin_042"
}
`,
			ConfigStateChecks: slices.Concat(
				expectList("data.rockit_apps.all", "apps", 131, map[int]attrs{
					0:   {"name": knownvalue.StringExact("Game_000")},
					129: {"current_build": knownvalue.Int64Exact(129), "size_bytes": knownvalue.Int64Exact(129000)},
					130: {"name": knownvalue.StringExact("Zz_Published"), "deployments": knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("Origin_000"), knownvalue.StringExact("Origin_042"),
					})},
				}),
				expectList("data.rockit_deployments.all", "deployments", 101, map[int]attrs{
					100: {"name": knownvalue.StringExact("Origin_100"), "origin": knownvalue.ObjectPartial(attrs{
						"endpoint": knownvalue.StringExact("s3.eu-central-1.amazonaws.com"),
					})},
				}),
			),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.rockit_app.one", "label", "Published"),
				resource.TestCheckResourceAttr("data.rockit_app.one", "current_build", "7"),
				resource.TestCheckResourceAttr("data.rockit_app.one", "max_builds", "5"),
				resource.TestCheckTypeSetElemAttr("data.rockit_app.one", "deployments.*", "Origin_042"),
				resource.TestCheckResourceAttr("data.rockit_deployment.one", "origin.prefix", "Origin_042"),
				resource.TestCheckResourceAttr("data.rockit_deployment.one", "status", "ready"),
				resource.TestCheckNoResourceAttr("data.rockit_deployment.one", "download_auth"),
				ts.checkPaged("/be/v1/apps"),
				ts.checkPaged("/be/v1/deployments"),
			),
		}},
	})
}

// A missing app is an error that names it.
func TestAccAppDataSource_notFound(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "DS_Missing")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      prov + "data \"rockit_app\" \"x\" {\n  name = \"Nope\"\n}\n",
			ExpectError: expectError("app 'Nope' not found"),
		}},
	})
}
