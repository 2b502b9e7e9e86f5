package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Issue 20: an uncertain outcome is settled by evidence, never by a guess.

// faultFront answers the chosen requests ("METHOD path", exact) with a 503 without passing
// them on (a proxy in front of the server), while on is set; every other request reaches the
// mock.
func faultFront(on *atomic.Bool, requests ...string) func(http.Handler) http.Handler {
	chosen := map[string]bool{}
	for _, r := range requests {
		chosen[r] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if on.Load() && chosen[r.Method+" "+r.URL.Path] {
				writeAPIError(w, http.StatusServiceUnavailable, "injected by the test: not passed on")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// pastClock is a mock clock that runs an hour behind while behind is set: objects seeded then
// existed long before the apply.
func pastClock(behind *atomic.Bool) func(*mockserver.Options) {
	return func(o *mockserver.Options) {
		o.Now = func() time.Time {
			if behind.Load() {
				return time.Now().Add(-time.Hour)
			}
			return time.Now()
		}
	}
}

// opsRole is the role every test here creates.
const opsRole = `
resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { apps = ["read"] }
}
`

// noDeletes fails when any DELETE reached the mock.
func (ts *testServer) noDeletes() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if d := ts.requestsMatching(http.MethodDelete, "/be/v1/"); len(d) > 0 {
			return fmt.Errorf("DELETEs sent: %s", describeRequests(d))
		}
		return nil
	}
}

// TestAccUnknownCreateOfSomeoneElsesRoleIsNeverDeleted: the role Ops existed before the apply
// (the plan-time check could not see it: the proxy failed the list read too). A proxy answers
// 503 to the create without passing it on, and max_retries = 0: the outcome is
// unknown and the resource is kept (tainted) with its evidence. The next apply reads it: it was
// created an hour before the request left, so it is someone else's: it leaves state with a
// warning, and is neither deleted nor replaced; the create that the plan then shows fails on
// the 409 with the import block (the apply saves the state without it, so that the import
// block can be used), and the next plan fails on the name being taken. (It used to be deleted
// and created again.)
func TestAccUnknownCreateOfSomeoneElsesRoleIsNeverDeleted(t *testing.T) {
	var fault, behind atomic.Bool
	fault.Store(true)
	behind.Store(true)
	ts := newTestServerBehind(t, faultFront(&fault, "POST /be/v1/roles", "GET /be/v1/roles"), pastClock(&behind))
	p := ts.orgProvider(t, "Elses")
	ts.SeedRole("Elses", "Ops", map[string]int{"apps": 2}) // the very permissions the configuration asks for
	behind.Store(false)
	cfg := p + opsRole
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`The role "Ops" may have been created`),
			},
			{
				PreConfig:   func() { fault.Store(false) },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Role already exists.*import \{\s+to = rockit_role.<resource name>.*id = "Ops"`),
			},
			{
				// Nothing of it in state: the plan-time check reports the name taken.
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ExpectError:        regexp.MustCompile(`Role already exists|exists already`),
			},
		},
	})
	// The last state is empty (nothing to destroy, so no CheckDestroy runs) and the steps that
	// could delete expect errors (their Checks never run): asserted after the test.
	afterTest(t, ts.noDeletes(), ts.checkRole("Elses", "Ops", map[string]int{"apps": 2}))
}

// TestAccUnknownCreateOfAnOrganizationIsNeverKept: the organization existed before; the create
// gets a 503 that was not passed on, with no retry. An organization cannot be read, so nothing
// is kept in state: the next apply reports the name taken instead of deleting the organization
// (it used to be kept tainted, and the next apply sent DELETE /be/v1/orgs/Acme).
func TestAccUnknownCreateOfAnOrganizationIsNeverKept(t *testing.T) {
	var fault atomic.Bool
	fault.Store(true)
	ts := newTestServerBehind(t, faultFront(&fault, "POST /be/v1/orgs"))
	ts.SeedOrg("Acme", "admin")
	cfg := ts.adminProvider() + `
resource "rockit_organization" "o" {
  name                = "Acme"
  admin_username      = "admin"
  admin_email         = "admin@example.com"
  deletion_protection = false
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)POST /be/v1/orgs.*503`),
			},
			{
				PreConfig:   func() { fault.Store(false) },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Organization already exists.*"Acme"`),
			},
		},
	})
	afterTest(t, ts.noDeletes()) // nothing in state at the end: a CheckDestroy would not run
	if d := ts.requestsMatching(http.MethodDelete, "/be/v1/orgs"); len(d) > 0 {
		t.Errorf("the organization was deleted: %s", describeRequests(d))
	}
}

