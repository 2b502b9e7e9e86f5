package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestAccMachineUser_lifecycle(t *testing.T) { forEachAuthScheme(t, testMachineUserLifecycle) }

func testMachineUserLifecycle(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	role := `
resource "rockit_role" "deploy" {
  name        = "Deploy"
  permissions = { deployments = ["read", "update"], apps = ["read"] }
}
`
	machine := func(body string) string {
		return prov + role + `
resource "rockit_machine_user" "ci" {
  username = "ci_bot"
` + body + `
}
`
	}
	created := machine(`  label = "CI pipeline"
  roles = [rockit_role.deploy.name]`)
	updated := machine(`  label = "GitHub Actions"
  roles = []`)
	rotated := machine(`  label = "GitHub Actions"
  roles = []
  api_key_version = 2`)

	apiKey := tfjsonpath.New("api_key")
	keyKept := statecheck.CompareValue(compare.ValuesSame())      // created -> label changed
	keyRotated := statecheck.CompareValue(compare.ValuesDiffer()) // label changed -> rotated
	issuedKey := ts.expectAPIKey("rockit_machine_user.ci", "Acme", "ci_bot")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			ts.checkGone("user", "Acme", "ci_bot"),
			ts.checkGone("role", "Acme", "Deploy"),
		),
		Steps: []resource.TestStep{
			{
				Config: created,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_machine_user.ci", tfjsonpath.New("id"), knownvalue.StringExact("ci_bot")),
					statecheck.ExpectKnownValue("rockit_machine_user.ci", tfjsonpath.New("roles"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Deploy")})),
					issuedKey,
					keyKept.AddStateValue("rockit_machine_user.ci", apiKey),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkUserField("Acme", "ci_bot", "type", "machine"),
					func(*terraform.State) error {
						posts := ts.requestsMatching("POST", "/be/v1/users")
						if len(posts) != 1 || canonicalJSON(posts[0].Body) != `{"label":"CI pipeline","roles":["Deploy"],"username":"ci_bot"}` {
							return fmt.Errorf("unexpected create requests: %s", describeRequests(posts))
						}
						return nil
					},
				),
			},
			{
				Config:           created,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// The API key cannot be read back: not importable.
			{
				ResourceName:            "rockit_machine_user.ci",
				ImportState:             true,
				ImportStateId:           "ci_bot",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"api_key"},
			},
			{
				ResourceName:    "rockit_machine_user.ci",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "ci_bot",
			},
			// Label and roles change in place; the key stays.
			{
				PreConfig: ts.ResetRequests,
				Config:    updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_machine_user.ci", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					issuedKey,
					keyKept.AddStateValue("rockit_machine_user.ci", apiKey),
					keyRotated.AddStateValue("rockit_machine_user.ci", apiKey),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkWrites(`PATCH /be/v1/users {"label":"GitHub Actions","roles":[],"username":"ci_bot"}`),
					ts.checkUserField("Acme", "ci_bot", "label", "GitHub Actions"),
					ts.checkUserField("Acme", "ci_bot", "roles", []any{}),
				),
			},
			// api_key_version rotates the key in place: one PATCH with resetCreds only.
			{
				PreConfig: ts.ResetRequests,
				Config:    rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_machine_user.ci", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("rockit_machine_user.ci", tfjsonpath.New("api_key")),
					plancheck.ExpectKnownValue("rockit_machine_user.ci", tfjsonpath.New("label"), knownvalue.StringExact("GitHub Actions")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					issuedKey,
					keyRotated.AddStateValue("rockit_machine_user.ci", apiKey),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkWrites(`PATCH /be/v1/users {"resetCreds":true,"username":"ci_bot"}`),
					ts.checkUserField("Acme", "ci_bot", "label", "GitHub Actions"),
				),
			},
			// Removing api_key_version changes nothing in the API.
			{
				PreConfig:         ts.ResetRequests,
				Config:            updated,
				ConfigStateChecks: []statecheck.StateCheck{issuedKey},
				Check:             ts.checkWrites(),
			},
			// Deleted outside Terraform: the next plan creates it again, with a new key.
			{
				PreConfig: func() {
					if !ts.RemoveUser("Acme", "ci_bot") {
						t.Fatal("the machine user to delete out of band does not exist")
					}
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_machine_user.ci", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{issuedKey},
			},
		},
	})
}

