package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// renameInUse is a rename of an object that another resource uses (a role a user holds, a
// deployment an app registers): without create_before_destroy the old object's delete comes
// first and the API refuses it (409), and the error suggests create_before_destroy; with it,
// Terraform creates the new object, moves the user to it, then deletes the old one.
type renameInUse struct {
	org, kind      string // kind: the resource type without "rockit_" and the checkGone kind
	oldName, name  string
	config         func(name, lifecycle string) string // the object and its user
	user, userAttr string                              // the using resource and its set attribute
	userGone       []string                            // checkGone kind and name of the user
	writes, why    string                              // the write order of the rename
}

func testRenameInUse(t *testing.T, ts *testServer, r renameInUse) {
	const cbd = "  lifecycle {\n    create_before_destroy = true\n  }"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			ts.checkGone(r.userGone[0], r.org, r.userGone[1]),
			ts.checkGone(r.kind, r.org, r.oldName, r.name),
		),
		Steps: []resource.TestStep{
			{Config: r.config(r.oldName, "")},
			{
				Config:      r.config(r.name, ""),
				ExpectError: expectError("add lifecycle { create_before_destroy = true } to the rockit_" + r.kind),
			},
			{
				PreConfig: ts.ResetRequests,
				Config:    r.config(r.name, cbd),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckTypeSetElemAttr(r.user, r.userAttr+".*", r.name),
					ts.checkGone(r.kind, r.org, r.oldName),
					ts.checkWriteOrder(r.writes, r.why),
				),
			},
		},
	})
}

func TestAccRole_renameHeldRoleWithCreateBeforeDestroy(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Role_Rename")
	testRenameInUse(t, ts, renameInUse{
		org: "Role_Rename", kind: "role", oldName: "Release", name: "Release_Team",
		config: func(name, lifecycle string) string {
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
		},
		user: "rockit_user.lead", userAttr: "roles", userGone: []string{"user", "lead"},
		writes: "POST /be/v1/roles -> 200, PATCH /be/v1/users -> 200, DELETE /be/v1/roles/Release -> 200",
		why:    "the new role created, the user moved, the old role deleted, in that order",
	})
}

func TestAccDeployment_renameRegisteredDeploymentWithCreateBeforeDestroy(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Dep_Rename")
	testRenameInUse(t, ts, renameInUse{
		org: "Dep_Rename", kind: "deployment", oldName: "Origin_EU", name: "Origin_EU_2",
		config: func(name, lifecycle string) string {
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
		},
		user: "rockit_app.game", userAttr: "deployments", userGone: []string{"app", "Game_Ren"},
		writes: "POST /be/v1/deployments -> 200, PATCH /be/v1/apps -> 200, DELETE /be/v1/deployments/Origin_EU -> 200",
		why:    "the new deployment created, the app registered, the old deployment deleted, in that order",
	})
}
