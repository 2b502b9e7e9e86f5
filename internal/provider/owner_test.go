package provider

// Objects remember their organization and host (owner.go): a provider configuration that now
// points at another organization or host fails the plan before any request, naming both; back
// on the first one the plan is empty; state written before the key (0.3.0) reads with no
// change and no write.

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// ownerConfig is a role and a machine user holding it, under the provider block given.
func ownerConfig(providerBlock string) string {
	return providerBlock + `
resource "rockit_role" "r" {
  name = "Deployers"
}

resource "rockit_machine_user" "m" {
  username = "ci"
  label    = "CI"
  roles    = [rockit_role.r.name]
}
`
}

// With `provider "rockit" {}` and another organization's ROCKIT_ORG / ROCKIT_PASSWORD exported,
// the plan fails before any request, naming both organizations and the way to move; with the
// first organization's variables again, the plan is empty.
func TestAccOwner_EnvironmentSwitchedToAnotherOrganization(t *testing.T) {
	ts := newTestServer(t)
	pwA, pwB := ts.SeedOrg("Own_A", "admin"), ts.SeedOrg("Own_B", "admin")
	env := func(org, pw string) {
		t.Setenv(envOrgName, org)
		t.Setenv(envUsername, "admin")
		t.Setenv(envPassword, pw)
	}
	cfg := ownerConfig(fmt.Sprintf("provider \"rockit\" {\n  endpoint = %q\n}\n", ts.URL))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: func() { env("Own_A", pwA) }, Config: cfg},
			{
				PreConfig: func() { ts.ResetRequests(); env("Own_B", pwB) },
				Config:    cfg, PlanOnly: true,
				ExpectError: expectErrorParts(`belongs to the organization "Own_A"|` +
					`now points at the organization "Own_B"|terraform state rm`),
			},
			{
				PreConfig: func() { ts.expectNoRequestsSince(t, "the plan under another organization")(); env("Own_A", pwA) },
				Config:    cfg, PlanOnly: true,
			},
		},
	})
	if _, ok := ts.RolePermissions("Own_B", "Deployers"); ok {
		t.Error("the role was created in the other organization")
	}
}

// org_name changed in the block, then the endpoint (the same server under another address):
// each plan fails before any request, naming both organizations or both hosts; the original
// block plans empty.
func TestAccOwner_ProviderBlockSwitched(t *testing.T) {
	ts := newTestServer(t)
	pwA, pwB := ts.SeedOrg("Own_C", "admin"), ts.SeedOrg("Own_D", "admin")
	other := httptest.NewServer(ts.Server)
	t.Cleanup(other.Close)
	block := func(url, org, pw string) string {
		return ownerConfig(fmt.Sprintf("provider \"rockit\" {\n  endpoint = %q\n  org_name = %q\n  username = \"admin\"\n  password = %q\n}\n",
			url, org, pw))
	}
	host := func(url string) string { return strings.TrimPrefix(url, "http://") }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: block(ts.URL, "Own_C", pwA)},
			{
				PreConfig: ts.ResetRequests,
				Config:    block(ts.URL, "Own_D", pwB), PlanOnly: true,
				ExpectError: expectErrorParts(`belongs to the organization "Own_C"|now points at the organization "Own_D"`),
			},
			{
				PreConfig: ts.expectNoRequestsSince(t, "the plan with another org_name"),
				Config:    block(other.URL, "Own_C", pwA), PlanOnly: true,
				ExpectError: expectErrorParts(`belongs to the organization "Own_C" on the host ` + host(ts.URL) + `|` +
					`now points at the organization "Own_C" on the host ` + host(other.URL)),
			},
			{
				PreConfig: ts.expectNoRequestsSince(t, "the plan with another endpoint"),
				Config:    block(ts.URL, "Own_C", pwA), PlanOnly: true,
			},
		},
	})
}

// State written by 0.3.0 has no owner key: its Read answers the same object with the key
// recorded, with no write, and the plan of it is empty.
func TestProtoOwner_StateWithoutKeyIsUpgraded(t *testing.T) {
	ts := newTestServer(t)
	p := protoOrgServer(t, ts, "Own_Up")
	created := p.protoCreate("rockit_role", map[string]any{"name": "Ro"})
	old := withoutPrivateKey(t, created.Private, privateOwner)
	ts.ResetRequests()
	read := p.protoRead("rockit_role", created.NewState, old, nil)
	if w := writeRequests(ts.Requests()); len(w) > 0 {
		t.Errorf("the Read of 0.3.0 state wrote: %s", describeRequests(w))
	}
	if got, want := p.protoDecodeState("rockit_role", read.NewState), p.protoDecodeState("rockit_role", created.NewState); !reflect.DeepEqual(got, want) {
		t.Errorf("state after the upgrade = %v, want %v", got, want)
	}
	var keys map[string][]byte
	if err := json.Unmarshal(read.Private, &keys); err != nil || !strings.Contains(string(keys[privateOwner]), `"org":"Own_Up"`) {
		t.Errorf("private state after the upgrade = %s, want the owner recorded", read.Private)
	}
	typ := p.resourceType("rockit_role")
	cfg := protoDynamic(t, typ, map[string]any{"name": "Ro"})
	plan, err := p.srv.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: "rockit_role", PriorState: read.NewState, ProposedNewState: read.NewState, Config: cfg, PriorPrivate: read.Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	protoNoErrors(t, "PlanResourceChange", plan.Diagnostics)
	if got, want := p.protoDecodeState("rockit_role", plan.PlannedState), p.protoDecodeState("rockit_role", read.NewState); !reflect.DeepEqual(got, want) {
		t.Errorf("plan of the upgraded state = %v, want no change (%v)", got, want)
	}
}

