package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
	"github.com/rockitplay/terraform-provider-rockit/internal/permissions"
)

// chaosConfig manages 42 objects of every org-scoped type: 8 roles, 10 users, 6 machine
// users, 6 deployments, 6 apps registering them and 6 subscriptions.
const chaosConfig = `
provider "rockit" {
  endpoint    = %q
  org_name    = "Chaos"
  username    = "admin"
  password    = %q
  max_retries = 12
}

locals {
  ops = [["read"], ["read", "update"], ["create", "read", "update", "delete"]]
}

resource "rockit_role" "r" {
  count = 8
  name  = "Role_${count.index}"
  permissions = {
    apps  = local.ops[count.index %% 3]
    tasks = ["read", "execute"]
  }
}

resource "rockit_user" "u" {
  count     = 10
  username  = "user_${count.index}"
  email     = "user${count.index}@example.com"
  firstname = "First${count.index}"
  surname   = "Last${count.index}"
  roles     = [rockit_role.r[count.index %% 8].name, rockit_role.r[(count.index + 3) %% 8].name]
}

resource "rockit_machine_user" "m" {
  count    = 6
  username = "bot_${count.index}"
  label    = "Bot ${count.index}"
  roles    = [rockit_role.r[count.index].name]
}

resource "rockit_deployment" "d" {
  count = 6
  name  = "Origin_${count.index}"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "bucket-${count.index}"
    prefix            = "p${count.index}"
    access_key_id     = "AKIAEXAMPLE${count.index}"
    secret_access_key = "storage-secret-${count.index}"
  }
}

resource "rockit_app" "a" {
  count       = 6
  name        = "App_${count.index}"
  label       = "App ${count.index}"
  max_builds  = count.index + 1
  deployments = [rockit_deployment.d[count.index].name]
}

resource "rockit_subscription" "s" {
  count  = 6
  name   = "Hook_${count.index}"
  type   = "webhook"
  url    = "https://hooks.example.com/${count.index}"
  events = [{ type = "deploy", event = "end" }]
}
`

// chaosObjects is the number of objects chaosConfig manages.
const chaosObjects = 8 + 10 + 6 + 6 + 6 + 6

// TestAccChaos applies 42 objects against a mock that fails 20% of the requests (500/502/503),
// loses the answer to 20% of the successful POSTs after creating the object, rate-limits with
// 429 + Retry-After and issues auth tokens that live 3 seconds. The apply must succeed, state
// and the mock's store must agree object for object, a re-plan must be empty, and destroy must
// leave the organization empty. It runs against both authentication generations: on a 2026
// mock the access tokens live 3 seconds and are renewed through rotating refresh tokens, which
// meet the same faults (a refresh whose answer is lost or refused is never presented again:
// the provider logs in once more).
func TestAccChaos(t *testing.T) {
	forEachAuthScheme(t, testChaos)
}

