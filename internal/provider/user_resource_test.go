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

func TestAccUser_lifecycle(t *testing.T) { forEachAuthScheme(t, testUserLifecycle) }

func testUserLifecycle(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	roles := `
resource "rockit_role" "dev" {
  name        = "Developers"
  permissions = { apps = ["read"] }
}
resource "rockit_role" "ops" {
  name        = "Ops"
  permissions = { deployments = ["read"] }
}
`
	user := func(body string) string {
		return prov + roles + `
resource "rockit_user" "alice" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
` + body + `
}
`
	}
	created := user(`  surname = "Jones"
  title   = "Dr"
  roles   = [rockit_role.dev.name]`)
	updated := user(`  surname = "Smith"
  roles   = [rockit_role.ops.name, "Administrators"]`)
	rotated := user(`  surname = "Smith"
  roles   = [rockit_role.ops.name, "Administrators"]
  credentials_version = 1`)

	password := tfjsonpath.New("initial_password")
	passwordKept := statecheck.CompareValue(compare.ValuesSame())    // created -> profile changed
	passwordReset := statecheck.CompareValue(compare.ValuesDiffer()) // profile changed -> credentials_version
	issuedPassword := ts.expectInitialPassword("rockit_user.alice", "initial_password", "Acme", "alice")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			ts.checkGone("user", "Acme", "alice"),
			ts.checkGone("role", "Acme", "Developers"),
			ts.checkGone("role", "Acme", "Ops"),
		),
		Steps: []resource.TestStep{
			{
				Config: created,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_user.alice", tfjsonpath.New("id"), knownvalue.StringExact("alice")),
					statecheck.ExpectKnownValue("rockit_user.alice", tfjsonpath.New("roles"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Developers")})),
					statecheck.ExpectKnownValue("rockit_user.alice", tfjsonpath.New("title"), knownvalue.StringExact("Dr")),
					statecheck.ExpectKnownValue("rockit_user.alice", tfjsonpath.New("credentials_version"), knownvalue.Null()),
					issuedPassword,
					passwordKept.AddStateValue("rockit_user.alice", password),
				},
				Check: func(*terraform.State) error {
					posts := ts.requestsMatching("POST", "/be/v1/users")
					if len(posts) != 1 || canonicalJSON(posts[0].Body) != `{"email":"alice@example.com","firstname":"Alice","roles":["Developers"],"surname":"Jones","title":"Dr","username":"alice"}` {
						return fmt.Errorf("unexpected create requests: %s %s", describeRequests(posts), posts[0].Body)
					}
					return nil
				},
			},
			{
				Config:           created,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// The initial password cannot be read back: not importable.
			{
				ResourceName:            "rockit_user.alice",
				ImportState:             true,
				ImportStateId:           "alice",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"initial_password"},
			},
			{
				ResourceName:    "rockit_user.alice",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "alice",
			},
			// Profile and roles change in place; title removed is sent as null; the password stays.
			{
				PreConfig: ts.ResetRequests,
				Config:    updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_user.alice", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("rockit_user.alice", tfjsonpath.New("initial_password"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					passwordKept.AddStateValue("rockit_user.alice", password),
					passwordReset.AddStateValue("rockit_user.alice", password),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkWrites(`PATCH /be/v1/users {"roles":["Administrators","Ops"],"surname":"Smith","title":null,"username":"alice"}`),
					ts.checkUserField("Acme", "alice", "surname", "Smith"),
					ts.checkUserField("Acme", "alice", "title", nil),
					ts.checkUserField("Acme", "alice", "roles", []any{"Administrators", "Ops"}),
				),
			},
			// credentials_version: one PATCH with resetCreds only; a new password, nothing else changes.
			{
				PreConfig: ts.ResetRequests,
				Config:    rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_user.alice", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("rockit_user.alice", tfjsonpath.New("initial_password")),
					plancheck.ExpectKnownValue("rockit_user.alice", tfjsonpath.New("surname"), knownvalue.StringExact("Smith")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					issuedPassword,
					passwordReset.AddStateValue("rockit_user.alice", password),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkWrites(`PATCH /be/v1/users {"resetCreds":true,"username":"alice"}`),
					ts.checkUserField("Acme", "alice", "surname", "Smith"),
				),
			},
			{
				Config:           rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// Deleted outside Terraform: the next plan creates it again.
			{
				PreConfig: func() {
					if !ts.RemoveUser("Acme", "alice") {
						t.Fatal("the user to delete out of band does not exist")
					}
				},
				Config: rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_user.alice", plancheck.ResourceActionCreate),
				}},
				Check: ts.checkUserField("Acme", "alice", "surname", "Smith"),
			},
		},
	})
}

