package provider

import (
	"regexp"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Issue 27 item 6: a role planned under one provider configuration and referenced under another
// of the same organization plans and applies (the shared plan book); a typo still fails. The
// second configuration is a second provider name only because of the in-process harness
// (twoProviderFactories): each is its own provider server and Client, as two aliases are two
// plugin processes under the CLI (internal/e2e has that case).
func TestAccPlanChecks_roleOfAnotherProviderConfiguration(t *testing.T) {
	ts := newTestServer(t)
	p := ts.orgProvider(t, "Two_Conf")
	second := strings.Replace(p, `provider "rockit"`, `provider "rockitb"`, 1)
	cfg := func(roles string) string {
		return p + second + `
resource "rockit_role" "deployers" {
  name = "Deployers"
}

resource "rockit_machine_user" "ci" {
  provider = rockitb
  username = "ci_two"
  label    = "CI"
  roles    = ` + roles + `
}
`
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: twoProviderFactories("rockitb"),
		Steps: []tfresource.TestStep{
			{
				Config:      cfg(`["Deployrs"]`),
				ExpectError: regexp.MustCompile(`No role "Deployrs"`),
			},
			{
				Config: cfg(`[rockit_role.deployers.name]`),
				Check:  tfresource.TestCheckResourceAttr("rockit_machine_user.ci", "roles.0", "Deployers"),
			},
		},
	})
}
