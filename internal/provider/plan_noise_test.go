package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Issue 23 item 6: computed values that an update cannot move are planned from state, not
// "(known after apply)".

// seededDeployment is the configuration of the deployment mockserver.SeedDeployment makes.
const seededDeployment = `
resource "rockit_deployment" "test" {
  name = "Origin_Imp"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "seeded"
    prefix            = "%s"
    access_key_id     = "AKIASEEDED"
    secret_access_key = "seeded-secret"
  }
}
`

var deploymentStatusKnown = []plancheck.PlanCheck{
	plancheck.ExpectResourceAction("rockit_deployment.test", plancheck.ResourceActionUpdate),
	plancheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("status"), knownvalue.StringExact("ready")),
	plancheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("message"), knownvalue.StringExact("origin configured; ready for publishing")),
}

// importBlockConfig is an import block of the configuration (Terraform 1.5+).
func importBlockConfig(to, id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", to, id)
}

// After an import (block or CLI) the first apply sends the configured secrets, which the
// server had already: status and message are planned as read. A change of the origin plans
// them unknown.
func TestAccDeployment_statusFromStateAfterImport(t *testing.T) {
	for org, importSteps := range map[string]func(ts *testServer, cfg string) []resource.TestStep{
		"Plan_Dep": func(ts *testServer, cfg string) []resource.TestStep {
			return []resource.TestStep{{
				Config:           cfg + importBlockConfig("rockit_deployment.test", "Origin_Imp"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: deploymentStatusKnown},
				Check: ts.checkBodies("PATCH", "/be/v1/deployments",
					`{"name":"Origin_Imp","origin":{"secretAccessKey":"seeded-secret"}}`),
			}}
		},
		"Plan_Dep_Cli": func(_ *testServer, cfg string) []resource.TestStep {
			return []resource.TestStep{
				{Config: cfg, ResourceName: "rockit_deployment.test", ImportState: true, ImportStateId: "Origin_Imp", ImportStatePersist: true},
				{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: deploymentStatusKnown}},
			}
		},
	} {
		t.Run(org, func(t *testing.T) {
			ts := newTestServer(t)
			prov := ts.orgProvider(t, org)
			ts.SeedDeployment(org, "Origin_Imp")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
				Steps: append(importSteps(ts, prov+fmt.Sprintf(seededDeployment, "Origin_Imp")), resource.TestStep{
					Config: prov + fmt.Sprintf(seededDeployment, "v2"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue("rockit_deployment.test", tfjsonpath.New("status")),
						plancheck.ExpectUnknownValue("rockit_deployment.test", tfjsonpath.New("message")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("status"), knownvalue.StringExact("ready")),
					},
				}),
			})
		})
	}
}

// appBuildChecks are the plan checks of the build fields planned from state.
func appBuildChecks(build, size int64) []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("rockit_app.test", plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("current_build"), knownvalue.Int64Exact(build)),
		plancheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("size_bytes"), knownvalue.Int64Exact(size)),
		plancheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("processing"), knownvalue.Bool(false)),
	}
}

// The plan after `terraform untaint` of a protected app is a change of deletion_protection
// alone (the recovery its error describes): no API call, so nothing is unknown. A change of
// label or deployments does not move the builds either; a lower max_builds deletes builds, so
// the size is unknown then. A build that lands between plan and apply does not fail the apply:
// the planned value is stored and the next refresh reads the new one.
func TestAccApp_buildFieldsFromState(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Plan_App")
	ts.SeedApp("Plan_App", "Game_Built", "Built", 7, 1234)
	app := func(label string, maxBuilds int, protected bool) string {
		return appConfig(prov, fmt.Sprintf("  name = \"Game_Built\"\n  label = %q\n  max_builds = %d\n  deletion_protection = %t", label, maxBuilds, protected))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config: app("Built", 5, false) + importBlockConfig("rockit_app.test", "Game_Built"),
			},
			// Only deletion_protection: everything from state, updated too.
			{
				Config: app("Built", 5, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(appBuildChecks(7, 1234),
					plancheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("updated"), knownvalue.NotNull()))},
				Check: ts.checkNoWrites(),
			},
			// A new label: a PATCH (updated unknown), the builds from state; a build uploaded
			// after the plan is read by the next refresh.
			{
				Config: app("Built (EU)", 5, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(appBuildChecks(7, 1234),
					plancheck.ExpectUnknownValue("rockit_app.test", tfjsonpath.New("updated")),
					planHook(func() { ts.SetAppBuild("Plan_App", "Game_Built", 8, 2000) }))},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("label"), knownvalue.StringExact("Built (EU)")),
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("current_build"), knownvalue.Int64Exact(7)),
				},
			},
			{
				Config:           app("Built (EU)", 5, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("current_build"), knownvalue.Int64Exact(8)),
				},
			},
			// A lower max_builds deletes builds: the size is unknown, the current build is not.
			{
				Config: app("Built (EU)", 2, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("current_build"), knownvalue.Int64Exact(8)),
					plancheck.ExpectUnknownValue("rockit_app.test", tfjsonpath.New("size_bytes")),
				}},
			},
		},
	})
}

// planHook is a plan check that runs f between the plan and the apply: a change on the server
// that the plan could not see.
type planHook func()

func (h planHook) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	h()
}