// 0.3.0 state under Terraform 1.12+ carries an identity naming the organization: a provider
// configuration of another organization is refused by it, before any request.
func TestProtoOwner_StateWithoutKeyJudgedByIdentity(t *testing.T) {
	ts, created, q := roleUnderTwoOrgs(t, "Own_E", "Own_F")
	resp, err := q.srv.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: "rockit_role", CurrentState: created.NewState, Private: withoutPrivateKey(t, created.Private, privateOwner),
		CurrentIdentity: created.NewIdentity,
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs := protoErrors(resp.Diagnostics); !strings.Contains(errs, `belongs to the organization "Own_E"`) ||
		!strings.Contains(errs, `now points at the organization "Own_F"`) {
		t.Errorf("Read under another organization: errors %q, want both organizations named", errs)
	}
	ts.requireNoRequests(t, "the Read under another organization")
}

// withoutPrivateKey is private state (the framework's JSON object of keys) without key, as a
// release before the key wrote it.
func withoutPrivateKey(t *testing.T, private []byte, key string) []byte {
	t.Helper()
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(private, &keys); err != nil {
		t.Fatalf("private state %q: %v", private, err)
	}
	if _, ok := keys[key]; !ok {
		t.Fatalf("private state %s has no %s", private, key)
	}
	delete(keys, key)
	out, _ := json.Marshal(keys)
	return out
}

// The plan of an object in state checks the owner too, for plans whose Read did not run
// (-refresh=false, a destroy): under another organization it fails before any request.
func TestProtoOwner_PlanWithoutRefreshUnderAnotherOrganization(t *testing.T) {
	ts, created, q := roleUnderTwoOrgs(t, "Own_G", "Own_H")
	typ := q.resourceType("rockit_role")
	for _, tc := range []struct {
		what   string
		config map[string]any
	}{{"update", map[string]any{"name": "Ro", "permissions": map[string]any{"apps": []any{"read"}}}}, {"destroy", nil}} {
		cfg := protoDynamic(t, typ, tc.config)
		plan, err := q.srv.PlanResourceChange(t.Context(), &tfprotov6.PlanResourceChangeRequest{
			TypeName: "rockit_role", PriorState: created.NewState, ProposedNewState: cfg, Config: cfg, PriorPrivate: created.Private,
		})
		if err != nil {
			t.Fatal(err)
		}
		if errs := protoErrors(plan.Diagnostics); !strings.Contains(errs, `belongs to the organization "Own_G"`) {
			t.Errorf("%s planned under another organization: errors %q, want the owner's", tc.what, errs)
		}
	}
	ts.requireNoRequests(t, "the plans under another organization")
}

// A setting unknown while planning (the bootstrap alias fed from a rockit_organization) cannot
// be compared: the Read goes on as before.
func TestProtoOwner_UnknownSettingsPass(t *testing.T) {
	ts := newTestServer(t)
	pw := ts.SeedOrg("Own_I", "admin")
	cfg := map[string]any{"endpoint": ts.URL, "org_name": "Own_I", "username": "admin", "password": pw, "max_retries": int64(0)}
	p := protoNewServer(t, cfg)
	created := p.protoCreate("rockit_role", map[string]any{"name": "Ro"})
	cfg["org_name"] = protoUnknown
	q := protoNewServer(t, cfg)
	resp, err := q.srv.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: "rockit_role", CurrentState: created.NewState, Private: created.Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs := protoErrors(resp.Diagnostics); strings.Contains(errs, "belongs to") {
		t.Errorf("Read with an unknown org_name: %s, want no owner error", errs)
	}
}

// rockit_organization remembers its host: the endpoint of another host fails its Read.
func TestProtoOwner_OrganizationRemembersItsHost(t *testing.T) {
	ts := newTestServer(t)
	p := protoNewServer(t, map[string]any{"endpoint": ts.URL, "admin_token": testAdminToken})
	created := p.protoCreate("rockit_organization", map[string]any{"name": "Own_Host", "admin_username": "admin"})
	other := httptest.NewServer(ts.Server)
	t.Cleanup(other.Close)
	q := protoNewServer(t, map[string]any{"endpoint": other.URL, "admin_token": testAdminToken})
	resp, err := q.srv.ReadResource(t.Context(), &tfprotov6.ReadResourceRequest{
		TypeName: "rockit_organization", CurrentState: created.NewState, Private: created.Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs := protoErrors(resp.Diagnostics); !strings.Contains(errs, "belongs to the host "+strings.TrimPrefix(ts.URL, "http://")) ||
		!strings.Contains(errs, "now points at the host "+strings.TrimPrefix(other.URL, "http://")) {
		t.Errorf("Read of the organization under another endpoint: errors %q, want both hosts", errs)
	}
}

// roleUnderTwoOrgs creates the role Ro in the organization a and returns the mock (its request
// log reset), the create's answer, and a provider server configured for the organization b.
func roleUnderTwoOrgs(t *testing.T, a, b string) (*testServer, *tfprotov6.ApplyResourceChangeResponse, *protoServer) {
	t.Helper()
	ts := newTestServer(t)
	created := protoOrgServer(t, ts, a).protoCreate("rockit_role", map[string]any{"name": "Ro"})
	q := protoOrgServer(t, ts, b)
	ts.ResetRequests()
	return ts, created, q
}
