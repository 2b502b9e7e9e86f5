package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// The token the CLI gets from rockit_auth_token is one the mock issued and accepts on its own,
// sent as header and header_value say, with its expiry, organization and user, on both
// generations of the login (issue 21 item 9: a 2026 host returns an access token of a login of
// its own); nothing of the ephemeral resource is in state (only the test's echo resource, whose
// purpose is to show ephemeral data, holds the token).
func TestAccAuthTokenEphemeralResource_TF110(t *testing.T) {
	forEachAuthScheme(t, func(t *testing.T) {
		ts := newTestServer(t)
		prov := ts.orgProvider(t, "Eph_Token")
		header, auth := "x-rockit-beauth-token", "authToken"
		var scheme knownvalue.Check = knownvalue.Null()
		if ts.scheme == mockserver.AuthScheme2026 {
			header, scheme, auth = "Authorization", knownvalue.StringExact("Bearer"), "bearer"
		}
		data := func(key string) tfjsonpath.Path { return tfjsonpath.New("data").AtMapKey(key) }
		var token string
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
			ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
				"rockit": providerserver.NewProtocol6WithError(New("test")()),
				"echo":   echoprovider.NewProviderServer(),
			},
			Steps: []resource.TestStep{{
				Config: prov + `
ephemeral "rockit_auth_token" "ci" {}

provider "echo" {
  data = ephemeral.rockit_auth_token.ci
}

resource "echo" "token" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.token", data("token"), knownvalue.StringFunc(func(v string) error {
						token = v
						return nil
					})),
					statecheck.ExpectKnownValue("echo.token", data("header"), knownvalue.StringExact(header)),
					statecheck.ExpectKnownValue("echo.token", data("scheme"), scheme),
					statecheck.ExpectKnownValue("echo.token", data("auth_scheme"), knownvalue.StringExact(ts.scheme)),
					statecheck.ExpectKnownValue("echo.token", data("header_value"), knownvalue.StringFunc(func(v string) error {
						if want := strings.TrimSpace(strings.TrimPrefix(v, "Bearer")); want != token || token == "" {
							return fmt.Errorf("header_value %q does not carry the token", v)
						}
						// The token works against the mock on its own, as a CI step would send it.
						ts.ResetRequests()
						if status := callWithHeader(t, ts, header, v); status != http.StatusOK {
							return fmt.Errorf("the mock refused %s: %d", header, status)
						}
						if reqs := ts.Requests(); len(reqs) != 1 || reqs[0].Auth != auth {
							return fmt.Errorf("requests: %s, want one with %s", describeRequests(reqs), auth)
						}
						return nil
					})),
					statecheck.ExpectKnownValue("echo.token", data("expires_at"), knownvalue.StringFunc(func(v string) error {
						at, err := time.Parse(time.RFC3339, v)
						if err != nil {
							return err
						}
						if left := time.Until(at); left < 3*time.Minute || left > 5*time.Minute {
							return fmt.Errorf("expires_at %s is %s away, want about 5 minutes (the mock's token lifetime)", v, left)
						}
						return nil
					})),
					statecheck.ExpectKnownValue("echo.token", data("org_name"), knownvalue.StringExact("Eph_Token")),
					statecheck.ExpectKnownValue("echo.token", data("username"), knownvalue.StringExact("admin")),
				},
				Check: func(s *terraform.State) error {
					// Nothing of the ephemeral resource is in state: the echo resource is all there is.
					for addr := range s.RootModule().Resources {
						if addr != "echo.token" {
							return fmt.Errorf("unexpected %s in state", addr)
						}
					}
					return nil
				},
			}},
		})
	})
}

// callWithToken lists the tasks with a 2025 auth token, as a CI step would call the API.
func callWithToken(t *testing.T, ts *testServer, token string) int {
	t.Helper()
	return callWithHeader(t, ts, "x-rockit-beauth-token", token)
}

// callWithHeader lists the tasks with one header of credentials, as a CI step would call the API.
func callWithHeader(t *testing.T, ts *testServer, header, value string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/be/v1/tasks", nil)
	req.Header.Set(header, value)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// Renew extends the very token Terraform holds: the mock's token outlives its lifetime only
// because of it. Tested at the protocol level, as Terraform calls it only when RenewAt passes
// during a run. The mock's clock is moved by the test (no sleeps): a 60 s token is extended
// every 45 s, three times (135 s, more than twice the lifetime), then left to die.
func TestAccAuthTokenEphemeralResource_Renew(t *testing.T) {
	var ahead atomic.Int64 // how far the mock's clock is ahead of the real one
	ts := newTestServer(t, func(o *mockserver.Options) {
		o.AuthTokenTTL = time.Minute
		o.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	p := actionServer(t)
	p.configure(ts, "Eph_Renew")
	ctx := context.Background()
	open, err := p.srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "rockit_auth_token",
		Config:   protoDynamic(t, p.schemas.EphemeralResourceSchemas["rockit_auth_token"].ValueType(), map[string]any{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	protoNoErrors(t, "OpenEphemeralResource", open.Diagnostics)
	// Before the minute ends, by the renewal margin (6 s for a minute); 20 s for a slow machine.
	if left := time.Until(open.RenewAt); left > 54*time.Second || left < 34*time.Second {
		t.Fatalf("RenewAt in %v, want about 54 s: before the 60 s lifetime ends, by the renewal margin", left)
	}
	result, err := open.Result.Unmarshal(p.schemas.EphemeralResourceSchemas["rockit_auth_token"].ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]tftypes.Value
	if err := result.As(&fields); err != nil {
		t.Fatal(err)
	}
	var token string
	if err := fields["token"].As(&token); err != nil || token == "" {
		t.Fatalf("token %q: %v", token, err)
	}
	for i := range 3 {
		ahead.Add(int64(45 * time.Second))
		renew, err := p.srv.RenewEphemeralResource(ctx, &tfprotov6.RenewEphemeralResourceRequest{TypeName: "rockit_auth_token", Private: open.Private})
		if err != nil {
			t.Fatal(err)
		}
		protoNoErrors(t, fmt.Sprintf("RenewEphemeralResource %d", i), renew.Diagnostics)
		if !renew.RenewAt.After(time.Now()) {
			t.Fatalf("renewal %d: RenewAt %v", i, renew.RenewAt)
		}
	}
	if status := callWithToken(t, ts, token); status != http.StatusOK {
		t.Fatalf("the renewed token was refused: %d", status)
	}
	extensions := 0
	for _, r := range ts.requestsMatching("POST", "/be/v1/auth") {
		if r.Status == 200 {
			extensions++
		}
	}
	// The provider's own token is never needed here: one issue and three extensions.
	if extensions != 4 {
		t.Errorf("%d successful auth calls, want 4: %s", extensions, describeRequests(ts.Requests()))
	}
	// Without renewal the token dies.
	ahead.Add(int64(61 * time.Second))
	if status := callWithToken(t, ts, token); status != http.StatusUnauthorized {
		t.Fatalf("the token outlived its last extension: %d", status)
	}
}

// A machine user has no auth token: a clear error, no request.
func TestAccAuthTokenEphemeralResource_MachineUser(t *testing.T) {
	ts := newTestServer(t)
	p := actionServer(t)
	ts.SeedOrg("Eph_Machine", "admin")
	p.protoConfigure(map[string]any{"endpoint": ts.URL, "org_name": "Eph_Machine", "username": "ci", "api_key": "some-key", "max_retries": 0})
	open, err := p.srv.OpenEphemeralResource(context.Background(), &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "rockit_auth_token",
		Config:   protoDynamic(t, p.schemas.EphemeralResourceSchemas["rockit_auth_token"].ValueType(), map[string]any{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	msg := actionError(t, open.Diagnostics)
	for _, want := range []string{"Error obtaining an auth token", "machine user's API key", "needs a human backend user's `username` and `password`", "x-rockit-api-key"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if reqs := ts.Requests(); len(reqs) > 0 {
		t.Errorf("requests: %s", describeRequests(reqs))
	}
}