// TestAccUnknownCreateOfAbsentRoleIsCreatedAgain: the proxy answered 503 without passing the
// create on, so nothing exists. The next apply finds it absent: the role leaves state and is
// created (one POST), not replaced (no DELETE).
func TestAccUnknownCreateOfAbsentRoleIsCreatedAgain(t *testing.T) {
	var fault atomic.Bool
	fault.Store(true)
	ts := newTestServerBehind(t, faultFront(&fault, "POST /be/v1/roles"))
	cfg := ts.orgProvider(t, "Absent") + opsRole
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ExpectError: regexp.MustCompile(`The role "Ops" may have been created`)},
			{
				PreConfig: func() { fault.Store(false); ts.ResetRequests() },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_role.r", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(ts.checkWrites(`POST /be/v1/roles {"name":"Ops","permissions":{"apps":2}}`), ts.checkRole("Absent", "Ops", map[string]int{"apps": 2})),
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

// TestAccUnfinishedProofIsKeptWithItsEvidence: the create's answer is lost, the retry answers
// 409, and the GET that would prove the role ours fails: the outcome is unknown, not a failure.
// The role is kept (tainted) with its evidence, and the next apply adopts it without creating
// or deleting anything. (It used to be reported as a plain failure and left out of state; the
// next apply then failed with "already exists".)
func TestAccUnfinishedProofIsKeptWithItsEvidence(t *testing.T) {
	var failGet atomic.Bool
	failGet.Store(true)
	m := mockserver.New(mockserver.Options{AdminToken: testAdminToken})
	password := m.SeedOrg("Unfinished", "admin")
	lossy := losingAnswers(m, firstSuccessfulPost("/be/v1/roles"))
	url := httptestServer(t, faultFront(&failGet, "GET /be/v1/roles/Ops")(lossy))
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint         = %q
  org_name         = "Unfinished"
  username         = "admin"
  password         = %q
  max_retries      = 1
  collection_reads = false
}
`, url, password) + opsRole
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ExpectError: regexp.MustCompile(`(?s)The role "Ops" may have been created.*reading the existing object failed`)},
			{
				PreConfig: func() { failGet.Store(false); m.ResetRequests() },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_role.r", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if w := writeRequests(m.Requests()); len(w) > 0 {
						return fmt.Errorf("want the role adopted without a write, the mock received: %s", describeRequests(w))
					}
					return nil
				},
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

// TestAccTwoResourcesNamingOneRole: two rockit_role name "Dup_Team". One is created; the other's
// 409 is for a name this run created, so the error says that two resources name the same role
// and suggests no import (following that advice would put one role under two resources).
func TestAccTwoResourcesNamingOneRole(t *testing.T) {
	ts := newTestServer(t)
	cfg := ts.orgProvider(t, "Dup") + `
resource "rockit_role" "a" {
  name        = "Dup_Team"
  permissions = { apps = ["read"] }
}

resource "rockit_role" "b" {
  name        = "Dup_Team"
  permissions = { apps = ["read"] }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Two resources name the same role.*created in this run by another rockit_role.*Do not import it`),
		}},
	})
}

// TestProtoReadSettlesAnUnknownCreate: the Read of a role kept with the evidence of a create
// of unknown outcome settles it, at the protocol level where its warnings are visible: absent
// and someone else's leave state (the latter with a warning naming it and the import block);
// one created after the request left leaves state too, with a warning that the planned create
// adopts it, and that create adopts it without a POST. Nothing is deleted.
func TestProtoReadSettlesAnUnknownCreate(t *testing.T) {
	var behind atomic.Bool
	ts := newTestServer(t, pastClock(&behind))
	p := protoOrgServer(t, ts, "Settle")
	typ := p.resourceType("rockit_role")
	state := func(name string) *tfprotov6.DynamicValue {
		return protoDynamic(t, typ, map[string]any{"id": name, "name": name, "permissions": map[string]any{"apps": []any{"read"}}})
	}
	private := func(name string, sent time.Time) []byte {
		in := client.CreateRoleRequest{Name: name, Permissions: map[string]int{"apps": mockserver.PermRead}}
		body, _ := json.Marshal(in)
		ev, _ := json.Marshal(client.Evidence{Kind: "roles", Name: name, Fingerprint: client.Fingerprint(in), Body: body, Sent: sent})
		b, _ := json.Marshal(map[string][]byte{privateUnknownCreate: ev})
		return b
	}
	warnings := func(resp *tfprotov6.ReadResourceResponse) string {
		var w []string
		for _, d := range resp.Diagnostics {
			w = append(w, d.Summary+": "+d.Detail)
		}
		return strings.Join(w, "\n")
	}
	behind.Store(true)
	ts.SeedRole("Settle", "Elses", map[string]int{"apps": mockserver.PermRead})
	behind.Store(false)
	ts.SeedRole("Settle", "Ours", map[string]int{"apps": mockserver.PermRead})
	ts.ResetRequests()

	if resp := p.protoRead("rockit_role", state("Gone"), private("Gone", time.Now()), nil); !protoIsNull(t, typ, resp.NewState) {
		t.Errorf("absent: still in state; diagnostics: %s", warnings(resp))
	}
	resp := p.protoRead("rockit_role", state("Elses"), private("Elses", time.Now()), nil)
	if !protoIsNull(t, typ, resp.NewState) {
		t.Error("someone else's: still in state")
	}
	if w := warnings(resp); !expectError(`The role "Elses" exists, but not by this configuration's create: `+
		`The create of the role "Elses" had an unknown outcome`).MatchString(w) ||
		!strings.Contains(w, "import {\n  to = rockit_role.<resource name>  # the address shown with this message\n  id = \"Elses\"\n}") {
		t.Errorf("someone else's: warning\n%s", w)
	}
	resp = p.protoRead("rockit_role", state("Ours"), private("Ours", time.Now().Add(-10*time.Second)), nil)
	if w := warnings(resp); !protoIsNull(t, typ, resp.NewState) || !strings.Contains(w, `The role "Ours" will be adopted`) {
		t.Errorf("ours: state null = %v, warning\n%s", protoIsNull(t, typ, resp.NewState), w)
	}
	// The create the plan then shows adopts it: the journal holds the evidence (the
	// fingerprint of the same request), so a GET proves it and no POST is sent.
	created := p.protoCreate("rockit_role", map[string]any{"name": "Ours", "permissions": map[string]any{"apps": []any{"read"}}})
	if got := p.protoDecodeState("rockit_role", created.NewState); got["id"] != "Ours" {
		t.Errorf("adopted state: %v", got)
	}
	if w := writeRequests(ts.Requests()); len(w) > 0 {
		t.Errorf("want no write, the mock received: %s", describeRequests(w))
	}
}

