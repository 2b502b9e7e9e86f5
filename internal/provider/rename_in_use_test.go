package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Renaming a role that a user holds: without create_before_destroy the old role's delete
// comes first and the API refuses it (409); the error suggests create_before_destroy. With it,
// Terraform creates the new role, moves the user, then deletes the old role.
func TestAccRole_renameHeldRoleWithCreateBeforeDestroy(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Role_Rename")
	cfg := func(name, lifecycle string) string {
		return prov + fmt.Sprintf(`
resource "rockit_role" "release" {
  name        = %q
  permissions = { apps = ["read"] }
%s
}

resource "rockit_user" "lead" {
  username  = "lead"
  email     = "lead@example.com"
  firstname = "Lea"
  surname   = "Lead"
  roles     = [rockit_role.release.name]
}
`, name, lifecycle)
	}
	const cbd = "  lifecycle {\n    create_before_destroy = true\n  }"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			ts.checkGone("user", "Role_Rename", "lead"),
			ts.checkGone("role", "Role_Rename", "Release_Team"),
		),
		Steps: []resource.TestStep{
			{Config: cfg("Release", "")},
			{
				Config:      cfg("Release_Team", ""),
				ExpectError: expectError("add lifecycle { create_before_destroy = true } to the rockit_role"),
			},
			{
				PreConfig: ts.ResetRequests,
				Config:    cfg("Release_Team", cbd),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckTypeSetElemAttr("rockit_user.lead", "roles.*", "Release_Team"),
					ts.checkGone("role", "Role_Rename", "Release"),
					func(*terraform.State) error {
						if got := describeRequests(writeRequests(ts.Requests())); got !=
							"POST /be/v1/roles -> 200, PATCH /be/v1/users -> 200, DELETE /be/v1/roles/Release -> 200" {
							return fmt.Errorf("want the new role created, the user moved, the old role deleted, in that order; got %s", got)
						}
						return nil
					},
				),
			},
		},
	})
}

// The same for a deployment that an app registers.
func TestAccDeployment_renameRegisteredDeploymentWithCreateBeforeDestroy(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Dep_Rename")
	cfg := func(name, lifecycle string) string {
		return prov + fmt.Sprintf(`
resource "rockit_deployment" "eu" {
  name = %q
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "builds"
    access_key_id     = "AKIA"
    secret_access_key = "secret"
  }
%s
}

resource "rockit_app" "game" {
  name        = "Game_Ren"
  label       = "R"
  deployments = [rockit_deployment.eu.name]
}
`, name, lifecycle)
	}
	const cbd = "  lifecycle {\n    create_before_destroy = true\n  }"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			ts.checkGone("app", "Dep_Rename", "Game_Ren"),
			ts.checkGone("deployment", "Dep_Rename", "Origin_EU"),
			ts.checkGone("deployment", "Dep_Rename", "Origin_EU_2"),
		),
		Steps: []resource.TestStep{
			{Config: cfg("Origin_EU", "")},
			{
				Config:      cfg("Origin_EU_2", ""),
				ExpectError: expectError("add lifecycle { create_before_destroy = true } to the rockit_deployment"),
			},
			{
				PreConfig: ts.ResetRequests,
				Config:    cfg("Origin_EU_2", cbd),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckTypeSetElemAttr("rockit_app.game", "deployments.*", "Origin_EU_2"),
					ts.checkGone("deployment", "Dep_Rename", "Origin_EU"),
					func(*terraform.State) error {
						if got := describeRequests(writeRequests(ts.Requests())); got !=
							"POST /be/v1/deployments -> 200, PATCH /be/v1/apps -> 200, DELETE /be/v1/deployments/Origin_EU -> 200" {
							return fmt.Errorf("want the new deployment created, the app registered, the old deployment deleted, in that order; got %s", got)
						}
						return nil
					},
				),
			},
		},
	})
}