// Importing with credentials_version in the configuration adopts it without a reset.
func TestAccUser_importAdoptsCredentialsVersion(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	pw := ts.SeedUser("Acme", "carol", false)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{{
			PreConfig: ts.ResetRequests,
			Config: prov + `
import {
  to = rockit_user.carol
  id = "carol"
}
resource "rockit_user" "carol" {
  username            = "carol"
  email               = "carol@example.com"
  firstname           = "Seeded"
  surname             = "carol"
  credentials_version = 3
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("rockit_user.carol", "credentials_version", "3"),
				resource.TestCheckNoResourceAttr("rockit_user.carol", "initial_password"),
				ts.checkWrites(),
				func(*terraform.State) error {
					if now, _ := ts.UserPassword("Acme", "carol"); now != pw {
						return fmt.Errorf("importing reset carol's password")
					}
					return nil
				},
			),
		}},
	})
}

// Bad input fails at plan time without any request; an unknown role fails at apply naming it.
func TestAccUser_invalidInput(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	user := func(username, email, extra string) string {
		return prov + fmt.Sprintf(`
resource "rockit_user" "u" {
  username  = %q
  email     = %q
  firstname = "A"
  surname   = "B"
  %s
}
`, username, email, extra)
	}
	steps := []resource.TestStep{}
	for _, c := range []struct{ cfg, want string }{
		{user("ok_name", "not-an-email", ""), `Attribute email must be an email address`},
		{user("a-b", "a@example.com", ""), `Attribute username must be 2 to 50 characters`},
		{user("ok_name", "a@example.com", `roles = ["bad role"]`), `must be 2 to 50 characters`},
		{user("ok_name", "a@example.com", `title = ""`), `Attribute title string length must be at least 1`},
	} {
		steps = append(steps, resource.TestStep{Config: c.cfg, PlanOnly: true, ExpectError: expectError(c.want)})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	ts.requireNoRequests(t, "invalid input")
}

func TestAccUser_unknownRole(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	user := userWithUnknownRole
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// The plan checks (plan_checks.go) stop it at plan time.
			{Config: prov + user, ExpectError: expectError(`The role "Ghost" does not exist in the organization`)},
			// Without them, the API's answer is shown.
			{Config: providerWith(prov, "plan_checks = false") + user, ExpectError: expectError(`HTTP 400: invalid parameter 'roles': role 'Ghost' does not exist`)},
		},
	})
	afterTest(t, ts.checkGone("user", "Acme", "dave")) // every step fails, so no state: a CheckDestroy would not run
}

// A machine user cannot be managed as rockit_user: the import says which type to use.
func TestAccUser_importWrongType(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	ts.SeedUser("Acme", "robot", true)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: prov + `
resource "rockit_user" "u" {
  username  = "robot"
  email     = "r@example.com"
  firstname = "R"
  surname   = "R"
}
`,
			ResourceName:  "rockit_user.u",
			ImportState:   true,
			ImportStateId: "robot",
			ExpectError:   expectError(`The user "robot" is of type "machine": manage it with rockit_machine_user.`),
		}},
	})
}

// The bootstrap pattern in one apply: an organization, and a second provider configuration
// built from its outputs creating a role, a user and a machine user in it; destroy removes
// the users and the role before the organization. (The second configuration is a second
// provider name instead of an alias only because of the test harness, see
// twoProviderFactories.)
func TestAccBootstrap_organizationWithRolesAndUsers(t *testing.T) {
	ts := newTestServer(t)
	cfg := ts.adminProvider() + fmt.Sprintf(`
resource "rockit_organization" "studio" {
  name = "Boot_Studio"
}

provider "rockitstudio" {
  endpoint    = %q
  org_name    = rockit_organization.studio.name
  username    = rockit_organization.studio.admin_username
  password    = rockit_organization.studio.admin_initial_password
  max_retries = 0
}

resource "rockit_role" "release" {
  provider    = rockitstudio
  name        = "Release"
  permissions = { apps = ["read", "update"], deployments = ["read"], tasks = ["read", "execute"] }
}

resource "rockit_user" "lead" {
  provider  = rockitstudio
  username  = "lead"
  email     = "lead@example.com"
  firstname = "Lea"
  surname   = "Lead"
  roles     = [rockit_role.release.name]
}

resource "rockit_machine_user" "ci" {
  provider = rockitstudio
  username = "ci"
  label    = "CI"
  roles    = [rockit_role.release.name]
}
`, ts.URL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: twoProviderFactories("rockitstudio"),
		CheckDestroy: func(s *terraform.State) error {
			if err := ts.checkGone("organization", "", "Boot_Studio")(s); err != nil {
				return err
			}
			// Users and role were deleted through the API before the organization.
			var order []string
			for _, r := range writeRequests(ts.Requests()) {
				if r.Method == "DELETE" {
					order = append(order, fmt.Sprintf("%s %d", r.Path, r.Status))
				}
			}
			if len(order) != 4 || order[3] != "/be/v1/orgs/Boot_Studio 200" || order[2] != "/be/v1/roles/Release 200" {
				return fmt.Errorf("destroy deleted in this order: %v", order)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					ts.expectAPIKey("rockit_machine_user.ci", "Boot_Studio", "ci"),
					ts.expectInitialPassword("rockit_user.lead", "initial_password", "Boot_Studio", "lead"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkRole("Boot_Studio", "Release", map[string]int{"apps": 6, "deployments": 2, "tasks": 18}),
					ts.checkUserField("Boot_Studio", "lead", "roles", []any{"Release"}),
					func(*terraform.State) error {
						// The org-scoped requests used the administrator's session.
						for _, r := range ts.requestsMatching("POST", "/be/v1/roles") {
							if r.Auth != "authToken" {
								return fmt.Errorf("POST /be/v1/roles was sent with %q credentials", r.Auth)
							}
						}
						return nil
					},
				),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
