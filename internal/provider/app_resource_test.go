package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func appConfig(provider, body string) string {
	return provider + fmt.Sprintf(`
resource "rockit_app" "test" {
%s
}
`, body)
}

func TestAccApp_lifecycle(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "App_Life")
	ts.SeedDeployment("App_Life", "Origin_A")
	ts.SeedDeployment("App_Life", "Origin[B]")
	created := `
  name  = "Game_One"
  label = "Game One"
`
	updated := `
  name        = "Game_One"
  label       = "Game One (EU)"
  max_builds  = 3
  deployments = ["Origin_A", "Origin[B]"]
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// The import block step needs Terraform 1.5.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:           ts.checkGone("app", "App_Life", "Game_One"),
		Steps: []resource.TestStep{
			{
				Config: appConfig(prov, created),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("id"), knownvalue.StringExact("Game_One")),
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("max_builds"), knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("deployments"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("current_build"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("size_bytes"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("processing"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("created"), knownvalue.NotNull()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkBodies("POST", "/be/v1/apps", `{"name":"Game_One","label":"Game One","maxBuilds":5}`),
					// No deployments to register: no PATCH.
					ts.checkBodies("PATCH", "/be/v1/apps"),
				),
			},
			{
				Config:           appConfig(prov, created),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      "rockit_app.test",
				ImportState:       true,
				ImportStateId:     "Game_One",
				ImportStateVerify: true,
			},
			{
				ResourceName:    "rockit_app.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "Game_One",
			},
			// In place: label, max_builds and the registered deployments in one PATCH.
			{
				PreConfig: ts.ResetRequests,
				Config:    appConfig(prov, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_app.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_app.test", tfjsonpath.New("deployments"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Origin_A"), knownvalue.StringExact("Origin[B]")})),
				},
				Check: ts.checkBodies("PATCH", "/be/v1/apps",
					`{"name":"Game_One","label":"Game One (EU)","maxBuilds":3,"deployments":["Origin[B]","Origin_A"]}`),
			},
			// The order of a set does not matter: no diff.
			{
				Config: appConfig(prov, `
  name        = "Game_One"
  label       = "Game One (EU)"
  max_builds  = 3
  deployments = ["Origin[B]", "Origin_A"]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// Back to all deployments: an empty list is sent.
			{
				PreConfig: ts.ResetRequests,
				Config:    appConfig(prov, "  name = \"Game_One\"\n  label = \"Game One (EU)\"\n  max_builds = 3"),
				Check:     ts.checkBodies("PATCH", "/be/v1/apps", `{"name":"Game_One","deployments":[]}`),
			},
			// Deleted out of band: the next plan creates it again.
			{
				PreConfig: func() { ts.RemoveApp("App_Life", "Game_One") },
				Config:    appConfig(prov, "  name = \"Game_One\"\n  label = \"Game One (EU)\"\n  max_builds = 3"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_app.test", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if !ts.AppExists("App_Life", "Game_One") {
						return fmt.Errorf("the app was not created again")
					}
					return nil
				},
			},
		},
	})
}

// An app registered to a deployment that Terraform creates in the same run; removing the
// deployment while the app still registers it fails naming the app; destroying both works
// (app first).
func TestAccApp_registeredToDeployment(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "App_Reg")
	deployment := `
resource "rockit_deployment" "eu" {
  name = "Origin_EU"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "builds"
    access_key_id     = "AKIA"
    secret_access_key = "secret"
  }
}
`
	both := prov + deployment + `
resource "rockit_app" "game" {
  name        = "Game_Reg"
  label       = "Registered"
  deployments = [rockit_deployment.eu.name]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			ts.checkGone("app", "App_Reg", "Game_Reg"),
			ts.checkGone("deployment", "App_Reg", "Origin_EU"),
		),
		Steps: []resource.TestStep{
			{
				Config: both,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("rockit_app.game", "deployments.#", "1"),
					resource.TestCheckTypeSetElemAttr("rockit_app.game", "deployments.*", "Origin_EU"),
					// Created, then registered with a PATCH (the create body has no deployments).
					ts.checkBodies("POST", "/be/v1/apps", `{"name":"Game_Reg","label":"Registered","maxBuilds":5}`),
					ts.checkBodies("PATCH", "/be/v1/apps", `{"name":"Game_Reg","deployments":["Origin_EU"]}`),
				),
			},
			// The deployment leaves the configuration while the app (now naming it literally)
			// still registers it: the API refuses, and the error names the app.
			{
				Config: prov + `