// The key really works: a second provider configuration with it reads data through the
// API-key headers, before and after a rotation.
func TestAccMachineUser_keyAuthenticatesProvider(t *testing.T) {
	forEachAuthScheme(t, testMachineUserKeyAuthenticatesProvider)
}

func testMachineUserKeyAuthenticatesProvider(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	cfg := func(version int) string {
		return prov + fmt.Sprintf(`
resource "rockit_role" "reader" {
  name        = "Reader"
  permissions = { roles = ["read"], beUsers = ["read"] }
}

resource "rockit_machine_user" "ci" {
  username        = "ci_reader"
  label           = "CI"
  roles           = [rockit_role.reader.name]
  api_key_version = %d
}

provider "rockitci" {
  endpoint    = %q
  org_name    = "Acme"
  username    = rockit_machine_user.ci.username
  api_key     = rockit_machine_user.ci.api_key
  max_retries = 0
}

data "rockit_role" "via_ci" {
  provider   = rockitci
  name       = rockit_role.reader.name
  depends_on = [rockit_machine_user.ci]
}
`, version, ts.URL)
	}
	// checkReadWithKey: the data source's read reached the mock with the API-key headers and
	// succeeded, after the last key rotation (so with the key now in state: issuedKey).
	checkReadWithKey := func(*terraform.State) error {
		reqs := ts.Requests()
		start := 0
		for i, r := range reqs {
			if r.Method == "PATCH" && r.Path == "/be/v1/users" && canonicalJSON(r.Body) == `{"resetCreds":true,"username":"ci_reader"}` {
				start = i + 1
			}
		}
		for _, r := range reqs[start:] {
			if r.Method == "GET" && r.Path == "/be/v1/roles/Reader" && r.Auth == "apiKey" && r.Status == 200 {
				return nil
			}
		}
		return fmt.Errorf("no successful read with the API key after the last rotation: %s", describeRequests(reqs))
	}
	issuedKey := ts.expectAPIKey("rockit_machine_user.ci", "Acme", "ci_reader")
	keyRotated := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		// The machine user's provider configuration is a second provider name, not an alias,
		// only because of the in-process test harness (see twoProviderFactories).
		ProtoV6ProviderFactories: twoProviderFactories("rockitci"),
		CheckDestroy:             ts.checkGone("user", "Acme", "ci_reader"),
		Steps: []resource.TestStep{
			{
				Config: cfg(1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.rockit_role.via_ci", tfjsonpath.New("permissions"), knownvalue.MapExact(map[string]knownvalue.Check{
						"roles":   knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read")}),
						"beUsers": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read")}),
					})),
					issuedKey,
					keyRotated.AddStateValue("rockit_machine_user.ci", tfjsonpath.New("api_key")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkReadWithKey, ts.resetRequests()),
			},
			{
				Config: cfg(2),
				ConfigStateChecks: []statecheck.StateCheck{
					issuedKey,
					keyRotated.AddStateValue("rockit_machine_user.ci", tfjsonpath.New("api_key")),
				},
				Check: checkReadWithKey,
			},
		},
	})
}

// Bad input fails at plan time without any request.
func TestAccMachineUser_invalidInputAtPlanTime(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	steps := []resource.TestStep{}
	for _, c := range []struct{ body, want string }{
		{`username = "ci bot"` + "\n" + `label = "CI"`, `Attribute username must be 2 to 50 characters`},
		{`username = "ci_bot"` + "\n" + `label = ""`, `Attribute label string length must be at least 1`},
		{`username = "ci_bot"` + "\n" + `label = "CI"` + "\n" + `roles = ["no-such-name!"]`, `must be 2 to 50 characters`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      prov + "resource \"rockit_machine_user\" \"m\" {\n" + c.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: expectError(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	ts.requireNoRequests(t, "invalid input")
}