func testChaos(t *testing.T) {
	t.Parallel()
	start := time.Now() // after the wait for a parallel slot: the run time of this test alone
	scheme, _ := schemeOfTest.Load(t)
	m := mockserver.New(mockserver.Options{
		AdminToken:    testAdminToken,
		AuthScheme:    scheme.(string),
		AuthTokenTTL:  3 * time.Second,
		FailRate:      0.2,
		LoseResponses: 0.2,
		// A password is sent at most twice without an answer saying whether it is right (issue
		// 30): two lost login answers in a row end a run by design (TestCredentialBudgetCountsLostAnswers).
		SparePasswordLogins: true,
		RateLimit:           40,
		// Terraform's parallel operations arrive in bursts: a bucket of 8 (Terraform runs 10 at once) makes the limit
		// bite on every run, however slowly a loaded machine sends on average.
		RateBurst: 8,
		Seed:      20261127,
	})
	hs := httptestServer(t, m)
	password := m.SeedOrg("Chaos", "admin")
	inspector, err := client.New(client.Config{Endpoint: hs, OrgName: "Chaos", Username: "admin", Password: password, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			m.PauseFaults(true)
			defer m.PauseFaults(false)
			return checkOrgEmpty(inspector)
		},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(chaosConfig, hs, password),
			Check: func(s *terraform.State) error {
				m.PauseFaults(true)
				defer m.PauseFaults(false)
				return checkStateMatchesStore(s, m, inspector)
			},
			// After the apply, the framework plans again and fails on a non-empty plan.
		}},
	})

	// What the run went through, from the mock's request log.
	injected := map[string]int{}
	var unauthorized, adoptions, auths, requests int
	for _, r := range m.Requests() {
		requests++
		if r.Fault != "" {
			injected[r.Fault]++
		}
		switch {
		case r.Status == http.StatusUnauthorized:
			unauthorized++
		case r.Method == http.MethodPost && r.Status == http.StatusConflict:
			adoptions++
		}
		// A token for org-scoped requests: 2025 /auth, 2026 /refresh or the organization login.
		if r.Method == http.MethodPost && r.Status == http.StatusOK &&
			(r.Path == "/be/v1/auth" || r.Path == "/be/v1/refresh" || (r.Path == "/be/v1/login" && r.Auth == "selection")) {
			auths++
		}
	}
	retries := injected[mockserver.FaultServerError] + injected[mockserver.FaultRateLimited] + injected[mockserver.FaultLostResponse] + unauthorized
	elapsed := time.Since(start)
	t.Logf("chaos: %d objects, %d requests in %v; injected faults: %d server errors, %d rate limited (429), %d lost POST answers; "+
		"%d re-authentications after a 401, %d auth (2026: access) tokens issued; retries observed: %d; creates adopted after a lost answer: %d",
		chaosObjects, requests, elapsed.Round(100*time.Millisecond), injected[mockserver.FaultServerError], injected[mockserver.FaultRateLimited],
		injected[mockserver.FaultLostResponse], unauthorized, auths, retries, adoptions)
	if t.Failed() {
		return
	}
	if injected[mockserver.FaultServerError] == 0 || injected[mockserver.FaultLostResponse] == 0 || injected[mockserver.FaultRateLimited] == 0 {
		t.Errorf("every kind of fault must have been injected: %v", injected)
	}
	if adoptions == 0 {
		t.Errorf("no create was adopted after a lost answer: the test did not exercise safe creates")
	}
	if auths < 3 {
		t.Errorf("only %d auth tokens were issued: with a 3 s lifetime the run must have renewed them", auths)
	}
	if elapsed > 3*time.Minute {
		t.Errorf("the chaos test took %v, more than 3 minutes", elapsed)
	}
}

