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

func subscriptionConfig(provider, body string) string {
	return provider + fmt.Sprintf(`
resource "rockit_subscription" "test" {
%s
}
`, body)
}

const subscriptionWebhook = `
  name = "Build_Hook"
  type = "webhook"
  url  = %q
  events = [
    { type = "deploy", event = "end" },
    { type = "mkraw", event = "error" },
  ]
`

func TestAccSubscription_lifecycle(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Sub_Life")
	// Enough other subscriptions that Read must page to find its own (sorted by name, it is
	// on the second page).
	for i := range 105 {
		ts.SeedSubscription("Sub_Life", fmt.Sprintf("A_Hook_%03d", i), "https://hooks.example.com/a")
	}
	cfg := subscriptionConfig(prov, fmt.Sprintf(subscriptionWebhook, "https://ci.example.com/rockit"))
	// The secret in state is the one the mock issued; a new subscription has a new one.
	issuedSecret := expectIssued("rockit_subscription.test", "secret", func() (string, bool) { return ts.SubscriptionSecret("Sub_Life", "Build_Hook") })
	secretRenewed := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// The import block step needs Terraform 1.5.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:           ts.checkGone("subscription", "Sub_Life", "Build_Hook"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_subscription.test", tfjsonpath.New("id"), knownvalue.StringExact("Build_Hook")),
					statecheck.ExpectKnownValue("rockit_subscription.test", tfjsonpath.New("events"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"type": knownvalue.StringExact("deploy"), "event": knownvalue.StringExact("end")}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"type": knownvalue.StringExact("mkraw"), "event": knownvalue.StringExact("error")}),
					})),
					issuedSecret,
					secretRenewed.AddStateValue("rockit_subscription.test", tfjsonpath.New("secret")),
				},
				Check: ts.checkBodies("POST", "/be/v1/subscriptions", `{"name":"Build_Hook","type":"webhook","url":"https://ci.example.com/rockit",
					"events":[{"type":"deploy","event":"end"},{"type":"mkraw","event":"error"}]}`),
			},
			// Re-plan: nothing to do; Read found the subscription on the list's second page, and
			// the secret stays sensitive.
			{
				PreConfig: ts.ResetRequests,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					plancheck.ExpectSensitiveValue("rockit_subscription.test", tfjsonpath.New("secret")),
				}},
				Check: func(*terraform.State) error {
					for _, r := range ts.requestsMatching("GET", "/be/v1/subscriptions") {
						if r.Query == "limit=100&offset=100&order%5B%5D=name" {
							return nil
						}
					}
					return fmt.Errorf("Read did not page to the second page: %s", describeRequests(ts.requestsMatching("GET", "/be/v1/subscriptions")))
				},
			},
			{
				ResourceName:            "rockit_subscription.test",
				ImportState:             true,
				ImportStateId:           "Build_Hook",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"secret"},
			},
			{
				ResourceName:    "rockit_subscription.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "Build_Hook",
			},
			// No modify endpoint: a new URL unsubscribes and subscribes again, with a new secret.
			{
				PreConfig: ts.ResetRequests,
				Config:    subscriptionConfig(prov, fmt.Sprintf(subscriptionWebhook, "https://ci.example.com/v2")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_subscription.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					issuedSecret,
					secretRenewed.AddStateValue("rockit_subscription.test", tfjsonpath.New("secret")),
				},
				Check: ts.checkWriteOrder("DELETE /be/v1/subscriptions/Build_Hook -> 200, POST /be/v1/subscriptions -> 200", "unsubscribe then subscribe"),
			},
			// Unsubscribed out of band: absent from the list, the next plan subscribes again.
			{
				PreConfig: func() { ts.RemoveSubscription("Sub_Life", "Build_Hook") },
				Config:    subscriptionConfig(prov, fmt.Sprintf(subscriptionWebhook, "https://ci.example.com/v2")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_subscription.test", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{issuedSecret},
			},
		},
	})
}

// Without events the subscription covers all events: none are sent, and none come back.
func TestAccSubscription_allEventsSlack(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Sub_All")
	cfg := subscriptionConfig(prov, `
  name = "Team_Chat"
  type = "slack"
  url  = "https://hooks.slack.com/services/T000/B000/XXXX"
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("subscription", "Sub_All", "Team_Chat"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_subscription.test", tfjsonpath.New("events"), knownvalue.Null()),
				},
				Check: ts.checkBodies("POST", "/be/v1/subscriptions",
					`{"name":"Team_Chat","type":"slack","url":"https://hooks.slack.com/services/T000/B000/XXXX"}`),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccSubscription_invalidInputRejectedAtPlan(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Sub_Bad")
	steps := []resource.TestStep{}
	for _, c := range []struct{ body, err string }{
		{"  name = \"Hook\"\n  type = \"email\"\n  url = \"https://x.example.com\"", `Attribute type value must be one of: ["webhook" "slack"]`},
		{"  name = \"Hook\"\n  type = \"webhook\"\n  url = \"http://x.example.com\"", "Attribute url must be an https URL"},
		{"  name = \"Hook\"\n  type = \"webhook\"\n  url = \"https://x.example.com\"\n  events = [{ type = \"build\", event = \"end\" }]", `value must be one of: ["dltar" "mkraw" "deploy"]`},
		{"  name = \"Hook\"\n  type = \"webhook\"\n  url = \"https://x.example.com\"\n  events = [{ type = \"dltar\", event = \"done\" }]", `value must be one of: ["submit" "begin" "end" "error"]`},
		{"  name = \"Hook\"\n  type = \"webhook\"\n  url = \"https://x.example.com\"\n  events = []", "Attribute events set must contain at least 1 elements"},
	} {
		steps = append(steps, resource.TestStep{Config: subscriptionConfig(prov, c.body), PlanOnly: true, ExpectError: expectError(c.err)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkNoRequests(),
		Steps:                    steps,
	})
}
