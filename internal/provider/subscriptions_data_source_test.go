package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccSubscriptionsDataSource_paging(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "DS_Subs")
	for i := range 102 {
		ts.SeedSubscription("DS_Subs", fmt.Sprintf("Hook_%03d", i), fmt.Sprintf("https://hooks.example.com/%d", i))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: prov + `
resource "rockit_subscription" "mine" {
  name   = "Zz_Mine"
  type   = "webhook"
  url    = "https://ci.example.com/hook"
  events = [{ type = "dltar", event = "begin" }]
}

data "rockit_subscriptions" "all" {
  depends_on = [rockit_subscription.mine]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.rockit_subscriptions.all", tfjsonpath.New("subscriptions"), knownvalue.ListSizeExact(103)),
				statecheck.ExpectKnownValue("data.rockit_subscriptions.all", tfjsonpath.New("subscriptions"), knownvalue.ListPartial(map[int]knownvalue.Check{
					101: knownvalue.ObjectPartial(attrs{"url": knownvalue.StringExact("https://hooks.example.com/101")}),
					// Every attribute: no secret among them.
					102: knownvalue.ObjectExact(attrs{
						"name": knownvalue.StringExact("Zz_Mine"),
						"type": knownvalue.StringExact("webhook"),
						"url":  knownvalue.StringExact("https://ci.example.com/hook"),
						"events": knownvalue.SetExact([]knownvalue.Check{knownvalue.ObjectExact(attrs{
							"type": knownvalue.StringExact("dltar"), "event": knownvalue.StringExact("begin"),
						})}),
					}),
				})),
			},
			Check: ts.checkPaged("/be/v1/subscriptions"),
		}},
	})
}