// checkStateMatchesStore compares every object in state with the mock's store, both ways.
func checkStateMatchesStore(s *terraform.State, m *mockserver.Server, c *client.Client) error {
	ctx := context.Background()
	fromState := map[string]map[string]string{} // "type/name" -> normalized attributes
	for addr, rs := range s.RootModule().Resources {
		a := rs.Primary.Attributes
		key, attrs := "", map[string]string{}
		switch rs.Type {
		case "rockit_role":
			key = "role/" + a["name"]
			attrs["permissions"] = statePermissions(a)
		case "rockit_user":
			key = "user/" + a["username"]
			attrs["email"], attrs["firstname"], attrs["surname"] = a["email"], a["firstname"], a["surname"]
			attrs["roles"] = stateSet(a, "roles")
			if pw, _ := m.UserPassword("Chaos", a["username"]); pw != a["initial_password"] || pw == "" {
				return fmt.Errorf("%s: initial_password in state does not log in (state %q, the mock holds another)", addr, a["initial_password"][:min(4, len(a["initial_password"]))])
			}
		case "rockit_machine_user":
			key = "machine/" + a["username"]
			attrs["label"], attrs["roles"] = a["label"], stateSet(a, "roles")
			if k, _ := m.UserAPIKey("Chaos", a["username"]); k != a["api_key"] || k == "" {
				return fmt.Errorf("%s: api_key in state is not the machine user's key", addr)
			}
		case "rockit_deployment":
			key = "deployment/" + a["name"]
			for _, f := range []string{"endpoint", "bucket", "prefix", "access_key_id"} {
				attrs[f] = a["origin."+f]
			}
		case "rockit_app":
			key = "app/" + a["name"]
			attrs["label"], attrs["max_builds"], attrs["deployments"] = a["label"], a["max_builds"], stateSet(a, "deployments")
		case "rockit_subscription":
			key = "subscription/" + a["name"]
			attrs["type"], attrs["url"] = a["type"], a["url"]
			if a["secret"] == "" {
				return fmt.Errorf("%s: no secret in state", addr)
			}
		default:
			continue
		}
		if _, dup := fromState[key]; dup {
			return fmt.Errorf("%s is in state twice", key)
		}
		fromState[key] = attrs
	}
	if len(fromState) != chaosObjects {
		return fmt.Errorf("state holds %d objects, want %d", len(fromState), chaosObjects)
	}

	fromStore := map[string]map[string]string{}
	add := func(key string, attrs map[string]string) error {
		if _, dup := fromStore[key]; dup {
			return fmt.Errorf("%s exists twice on the server", key)
		}
		fromStore[key] = attrs
		return nil
	}
	roles, err := c.ListRoles(ctx)
	if err != nil {
		return err
	}
	for _, r := range roles {
		if r.Name == "Administrators" {
			continue
		}
		if err := add("role/"+r.Name, map[string]string{"permissions": apiPermissions(r.Permissions)}); err != nil {
			return err
		}
	}
	users, err := c.ListUsers(ctx, client.ListUsersOptions{})
	if err != nil {
		return err
	}
	for _, u := range users {
		roles := append([]string(nil), u.Roles...)
		sort.Strings(roles)
		switch {
		case u.Username == "admin":
			continue
		case u.Type == client.UserTypeMachine:
			err = add("machine/"+u.Username, map[string]string{"label": u.Label, "roles": strings.Join(roles, ",")})
		default:
			err = add("user/"+u.Username, map[string]string{"email": u.Email, "firstname": u.Firstname, "surname": u.Surname, "roles": strings.Join(roles, ",")})
		}
		if err != nil {
			return err
		}
	}
	deps, err := c.ListDeployments(ctx)
	if err != nil {
		return err
	}
	for _, d := range deps {
		if err := add("deployment/"+d.Name, map[string]string{"endpoint": d.Origin.Endpoint, "bucket": d.Origin.Bucket, "prefix": d.Origin.Prefix, "access_key_id": d.Origin.AccessKeyID}); err != nil {
			return err
		}
	}
	apps, err := c.ListApps(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		ds := append([]string(nil), a.Deployments...)
		sort.Strings(ds)
		if err := add("app/"+a.Name, map[string]string{"label": a.Label, "max_builds": strconv.FormatInt(a.MaxBuilds, 10), "deployments": strings.Join(ds, ",")}); err != nil {
			return err
		}
	}
	subs, err := c.ListSubscriptions(ctx)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if err := add("subscription/"+sub.Name, map[string]string{"type": sub.Type, "url": sub.URL}); err != nil {
			return err
		}
	}

	var problems []string
	for key, want := range fromState {
		got, ok := fromStore[key]
		if !ok {
			problems = append(problems, key+": in state, not on the server")
			continue
		}
		for f, v := range want {
			if got[f] != v {
				problems = append(problems, fmt.Sprintf("%s: %s is %q in state, %q on the server", key, f, v, got[f]))
			}
		}
	}
	for key := range fromStore {
		if _, ok := fromState[key]; !ok {
			problems = append(problems, key+": on the server, not in state")
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return fmt.Errorf("state and server disagree:\n%s", strings.Join(problems, "\n"))
	}
	return nil
}

// checkOrgEmpty fails unless only the built-in role and the administrator remain.
func checkOrgEmpty(c *client.Client) error {
	ctx := context.Background()
	var left []string
	roles, err := c.ListRoles(ctx)
	if err != nil {
		return err
	}
	for _, r := range roles {
		if r.Name != "Administrators" {
			left = append(left, "role "+r.Name)
		}
	}
	users, err := c.ListUsers(ctx, client.ListUsersOptions{})
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Username != "admin" {
			left = append(left, "user "+u.Username)
		}
	}
	apps, err := c.ListApps(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		left = append(left, "app "+a.Name)
	}
	deps, err := c.ListDeployments(ctx)
	if err != nil {
		return err
	}
	for _, d := range deps {
		left = append(left, "deployment "+d.Name)
	}
	subs, err := c.ListSubscriptions(ctx)
	if err != nil {
		return err
	}
	for _, s := range subs {
		left = append(left, "subscription "+s.Name)
	}
	if len(left) > 0 {
		return fmt.Errorf("destroy left %d objects: %s", len(left), strings.Join(left, ", "))
	}
	return nil
}

