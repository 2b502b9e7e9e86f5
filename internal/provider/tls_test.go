package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// newTLSTestServer serves a mock over HTTPS with a certificate of its own certificate
// authority (made for the test: a CA certificate, and a server certificate for 127.0.0.1 that
// it signed, as an operator's private CA would) and returns it with the CA's certificate as PEM.
func newTLSTestServer(t *testing.T) (*testServer, string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Edge Operator CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "edge.test"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	m := mockserver.New(mockserver.Options{AdminToken: testAdminToken})
	hs := httptest.NewUnstartedServer(m)
	hs.TLS = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}}}
	hs.StartTLS()
	t.Cleanup(hs.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
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
			ExpectError: expectErrorParts("its TLS certificate is not trusted (POST /be/v1/orgs: Post|x509: certificate signed by unknown authority) " +
				"The ROCKIT Edge host's TLS certificate is not trusted. For a host with its own certificate authority, set `ca_cert_pem` (or ROCKIT_CA_CERT_PEM)"),
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

// The transport warns when credentials would travel unprotected, on every run (Configure runs
// for each plan and apply): plain http to another machine names what would be exposed;
// loopback (the mock, an SSH tunnel) stays quiet; insecure_skip_verify, from the block or
// ROCKIT_INSECURE_SKIP_VERIFY, warns too, and ca_cert_pem does not.
func TestProviderTransportWarnings(t *testing.T) {
	clearRockitEnv(t)
	_, caPEM := newTLSTestServer(t)
	exposed := "Anyone on the network path can read the administrator token, the passwords and API keys the provider logs in with"
	for _, c := range []struct {
		name   string
		cfg    map[string]any
		env    string
		want   string // "" = no warning
		wantAt string
	}{
		{"http to another host", map[string]any{"endpoint": "http://edge.example.com"}, "",
			"Unencrypted connection to the ROCKIT Edge host: The endpoint (`endpoint` or ROCKIT_ENDPOINT) is http://edge.example.com: " +
				"plain http to another machine. " + exposed, "endpoint"},
		{"http to a private address", map[string]any{"endpoint": "http://10.0.0.7:8080"}, "", "plain http to another machine", "endpoint"},
		{"http to 127.0.0.1", map[string]any{"endpoint": "http://127.0.0.1:8080"}, "", "", ""},
		{"http to localhost", map[string]any{"endpoint": "http://localhost:8080/edge"}, "", "", ""},
		{"http to ::1", map[string]any{"endpoint": "http://[::1]:8080"}, "", "", ""},
		{"https", map[string]any{"endpoint": "https://edge.example.com", "ca_cert_pem": caPEM}, "", "", ""},
		{"insecure_skip_verify", map[string]any{"endpoint": "https://edge.example.com", "insecure_skip_verify": true}, "",
			"TLS certificate verification is off: `insecure_skip_verify` (or ROCKIT_INSECURE_SKIP_VERIFY) is true: the provider does not " +
				"check who it talks to, so anyone on the network path can pose as edge.example.com and read the administrator token", "insecure_skip_verify"},
		{"ROCKIT_INSECURE_SKIP_VERIFY", map[string]any{"endpoint": "https://edge.example.com"}, "true",
			"TLS certificate verification is off", "insecure_skip_verify"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(envInsecure, c.env)
			var warnings []string
			for _, d := range protoNewServer(t, nil).protoConfigureDiags(c.cfg) {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					t.Fatalf("error: %s: %s", d.Summary, d.Detail)
				}
				warnings = append(warnings, fmt.Sprintf("%s: %s [at %v]", d.Summary, d.Detail, d.Attribute))
			}
			switch {
			case c.want == "" && len(warnings) > 0:
				t.Errorf("want no warning, got %q", warnings)
			case c.want != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], c.want) || !strings.Contains(warnings[0], fmt.Sprintf("AttributeName(%q)", c.wantAt))):
				t.Errorf("want one warning at %s containing %q, got %q", c.wantAt, c.want, warnings)
			}
		})
	}
}
