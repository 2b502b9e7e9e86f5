package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// An endpoint that cannot work as configured fails at the first request with what is wrong
// with it and the setting to check, without retries (issue 21 item 4). The name is under
// .invalid, which never resolves: no DNS query leaves the machine.
func TestAccEndpoint_unresolvableHostFailsAtOnce(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "rockit" {
  endpoint = "https://edge.rockit.invalid"
  org_name = "Acme"
  username = "admin"
  password = "pw"
}
` + strings.Replace(twentyRoleReads, "count = 20", "count = 1", 1),
			PlanOnly: true,
			ExpectError: expectErrorParts(`the endpoint https://edge.rockit.invalid cannot be used as configured: the host name
"edge.rockit.invalid" does not resolve; check the endpoint's spelling|Check ` + "`endpoint`" + ` (or ROCKIT_ENDPOINT): retrying
cannot help`),
		}},
	})
}
