package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func stringSet(ops ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ops))
	for i, op := range ops {
		checks[i] = knownvalue.StringExact(op)
	}
	return knownvalue.SetExact(checks)
}

// Both functions through the CLI: the documented example, zeros and empty sets, a round trip,
// and their use in a role.
func TestAccPermissionsFunctions_TF18(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Fn_Perms")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: prov + `
output "from_bits" {
  value = provider::rockit::permissions_from_bits({ apps = 15, tasks = 31, consumption = 2, trainings = 6, roles = 0 })
}

output "to_bits" {
  value = provider::rockit::permissions_to_bits({ apps = ["read", "update"], tasks = ["execute", "read"], keys = [] })
}

output "round_trip" {
  value = provider::rockit::permissions_to_bits(provider::rockit::permissions_from_bits({ beUsers = 3, subscriptions = 12 }))
}

resource "rockit_role" "ops" {
  name        = "Ops"
  permissions = provider::rockit::permissions_from_bits({ apps = 6, tasks = 20 })
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("from_bits", knownvalue.MapExact(map[string]knownvalue.Check{
					"apps":        stringSet("create", "read", "update", "delete"),
					"tasks":       stringSet("create", "read", "update", "delete", "execute"),
					"consumption": stringSet("read"),
					"trainings":   stringSet("read", "update"),
				})),
				statecheck.ExpectKnownOutputValue("to_bits", knownvalue.MapExact(map[string]knownvalue.Check{
					"apps":  knownvalue.Int64Exact(6),
					"tasks": knownvalue.Int64Exact(18),
					"keys":  knownvalue.Int64Exact(0),
				})),
				statecheck.ExpectKnownOutputValue("round_trip", knownvalue.MapExact(map[string]knownvalue.Check{
					"beUsers":       knownvalue.Int64Exact(3),
					"subscriptions": knownvalue.Int64Exact(12),
				})),
				statecheck.ExpectKnownValue("rockit_role.ops", tfjsonpath.New("permissions"), knownvalue.MapExact(map[string]knownvalue.Check{
					"apps":  stringSet("read", "update"),
					"tasks": stringSet("update", "execute"),
				})),
			},
		}},
	})
}

// Bad input fails at plan time with a function error naming the key and the rule.
func TestAccPermissionsFunctions_Errors_TF18(t *testing.T) {
	steps := []resource.TestStep{}
	for _, c := range []struct{ expr, want string }{
		{`permissions_from_bits({ app = 15 })`, `bits["app"]: unknown resource id "app" (did you mean "apps"?); the resource ids are apps, beUsers`},
		{`permissions_from_bits({ trainings = 16 })`, `bits["trainings"] = 16: execute not allowed on resource "trainings"; it allows read, update (at most 6)`},
		{`permissions_from_bits({ apps = 31 })`, `bits["apps"] = 31: execute not allowed on resource "apps"`},
		{`permissions_from_bits({ apps = 1.5 })`, `bits["apps"] = 1.5: a bitmask is a whole number from 0 to 15`},
		{`permissions_from_bits({ apps = -1 })`, `bits["apps"] = -1: a bitmask is a whole number from 0 to 15`},
		{`permissions_to_bits({ apps = ["execute"] })`, `permissions["apps"]: operation "execute" is not allowed on resource "apps"; it allows create, read, update, delete`},
		{`permissions_to_bits({ tasks = ["run"] })`, `permissions["tasks"]: unknown operation "run" on resource "tasks"`},
		{`permissions_to_bits({ users = ["read"] })`, `permissions["users"]: unknown resource id "users"`},
	} {
		steps = append(steps, resource.TestStep{
			Config:      `output "x" { value = provider::rockit::` + c.expr + ` }`,
			ExpectError: expectError(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}