// protoIsNull reports whether a state is null (the resource left state).
func protoIsNull(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) bool {
	t.Helper()
	if dv == nil {
		return true
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return v.IsNull()
}

// protoDelete applies the destroy of a resource from its state and private state, as
// `terraform destroy -refresh=false` does (no Read before), and returns the answer.
func (p *protoServer) protoDelete(typeName string, state *tfprotov6.DynamicValue, private []byte) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	null := protoDynamic(p.t, p.resourceType(typeName), nil)
	resp, err := p.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: state, PlannedState: null, Config: null, PlannedPrivate: private,
	})
	if err != nil {
		p.t.Fatalf("ApplyResourceChange: %v", err)
	}
	return resp
}

// TestProtoUnprovenObjectIsJudgedByItsFieldsToo: a role kept tainted after a create of unknown
// outcome asked for apps = read+update; the role of that name on the server was created after
// the request left, but with apps = read only. It is not this create's: Read removes it from
// state as someone else's (it used to say "will be adopted", judged by time only), and a
// destroy -refresh=false leaves it on the server with a warning (it used to delete it). The
// role whose fields match is deleted.
func TestProtoUnprovenObjectIsJudgedByItsFieldsToo(t *testing.T) {
	ts := newTestServer(t)
	p := protoOrgServer(t, ts, "Judge")
	typ := p.resourceType("rockit_role")
	state := func(name string) *tfprotov6.DynamicValue {
		return protoDynamic(t, typ, map[string]any{"id": name, "name": name, "permissions": map[string]any{"apps": []any{"read", "update"}}})
	}
	private := func(name string) []byte {
		in := client.CreateRoleRequest{Name: name, Permissions: map[string]int{"apps": mockserver.PermRead | mockserver.PermUpdate}}
		body, _ := json.Marshal(in)
		ev, _ := json.Marshal(client.Evidence{Kind: "roles", Name: name, Fingerprint: client.Fingerprint(in), Body: body,
			Sent: time.Now().Add(-10 * time.Second)})
		b, _ := json.Marshal(map[string][]byte{privateUnknownCreate: ev})
		return b
	}
	diagnostics := func(ds []*tfprotov6.Diagnostic) string {
		var w []string
		for _, d := range ds {
			w = append(w, d.Summary+": "+d.Detail)
		}
		return strings.Join(w, "\n")
	}
	ts.SeedRole("Judge", "Other", map[string]int{"apps": mockserver.PermRead})
	ts.SeedRole("Judge", "Mine", map[string]int{"apps": mockserver.PermRead | mockserver.PermUpdate})
	ts.ResetRequests()

	read := p.protoRead("rockit_role", state("Other"), private("Other"), nil)
	if w := diagnostics(read.Diagnostics); !protoIsNull(t, typ, read.NewState) ||
		!strings.Contains(w, `The role "Other" exists, but not by this configuration's create`) || !strings.Contains(w, "permissions.apps") {
		t.Errorf("read: state null = %v, diagnostics\n%s", protoIsNull(t, typ, read.NewState), w)
	}
	del := p.protoDelete("rockit_role", state("Other"), private("Other"))
	if w := diagnostics(del.Diagnostics); !strings.Contains(w, `The role "Other" was not deleted`) {
		t.Errorf("delete: diagnostics\n%s", w)
	}
	if d := ts.requestsMatching(http.MethodDelete, "/be/v1/"); len(d) > 0 {
		t.Errorf("someone else's role was deleted: %s", describeRequests(d))
	}
	del = p.protoDelete("rockit_role", state("Mine"), private("Mine"))
	protoNoErrors(t, "delete of the proven role", del.Diagnostics)
	if d := ts.requestsMatching(http.MethodDelete, "/be/v1/roles/Mine"); len(d) != 1 {
		t.Errorf("the proven role: %d DELETEs, want 1", len(d))
	}
}
