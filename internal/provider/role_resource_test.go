package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

func TestAccRole_lifecycle(t *testing.T) { forEachAuthScheme(t, testRoleLifecycle) }

func testRoleLifecycle(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	created := prov + `
resource "rockit_role" "dev" {
  name = "Developers"
  permissions = {
    apps  = ["read", "update"]
    tasks = ["read", "execute"]
  }
}
`
	updated := prov + `
resource "rockit_role" "dev" {
  name = "Developers"
  permissions = {
    apps        = ["read"]
    consumption = ["read"]
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:             ts.checkGone("role", "Acme", "Developers"),
		Steps: []resource.TestStep{
			{
				Config: created,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_role.dev", tfjsonpath.New("id"), knownvalue.StringExact("Developers")),
					// Only the granted resources: the API's zeros for the other ten do not show up.
					statecheck.ExpectKnownValue("rockit_role.dev", tfjsonpath.New("permissions"), knownvalue.MapExact(map[string]knownvalue.Check{
						"apps":  knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read"), knownvalue.StringExact("update")}),
						"tasks": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read"), knownvalue.StringExact("execute")}),
					})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkWrites(`POST /be/v1/roles {"name":"Developers","permissions":{"apps":6,"tasks":18}}`),
					ts.checkRole("Acme", "Developers", map[string]int{"apps": 6, "tasks": 18}),
					ts.resetRequests(),
				),
			},
			{
				Config:           created,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      "rockit_role.dev",
				ImportState:       true,
				ImportStateId:     "Developers",
				ImportStateVerify: true,
			},
			{
				ResourceName:    "rockit_role.dev",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "Developers",
			},
			// Permissions added and removed: one PATCH with the whole new map, in place.
			{
				PreConfig: ts.ResetRequests,
				Config:    updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_role.dev", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkWrites(`PATCH /be/v1/roles {"name":"Developers","permissions":{"apps":2,"consumption":2}}`),
					ts.checkRole("Acme", "Developers", map[string]int{"apps": 2, "consumption": 2}),
					resource.TestCheckResourceAttr("rockit_role.dev", "permissions.%", "2"),
				),
			},
			// Deleted outside Terraform: the next plan creates it again.
			{
				PreConfig: func() {
					if !ts.RemoveRole("Acme", "Developers") {
						t.Fatal("the role to delete out of band does not exist")
					}
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_role.dev", plancheck.ResourceActionCreate),
				}},
				Check: ts.checkRole("Acme", "Developers", map[string]int{"apps": 2, "consumption": 2}),
			},
		},
	})
}

// A role without permissions, and permissions changed in the mock outside Terraform (drift).
func TestAccRole_noPermissionsAndDrift(t *testing.T) {
	ts := newTestServer(t)
	cfg := ts.orgProvider(t, "Acme") + `
resource "rockit_role" "empty" {
  name = "Nobody"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("role", "Acme", "Nobody"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_role.empty", tfjsonpath.New("permissions"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
				Check: ts.checkRole("Acme", "Nobody", map[string]int{}),
			},
			{
				PreConfig: func() { ts.SeedRole("Acme", "Nobody", map[string]int{"keys": 8}) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_role.empty", plancheck.ResourceActionUpdate),
				}},
				Check: ts.checkRole("Acme", "Nobody", map[string]int{}),
			},
		},
	})
}