// stateSet returns the elements of a set of strings in flatmap state, sorted and joined.
func stateSet(a map[string]string, name string) string {
	n, _ := strconv.Atoi(a[name+".#"])
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, a[fmt.Sprintf("%s.%d", name, i)])
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// statePermissions renders a role's permissions from state as "resource=bits" pairs.
func statePermissions(a map[string]string) string {
	bits := map[string]int{}
	for k := range a {
		rest, ok := strings.CutPrefix(k, "permissions.")
		if !ok || !strings.HasSuffix(rest, ".#") {
			continue
		}
		res := strings.TrimSuffix(rest, ".#")
		ops := strings.Split(stateSet(a, "permissions."+res), ",")
		bits[res] = permissions.ToBits(ops)
	}
	return apiPermissions(bits)
}

// apiPermissions renders a permissions map as sorted "resource=bits" pairs, zeros left out.
func apiPermissions(p map[string]int) string {
	var out []string
	for res, b := range p {
		if b != 0 {
			out = append(out, fmt.Sprintf("%s=%d", res, b))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestAccOrganizationLostCreateAnswer: the answer to creating an organization is lost after
// the organization was made; the retry answers 409. The API cannot read organizations and the
// initial password is gone, so the apply fails and says what to do.
func TestAccOrganizationLostCreateAnswer(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: testAdminToken, LoseResponses: 1, Seed: 1})
	url := httptestServer(t, m)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  admin_token = %q
}

resource "rockit_organization" "o" {
  name = "Lost"
}
`, url, testAdminToken),
			ExpectError: expectError(`the retry answered that it exists already (POST /be/v1/orgs: HTTP 409: organization 'Lost' already exists); ` +
				`it may have been created by the lost attempt, but it is not adopted: the API cannot read organizations to confirm it is ` +
				`this request's, and the administrator's initial password travelled only in the lost answer. ` +
				`The organization "Lost" probably exists now, but nobody can log in to it: its administrator's initial password ` +
				`travelled only in the answer that was lost, and the API cannot read an organization to prove that it is the one ` +
				`this apply created. It is not kept in state. Recover in one of two ways. ` +
				`Keep it, if its administrator can get in without that password (a host that e-mails an invitation to admin_email): ` +
				`import it with this block, then apply: import { to = rockit_organization.<resource name> id = "Lost" } ` +
				`Or delete it and apply again, which creates it anew with a new password. Check first that nobody else created an ` +
				`organization of that name: the delete removes all of its data and cannot be undone. With the administrator token ` +
				`(the provider's admin_token) in ROCKIT_ADMIN_TOKEN: ` +
				`curl -X DELETE -H "x-rockit-beauth-token: $ROCKIT_ADMIN_TOKEN" "` + url + `/be/v1/orgs/Lost?prune=false" ` +
				`prune=false leaves the files already published to the organization's deployment origins where they are; ` +
				`prune=true removes them too. An organization that was just created has published nothing, so both delete the same.`),
		}},
	})
	var posts []string
	for _, r := range m.Requests() {
		if r.Method == http.MethodPost {
			posts = append(posts, fmt.Sprintf("%d/%s", r.Status, r.Fault))
		}
	}
	if strings.Join(posts, " ") != "200/lost_response 409/" {
		t.Errorf("POST /be/v1/orgs attempts = %v, want the lost one and the 409", posts)
	}
	if !m.OrgExists("Lost") {
		t.Error("the organization should exist on the server")
	}
}