resource "rockit_app" "game" {
  name        = "Game_Reg"
  label       = "Registered"
  deployments = ["Origin_EU"]
}
`,
				ExpectError: expectError(`The deployment "Origin_EU" is still in use`),
			},
			{
				Config: both,
				Check: func(*terraform.State) error {
					reqs := ts.requestsMatching("DELETE", "/be/v1/deployments/")
					if len(reqs) != 1 || reqs[0].Status != 409 {
						return fmt.Errorf("want one refused DELETE of the deployment, got %s", describeRequests(reqs))
					}
					if !ts.DeploymentExists("App_Reg", "Origin_EU") {
						return fmt.Errorf("the deployment is gone although an app registers it")
					}
					return nil
				},
			},
			// The final destroy removes the app before the deployment (CheckDestroy).
		},
	})
}

// The 409 message of the API names the apps that still register the deployment.
func TestAccApp_deploymentInUseErrorNamesApps(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "App_Use")
	ts.SeedApp("App_Use", "Other_Game", "Other", 0, 0, "Origin_X")
	cfg := prov + `
resource "rockit_deployment" "x" {
  name = "Origin_X"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "builds"
    access_key_id     = "AKIA"
    secret_access_key = "secret"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config:      prov,
				ExpectError: expectError("is still registered by apps: Other_Game"),
			},
			{
				PreConfig: func() { ts.RemoveApp("App_Use", "Other_Game") },
				Config:    prov,
				Check:     ts.checkGone("deployment", "App_Use", "Origin_X"),
			},
		},
	})
}

func TestAccApp_deletionProtection(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "App_Prot")
	protected := appConfig(prov, "  name = \"Guarded\"\n  label = \"G\"\n  deletion_protection = true")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("app", "App_Prot", "Guarded"),
		Steps: []resource.TestStep{
			{Config: protected},
			{
				Config:      prov,
				ExpectError: expectError(`The plan would destroy the app "Guarded", which deletes all its images and patches irreversibly, but its deletion_protection is true`),
			},
			{
				Config:      appConfig(prov, "  name = \"Guarded_2\"\n  label = \"G\"\n  deletion_protection = true"),
				ExpectError: expectError("The plan would replace (because of a change of name) the app"),
			},
			// Lifting the protection changes no API object: no request but reads.
			{
				PreConfig: ts.ResetRequests,
				Config:    appConfig(prov, "  name = \"Guarded\"\n  label = \"G\"\n  deletion_protection = false"),
				Check: func(*terraform.State) error {
					if w := writeRequests(ts.Requests()); len(w) > 0 {
						return fmt.Errorf("changing deletion_protection sent %s", describeRequests(w))
					}
					if !ts.AppExists("App_Prot", "Guarded") {
						return fmt.Errorf("the protected app was deleted")
					}
					return nil
				},
			},
		},
	})
}

func TestAccApp_invalidInputRejectedAtPlan(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "App_Bad")
	steps := []resource.TestStep{}
	for _, c := range []struct{ body, err string }{
		{"  name = \"Game\"\n  label = \"x\"\n  max_builds = 0", "Attribute max_builds value must be at least 1, got: 0"},
		{"  name = \"no-dashes\"\n  label = \"x\"", "must be 2 to 50 characters of letters, digits and underscores"},
		{"  name = \"Game\"\n  label = \"x\"\n  deployments = [\"bad name\"]", "must be 2 to 50 characters of letters, digits, underscores and square brackets"},
	} {
		steps = append(steps, resource.TestStep{Config: appConfig(prov, c.body), PlanOnly: true, ExpectError: expectError(c.err)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkNoRequests(),
		Steps:                    steps,
	})
}

// An app is created only when every deployment it names exists: an unknown one is an error
// before the POST (an app whose registration failed would be published to all deployments).
// The plan checks would stop it at plan time (TestPlanChecks_missingDeploymentSuggestsNearest);
// off, as for a deployment deleted between plan and apply, Create checks.
func TestAccApp_unknownDeploymentFailsBeforeCreate(t *testing.T) {
	ts := newTestServer(t)
	prov := providerWith(ts.orgProvider(t, "App_Unknown"), "plan_checks = false")
	ts.SeedDeployment("App_Unknown", "Origin_A")
	cfg := appConfig(prov, "  name = \"Game_U\"\n  label = \"U\"\n  deployments = [\"Origin_A\", \"Ghost\", \"Ghost_2\"]")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("app", "App_Unknown", "Game_U"),
		Steps: []resource.TestStep{
			{
				PreConfig:   ts.ResetRequests,
				Config:      cfg,
				ExpectError: expectError(`The app "Game_U" names deployments that do not exist in the organization: Ghost, Ghost_2. The app was not created`),
			},
			{
				PreConfig: func() {
					if w := writeRequests(ts.Requests()); len(w) > 0 {
						t.Errorf("an app naming unknown deployments sent %s", describeRequests(w))
					}
					if ts.AppExists("App_Unknown", "Game_U") {
						t.Error("the app was created although its deployments do not exist")
					}
					ts.SeedDeployment("App_Unknown", "Ghost")
					ts.SeedDeployment("App_Unknown", "Ghost_2")
					ts.ResetRequests()
				},
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("rockit_app.test", "deployments.#", "3"),
					ts.checkWriteOrder("POST /be/v1/apps -> 200, PATCH /be/v1/apps -> 200", "the app created and registered"),
				),
			},
		},
	})
}
