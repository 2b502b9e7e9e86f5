package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
	"github.com/rockitplay/terraform-provider-rockit/internal/tfcli"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the terraform CLI.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"rockit": providerserver.NewProtocol6WithError(New("test")()),
}

// testAdminToken is the administrator token every test's mock accepts.
const testAdminToken = "test-admin-token-5ec2e7"

// testServer is one test's own mock ROCKIT Edge, served in-process on a loopback port.
type testServer struct {
	*mockserver.Server
	URL string
	// scheme is the authentication generation the mock speaks (mockserver.AuthScheme2025/2026).
	scheme string
}

// newTestServer starts a mock for one test; it stops when the test ends. It speaks the
// generation that forEachAuthScheme chose for t (2025 otherwise), unless an option says.
func newTestServer(t *testing.T, opts ...func(*mockserver.Options)) *testServer {
	t.Helper()
	return newTestServerBehind(t, nil, opts...)
}

// newTestServerBehind is newTestServer with a handler of the test in front of the mock
// (front(mock) serves; nil: the mock itself).
func newTestServerBehind(t *testing.T, front func(mock http.Handler) http.Handler, opts ...func(*mockserver.Options)) *testServer {
	t.Helper()
	o := mockserver.Options{AdminToken: testAdminToken}
	if scheme, ok := schemeOfTest.Load(t); ok {
		o.AuthScheme = scheme.(string)
	}
	for _, f := range opts {
		f(&o)
	}
	m := mockserver.New(o)
	var h http.Handler = m
	if front != nil {
		h = front(m)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	scheme := o.AuthScheme
	if scheme == "" {
		scheme = mockserver.AuthScheme2025
	}
	return &testServer{Server: m, URL: hs.URL, scheme: scheme}
}

// withAuthScheme makes the mock speak one authentication generation.
func withAuthScheme(scheme string) func(*mockserver.Options) {
	return func(o *mockserver.Options) { o.AuthScheme = scheme }
}

// schemeOfTest holds the generation forEachAuthScheme chose for a subtest (*testing.T -> string).
var schemeOfTest sync.Map

// forEachAuthScheme runs test once per authentication generation, as subtests "2025" and
// "2026"; newTestServer(t) inside serves that generation and the provider blocks of
// adminProvider / orgProvider name it. The tests themselves stay the same.
func forEachAuthScheme(t *testing.T, test func(t *testing.T)) {
	t.Helper()
	for _, scheme := range []string{mockserver.AuthScheme2025, mockserver.AuthScheme2026} {
		t.Run(scheme, func(t *testing.T) {
			schemeOfTest.Store(t, scheme)
			t.Cleanup(func() { schemeOfTest.Delete(t) })
			test(t)
		})
	}
}

// schemeSetting is the auth_scheme line of the provider blocks: none against a 2025 mock (the
// default "auto" detects it), "2026" against a 2026 mock, so that the admin token travels as
// Bearer without the probe of "auto" (tested on its own in auth_scheme_test.go).
func (ts *testServer) schemeSetting() string {
	if ts.scheme == mockserver.AuthScheme2026 {
		return "\n  auth_scheme = \"2026\""
	}
	return ""
}

// adminProvider is a provider block with the endpoint and the admin token only.
func (ts *testServer) adminProvider() string {
	return fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  admin_token = %q
  max_retries = 0%s
}
`, ts.URL, testAdminToken, ts.schemeSetting())
}

// orgProvider seeds an organization with an administrator and returns a provider block that
// manages it as that administrator (password login), with the admin token too.
func (ts *testServer) orgProvider(t *testing.T, org string) string {
	t.Helper()
	pw := ts.SeedOrg(org, "admin")
	return fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  admin_token = %q
  org_name    = %q
  username    = "admin"
  password    = %q
  max_retries = 0%s
}
`, ts.URL, testAdminToken, org, pw, ts.schemeSetting())
}

// providerSchema returns the provider block's schema.
func providerSchema(t *testing.T) providerschema.Schema {
	t.Helper()
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("provider schema: %v", resp.Diagnostics)
	}
	return resp.Schema
}

// testCLI is the CLI the acceptance tests run (TF_ACC_TERRAFORM_PATH): Terraform or OpenTofu.
func testCLI(t *testing.T) tfcli.CLI {
	t.Helper()
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		t.Skip("acceptance test: run through scripts/with-terraform.sh (make test does), which sets TF_ACC_TERRAFORM_PATH")
	}
	c, err := tfcli.Detect(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