// TestAccCreatesAdoptedAfterLostAnswers: the first create answer of each type is lost after
// the object was made. Each resource adopts its own object; the user and the machine user come
// out with working credentials (reset after adoption) and the subscription with a secret.
func TestAccCreatesAdoptedAfterLostAnswers(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: testAdminToken})
	password := m.SeedOrg("Adopt", "admin")
	url := losingFirstAnswers(t, m, "/be/v1/roles", "/be/v1/users", "/be/v1/apps", "/be/v1/deployments", "/be/v1/subscriptions")
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint = %q
  org_name = "Adopt"
  username = "admin"
  password = %q
}

resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { apps = ["read"] }
}

resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Liddell"
  roles     = [rockit_role.r.name]
}

resource "rockit_machine_user" "m" {
  username   = "ci_bot"
  label      = "CI"
  depends_on = [rockit_user.u] # one lost users answer each, in turn
}

resource "rockit_deployment" "d" {
  name = "Origin_EU"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "builds"
    access_key_id     = "AKIAEXAMPLE"
    secret_access_key = "s3cret"
  }
}

resource "rockit_app" "a" {
  name        = "Game"
  label       = "Game"
  deployments = [rockit_deployment.d.name]
}

resource "rockit_subscription" "s" {
  name = "hook"
  type = "webhook"
  url  = "https://hooks.example.com/x"
}
`, url, password)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				// Working credentials: the ones the server holds after the reset.
				expectIssued("rockit_user.u", "initial_password", func() (string, bool) { return m.UserPassword("Adopt", "alice") }),
				expectIssued("rockit_machine_user.m", "api_key", func() (string, bool) { return m.UserAPIKey("Adopt", "ci_bot") }),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("rockit_role.r", "permissions.apps.#", "1"),
				resource.TestCheckResourceAttr("rockit_app.a", "deployments.#", "1"),
				resource.TestCheckResourceAttrSet("rockit_subscription.s", "secret"),
				func(*terraform.State) error {
					// Every create was answered 409 once: the proof that each was adopted.
					conflicts := map[string]int{}
					for _, r := range m.Requests() {
						if r.Method == http.MethodPost && r.Status == http.StatusConflict {
							conflicts[r.Path]++
						}
					}
					for _, p := range []string{"/be/v1/roles", "/be/v1/users", "/be/v1/apps", "/be/v1/deployments", "/be/v1/subscriptions"} {
						if conflicts[p] != 1 {
							return fmt.Errorf("POST %s answered 409 %d times, want once (the retry after the lost answer)", p, conflicts[p])
						}
					}
					return nil
				},
			),
		}},
	})
}

// maybeCreatedErrors matches the five errors of TestAccCreateWithoutAnswerIsKeptTainted, in the
// order of its configuration: each names its object, the POST that lost its answer, that it is
// kept tainted, and the import block of its type.
var maybeCreatedErrors = func() *regexp.Regexp {
	var parts []string
	for _, c := range []struct{ kind, name, post, typ string }{
		{"role", "Ops", "/be/v1/roles", "rockit_role"},
		{"user", "alice", "/be/v1/users", "rockit_user"},
		{"machine user", "ci_bot", "/be/v1/users", "rockit_machine_user"},
		{"deployment", "Origin_EU", "/be/v1/deployments", "rockit_deployment"},
		{"subscription", "hook", "/be/v1/subscriptions", "rockit_subscription"},
	} {
		parts = append(parts, fmt.Sprintf(`The %s "%s" may have been created.*?POST %s failed after 1 attempt over .*?`+
			`may exist on the server now. It is kept in\s+state\s+as\s+tainted.*?import \{\s+to = %s.<resource name>.*?id = "%s"\s+\}`,
			regexp.QuoteMeta(c.kind), c.name, regexp.QuoteMeta(c.post), c.typ, c.name))
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*?"))
}()

// TestAccCreateWithoutAnswerIsKeptTainted: every create is sent and carried out, but its answer
// is lost and max_retries = 0 allows no retry, so the outcome is unknown. Each resource but
// the app (proven and registered in the same apply, issue 27 item 5) says that it may have
// been created, with the import block, and is kept in state (tainted) with
// its evidence. The next plan settles each by that evidence: created after the request left,
// so the object leaves state and the create the plan shows adopts it, proven equal, without a
// POST or a DELETE (it used to be replaced: deleted and created again). State then matches the
// server and a re-plan is empty.
func TestAccCreateWithoutAnswerIsKeptTainted(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: testAdminToken})
	password := m.SeedOrg("Unknown", "admin")
	var lose atomic.Bool
	lose.Store(true)
	// Carried out, answer lost.
	url := httptestServer(t, losingAnswers(m, func(r *http.Request, status int) bool {
		return lose.Load() && r.Method == http.MethodPost && status < 300 && r.URL.Path != "/be/v1/login" && r.URL.Path != "/be/v1/auth"
	}))
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Unknown"
  username    = "admin"
  password    = %q
  max_retries = 0
}

resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { apps = ["read"] }
}

resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Liddell"
}

resource "rockit_machine_user" "m" {
  username = "ci_bot"
  label    = "CI"
}

resource "rockit_deployment" "d" {
  name = "Origin_EU"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "builds"
    access_key_id     = "AKIAEXAMPLE"
    secret_access_key = "s3cret"
  }
}

resource "rockit_app" "a" {
  name  = "Game"
  label = "Game"
}

resource "rockit_subscription" "s" {
  name = "hook"
  type = "webhook"
  url  = "https://hooks.example.com/x"
}
`, url, password)
	addresses := []string{"rockit_role.r", "rockit_user.u", "rockit_machine_user.m", "rockit_deployment.d", "rockit_subscription.s"}
	createAll := make([]plancheck.PlanCheck, 0, len(addresses)+1)
	for _, a := range addresses {
		createAll = append(createAll, plancheck.ExpectResourceAction(a, plancheck.ResourceActionCreate))
	}
	// An app is settled in the apply whose answer was lost (issue 27 item 5: never left
	// published to every deployment): proven by its read, registered and kept, not tainted.
	createAll = append(createAll, plancheck.ExpectResourceAction("rockit_app.a", plancheck.ResourceActionNoop))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Every resource but the app fails so, each with its own error: Terraform prints
				// them in the order of the configuration (sorted by source), so one pattern names
				// all five.
				Config:      cfg,
				ExpectError: maybeCreatedErrors,
			},
			{
				PreConfig:        func() { lose.Store(false); m.ResetRequests() },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: createAll},
				Check: func(*terraform.State) error {
					for _, r := range m.Requests() {
						if r.Status == http.StatusConflict {
							return fmt.Errorf("%s %s answered 409: the object of the lost create was not in state", r.Method, r.Path)
						}
						resubscribe := r.Path == "/be/v1/subscriptions" || r.Path == "/be/v1/subscriptions/hook"
						if !resubscribe && (r.Method == http.MethodDelete || (r.Method == http.MethodPost && !authPaths[r.Path])) {
							// (A user's adoption resets its credentials with a PATCH; a
							// subscription's secret travels only in a create's answer, so the
							// adopted subscription is unsubscribed and subscribed again.)
							return fmt.Errorf("%s %s: the objects of the lost creates are adopted, never deleted or created again", r.Method, r.Path)
						}
					}
					return nil
				},
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

// TestAccNeverAnsweringServerSaysWhatHappened: against a server that never answers, the error
// names the attempts, the time they took and the last answer, and the settings that bound them,
// instead of a bare "context deadline exceeded".
func TestAccNeverAnsweringServerSaysWhatHappened(t *testing.T) {
	var requests atomic.Int32
	url := httptestServer(t, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/be/v1/roles/Ops" { // not the list page a lone read reads beside it
			requests.Add(1)
		}
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "rockit" {
  endpoint        = %q
  org_name        = "Acme"
  username        = "ci_bot"
  api_key         = "key"
  request_timeout = "200ms"
  max_retries     = 1
}

data "rockit_role" "ops" {
  name = "Ops"
}
`, url),
			ExpectError: regexp.MustCompile(`(?s)GET /be/v1/roles/Ops failed after 2 attempts over [0-9.]+m?s\s+\(no retry left,\s+max_retries = 1\);\s+last\s+answer:\s+GET /be/v1/roles/Ops:\s+no\s+answer\s+within\s+200ms\s+\(request\s+timeout\).*` +
				"`retry_max_elapsed`"),
		}},
	})
	if n := requests.Load(); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
}