// Bad input fails at plan time naming the resource id and operation, without any request.
func TestAccRole_invalidInputAtPlanTime(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	cases := []struct{ body, want string }{
		{`name = "R1"` + "\n" + `permissions = { consumption = ["update"] }`, `operation "update" is not allowed on resource "consumption"; it allows read`},
		{`name = "R1"` + "\n" + `permissions = { apps = ["execute"] }`, `operation "execute" is not allowed on resource "apps"; it allows create, read, update, delete`},
		{`name = "R1"` + "\n" + `permissions = { widgets = ["read"] }`, `unknown resource id "widgets"`},
		{`name = "R1"` + "\n" + `permissions = { apps = [] }`, `is an empty set: leave the resource id "apps" out of permissions for no access`},
		{`name = "Administrators"`, `Administrators is built in`},
		{`name = "x"`, `Attribute name must be 2 to 50 characters`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      prov + "resource \"rockit_role\" \"bad\" {\n" + c.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: expectError(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	ts.requireNoRequests(t, "invalid input")
}

// Deleting a role that users still hold fails naming them; once they are gone it succeeds.
func TestAccRole_deleteInUseNamesUsers(t *testing.T) {
	forEachAuthScheme(t, testRoleDeleteInUseNamesUsers)
}

func testRoleDeleteInUseNamesUsers(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	withRole := prov + `
resource "rockit_role" "ops" {
  name        = "Ops"
  permissions = { deployments = ["read"] }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("role", "Acme", "Ops"),
		Steps: []resource.TestStep{
			{
				Config: withRole,
				Check: func(*terraform.State) error {
					ts.SeedUser("Acme", "bob", false, "Ops")
					ts.SeedUser("Acme", "deployer", true, "Ops")
					return nil
				},
			},
			{
				Config:      prov,
				ExpectError: expectError(`The role "Ops" is still in use: DELETE /be/v1/roles/Ops: HTTP 409: role 'Ops' is still held by users: bob, deployer`),
			},
			{
				PreConfig: func() {
					ts.RemoveUser("Acme", "bob")
					ts.RemoveUser("Acme", "deployer")
				},
				Config: prov,
				Check:  ts.checkGone("role", "Acme", "Ops"),
			},
		},
	})
}

func TestAccRole_alreadyExists(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	ts.SeedRole("Acme", "Taken", nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Issue 23 item 2: the plan says so, with the import block; no POST is sent.
			Config: prov + `resource "rockit_role" "r" { name = "Taken" }`,
			ExpectError: expectError(`A role named "Taken" exists already in the organization, and this workspace has ` +
				`no evidence that it created it, so applying this plan would fail. To manage it with Terraform, import it: ` +
				`import { to = rockit_role.<resource name> # the address shown with this message id = "Taken" }`),
		}},
	})
	afterTest(t, ts.checkNoWrites()) // the step's apply errs, so a Check there would never run
}

// seedRoles creates n roles R000... directly in the mock's store.
func seedRoles(ts *testServer, org string, n int) {
	for i := 0; i < n; i++ {
		ts.SeedRole(org, fmt.Sprintf("R%03d", i), map[string]int{"apps": mockserver.PermRead})
	}
}

// Every attribute of the access-management types has a description, and every secret is
// sensitive.
func TestAccessSchemas(t *testing.T) {
	ctx := context.Background()
	secrets := map[string]bool{"initial_password": true, "api_key": true}
	for _, newRes := range []func() fwresource.Resource{NewRoleResource, NewUserResource, NewMachineUserResource} {
		r := newRes()
		var meta fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "rockit"}, &meta)
		var resp fwresource.SchemaResponse
		r.Schema(ctx, fwresource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no description", meta.TypeName)
		}
		for name, a := range resp.Schema.Attributes {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("%s.%s has no description", meta.TypeName, name)
			}
			if secrets[name] != a.IsSensitive() {
				t.Errorf("%s.%s: sensitive = %t", meta.TypeName, name, a.IsSensitive())
			}
		}
	}
	for _, newDS := range []func() datasource.DataSource{NewRoleDataSource, NewRolesDataSource, NewUserDataSource, NewUsersDataSource} {
		d := newDS()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "rockit"}, &meta)
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no description", meta.TypeName)
		}
		for name, a := range resp.Schema.Attributes {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("data %s.%s has no description", meta.TypeName, name)
			}
		}
	}
}

// A provider acting as a user whose roles lack roles Create gets the API's 403 with a hint.
func TestAccRole_forbiddenWithoutPermission(t *testing.T) {
	ts := newTestServer(t)
	ts.SeedOrg("Acme", "admin")
	ts.SeedRole("Acme", "Viewer", map[string]int{"roles": mockserver.PermRead})
	pw := ts.SeedUser("Acme", "viewer", false, "Viewer")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Acme"
  username    = "viewer"
  password    = %q
  max_retries = 0
}
resource "rockit_role" "r" {
  name        = "Sneaky"
  permissions = { roles = ["create"] }
}
`, ts.URL, pw),
			ExpectError: expectError(`HTTP 403: forbidden: the caller's roles lack the create permission on 'roles' The user the provider acts as lacks a permission`),
		}},
	})
	afterTest(t, ts.checkGone("role", "Acme", "Sneaky")) // every step fails, so no state: a CheckDestroy would not run
}
