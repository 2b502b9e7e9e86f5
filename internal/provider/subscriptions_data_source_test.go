package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
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
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.rockit_subscriptions.all", "subscriptions.#", "103"),
				resource.TestCheckResourceAttr("data.rockit_subscriptions.all", "subscriptions.101.url", "https://hooks.example.com/101"),
				resource.TestCheckResourceAttr("data.rockit_subscriptions.all", "subscriptions.102.name", "Zz_Mine"),
				resource.TestCheckResourceAttr("data.rockit_subscriptions.all", "subscriptions.102.events.#", "1"),
				resource.TestCheckResourceAttr("data.rockit_subscriptions.all", "subscriptions.102.events.0.type", "dltar"),
				resource.TestCheckNoResourceAttr("data.rockit_subscriptions.all", "subscriptions.102.secret"),
				ts.checkPaged("/be/v1/subscriptions"),
			),
		}},
	})
}
