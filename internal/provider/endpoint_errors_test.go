package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/testdns"
)

// An endpoint that cannot work as configured fails at the first request with what is wrong
// with it and the setting to check, without retries (issue 21 item 4). The name is under
// .invalid, which never resolves: no DNS query leaves the machine.
func TestAccEndpoint_unresolvableHostFailsAtOnce(t *testing.T) {
	resource.Test(t, unresolvableHostCase("edge.rockit.invalid"))
}

// The same with a real resolver's answer: a DNS server on the loopback answers "no such
// domain" for edge.rockit.test (no query leaves the machine). Not parallel: every client of
// the process resolves through it meanwhile.
func TestAccEndpoint_resolverSaysNoSuchHost(t *testing.T) {
	dns := testdns.Start(t)
	t.Cleanup(client.UseResolver(dns.Resolver()))
	resource.Test(t, unresolvableHostCase("edge.rockit.test"))
	if dns.Queries() == 0 {
		t.Error("no query reached the resolver's server: the error did not come from a resolver")
	}
}

// unresolvableHostCase plans a role read against https://<host>, which must fail at once
// saying that the host does not resolve.
func unresolvableHostCase(host string) resource.TestCase {
	return resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "rockit" {
  endpoint = "https://` + host + `"
  org_name = "Acme"
  username = "admin"
  password = "pw"
}
` + strings.Replace(twentyRoleReads, "count = 20", "count = 1", 1),
			PlanOnly: true,
			ExpectError: expectErrorParts(`the endpoint https://` + host + ` cannot be used as configured: the host name
"` + host + `" does not resolve; check the endpoint's spelling|Check ` + "`endpoint`" + ` (or ROCKIT_ENDPOINT): retrying
cannot help`),
		}},
	}
}
