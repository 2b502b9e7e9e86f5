package provider

import (
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// newTLSTestServer serves a mock over HTTPS with httptest's self-signed certificate and
// returns it with the certificate as PEM.
func newTLSTestServer(t *testing.T) (*testServer, string) {
	t.Helper()
	m := mockserver.New(mockserver.Options{AdminToken: testAdminToken})
	hs := httptest.NewTLSServer(m)
	t.Cleanup(hs.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}))
	return &testServer{Server: m, URL: hs.URL}, caPEM
}

func tlsOrgConfig(ts *testServer, extra string) string {
	return fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  admin_token = %q
  max_retries = 2
%s
}

resource "rockit_organization" "o" {
  name = "TLSOrg"
}
`, ts.URL, testAdminToken, extra)
}

func TestAccTLSUntrustedCertificateFails(t *testing.T) {
	ts, _ := newTLSTestServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// The error says what failed and what to do.
			Config: tlsOrgConfig(ts, ""),
			ExpectError: expectError("x509: certificate signed by unknown authority The ROCKIT Edge host's TLS certificate is not trusted. " +
				"For a host with its own certificate authority, set `ca_cert_pem` (or ROCKIT_CA_CERT_PEM)"),
		}},
	})
	if ts.OrgExists("TLSOrg") {
		t.Error("no organization may be created over an untrusted connection")
	}
	// The handshake fails before any request reaches the mock.
	ts.requireNoRequests(t, "a request over an untrusted connection")
}

func TestAccTLSWithCACertPEM(t *testing.T) {
	ts, caPEM := newTLSTestServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("organization", "", "TLSOrg"),
		Steps: []resource.TestStep{{
			Config: tlsOrgConfig(ts, fmt.Sprintf("  ca_cert_pem = <<-EOT\n%sEOT\n", caPEM)),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("rockit_organization.o", "id", "TLSOrg"),
				resource.TestCheckResourceAttrSet("rockit_organization.o", "admin_initial_password"),
				func(*terraform.State) error {
					if !ts.OrgExists("TLSOrg") {
						return fmt.Errorf("the mock has no organization TLSOrg")
					}
					return nil
				},
			),
		}},
	})
}

func TestAccTLSWithCACertPEMFromEnvironment(t *testing.T) {
	ts, caPEM := newTLSTestServer(t)
	t.Setenv(envCACertPEM, caPEM)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tlsOrgConfig(ts, ""),
			Check:  resource.TestCheckResourceAttr("rockit_organization.o", "id", "TLSOrg"),
		}},
	})
}

func TestAccTLSInsecureSkipVerify(t *testing.T) {
	ts, _ := newTLSTestServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tlsOrgConfig(ts, "  insecure_skip_verify = true\n"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("rockit_organization.o", "id", "TLSOrg"),
				func(*terraform.State) error {
					if reqs := ts.requestsMatching("POST", "/be/v1/orgs"); len(reqs) != 1 || reqs[0].Status != 200 {
						return fmt.Errorf("want one successful POST /be/v1/orgs over TLS, got %s", describeRequests(reqs))
					}
					return nil
				},
			),
		}},
	})
}
