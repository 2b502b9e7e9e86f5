package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// userWithUnknownRole is a user holding the role Ghost, which no organization has.
const userWithUnknownRole = `
resource "rockit_user" "u" {
  username  = "dave"
  email     = "dave@example.com"
  firstname = "Dave"
  surname   = "D"
  roles     = ["Ghost"]
}
`

// ROCKIT_PLAN_CHECKS=false turns the plan checks off when the block does not set plan_checks:
// a role name that does not exist then passes the plan (the API refuses it at apply time); the block's
// plan_checks = true wins over the variable; a value that is not a boolean fails naming the
// variable, before any request. Not parallel: it sets the process environment.
func TestAccPlanChecks_offFromTheEnvironment(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "PC_Env")
	user := userWithUnknownRole
	t.Setenv(envPlanChecks, "false")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// The plan passes: nothing checks the role's name.
			{Config: prov + user, PlanOnly: true, ExpectNonEmptyPlan: true},
			// The apply reaches the API, which refuses it.
			{Config: prov + user, ExpectError: expectError(`HTTP 400: invalid parameter 'roles': role 'Ghost' does not exist`)},
			// The block wins over the variable.
			{Config: providerWith(prov, "plan_checks = true") + user, PlanOnly: true, ExpectError: expectError(`The role "Ghost" does not exist in the organization`)},
		},
	})

	t.Setenv(envPlanChecks, "sometimes")
	ts.ResetRequests()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      prov + user,
			PlanOnly:    true,
			ExpectError: expectError(`The environment variable ROCKIT_PLAN_CHECKS, read because plan_checks is not set, must be true or false (or 1 or 0), got "sometimes".`),
		}},
	})
	ts.requireNoRequests(t, "an invalid ROCKIT_PLAN_CHECKS")
}
