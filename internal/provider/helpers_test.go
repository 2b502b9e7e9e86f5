package provider

// The assertions the acceptance tests share, in one place: what the mock received (the wire),
// what the mock holds, what state holds, and the error texts. Setting up a test's mock and its
// provider blocks is in provider_test.go; the protocol-level drivers are in
// protocol_helpers_test.go and action_helpers_test.go.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// ---- The requests the mock received ----

// requestsMatching returns the logged requests with this method whose path starts with prefix
// ("" matches any method).
func (ts *testServer) requestsMatching(method, prefix string) []mockserver.RequestRecord {
	var out []mockserver.RequestRecord
	for _, r := range ts.Requests() {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// describeRequests lists requests as "METHOD path?query -> status" for error messages.
func describeRequests(reqs []mockserver.RequestRecord) string {
	parts := make([]string, 0, len(reqs))
	for _, r := range reqs {
		q := ""
		if r.Query != "" {
			q = "?" + r.Query
		}
		parts = append(parts, fmt.Sprintf("%s %s%s -> %d", r.Method, r.Path, q, r.Status))
	}
	return strings.Join(parts, ", ")
}

// authPaths are the login and token endpoints of both generations.
var authPaths = map[string]bool{"/be/v1/login": true, "/be/v1/auth": true, "/be/v1/refresh": true, "/be/v1/logout": true}

// writeRequests counts the requests that would change something (everything but GET), the
// login and token calls excluded.
func writeRequests(reqs []mockserver.RequestRecord) []mockserver.RequestRecord {
	var out []mockserver.RequestRecord
	for _, r := range reqs {
		if r.Method != "GET" && !authPaths[r.Path] {
			out = append(out, r)
		}
	}
	return out
}

// canonicalJSON re-encodes a body with sorted keys, so that bodies compare as text.
func canonicalJSON(b json.RawMessage) string {
	if len(b) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// authKinds counts the mock's requests by "path auth status".
func (ts *testServer) authKinds() map[string]int {
	out := map[string]int{}
	for _, r := range ts.Requests() {
		out[fmt.Sprintf("%s %s %d", r.Path, r.Auth, r.Status)]++
	}
	return out
}

// ---- Checks on the wire ----

// checkWrites asserts the write requests (all but GET, login and auth) the mock received
// since the log was last reset: "METHOD path body" each, in order.
func (ts *testServer) checkWrites(want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, r := range writeRequests(ts.Requests()) {
			got = append(got, strings.TrimSpace(fmt.Sprintf("%s %s %s", r.Method, r.Path, canonicalJSON(r.Body))))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			return fmt.Errorf("the mock received the writes\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		return nil
	}
}

// checkWriteOrder asserts the write requests since the log was last reset by method, path and
// status, in order ("POST /be/v1/roles -> 200, DELETE /be/v1/roles/x -> 200"); why says what
// the order means.
func (ts *testServer) checkWriteOrder(want, why string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := describeRequests(writeRequests(ts.Requests())); got != want {
			return fmt.Errorf("want %s; got %s", why, got)
		}
		return nil
	}
}

// checkBodies compares the bodies of the logged requests with this method and path (exactly)
// with want, as JSON values, in order.
func (ts *testServer) checkBodies(method, path string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, r := range ts.Requests() {
			if r.Method == method && r.Path == path {
				got = append(got, string(r.Body))
			}
		}
		if len(got) != len(want) {
			return fmt.Errorf("want %d %s %s requests with bodies %v, the mock received %d: %v", len(want), method, path, want, len(got), got)
		}
		for i := range want {
			var g, w any
			if err := json.Unmarshal([]byte(got[i]), &g); err != nil {
				return fmt.Errorf("body %d of %s %s is not JSON: %q", i, method, path, got[i])
			}
			if err := json.Unmarshal([]byte(want[i]), &w); err != nil {
				return fmt.Errorf("test bug: want %q is not JSON", want[i])
			}
			if !reflect.DeepEqual(g, w) {
				return fmt.Errorf("%s %s body %d: want %s, got %s", method, path, i, want[i], got[i])
			}
		}
		return nil
	}
}

// checkNoRequests fails when the mock received any request since the log was last reset.
func (ts *testServer) checkNoRequests() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if reqs := ts.Requests(); len(reqs) > 0 {
			return fmt.Errorf("expected no API requests, the mock received %d: %s", len(reqs), describeRequests(reqs))
		}
		return nil
	}
}

// checkNoWrites fails when the mock received a write request since the log was last reset.
func (ts *testServer) checkNoWrites() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if w := writeRequests(ts.Requests()); len(w) > 0 {
			return fmt.Errorf("expected no write requests, the mock received %s", describeRequests(w))
		}
		return nil
	}
}

// requireNoRequests ends the test when the mock received any request since the log was last
// reset: what (e.g. "invalid input") must not have reached the API.
func (ts *testServer) requireNoRequests(t *testing.T, what string) {
	t.Helper()
	if reqs := ts.Requests(); len(reqs) > 0 {
		t.Fatalf("%s reached the API: %s", what, describeRequests(reqs))
	}
}

// expectNoRequestsSince fails the test when the mock received any request since the log was
// last reset (for steps that expect an error, whose Check does not run).
func (ts *testServer) expectNoRequestsSince(t *testing.T, what string) func() {
	return func() {
		t.Helper()
		if reqs := ts.Requests(); len(reqs) > 0 {
			t.Errorf("%s: the mock received %s", what, describeRequests(reqs))
		}
		ts.ResetRequests()
	}
}

// expectNoDeletes fails the test when the mock received any DELETE (the check runs where a
// step's Check cannot, since steps that expect an error skip it).
func (ts *testServer) expectNoDeletes(t *testing.T, what string) func() {
	return func() {
		t.Helper()
		if dels := ts.requestsMatching("DELETE", ""); len(dels) > 0 {
			t.Errorf("%s: a protected object received DELETE requests: %s", what, describeRequests(dels))
		}
	}
}

// resetRequests clears the mock's request log, as a check step.
func (ts *testServer) resetRequests() resource.TestCheckFunc {
	return func(*terraform.State) error {
		ts.ResetRequests()
		return nil
	}
}

// checkPaged fails unless the mock received a second page (offset=100) of the list at path.
func (ts *testServer) checkPaged(path string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := ts.requestsMatching("GET", path)
		for _, r := range reqs {
			if q, _ := url.ParseQuery(r.Query); r.Path == path && q.Get("offset") == "100" {
				return nil
			}
		}
		return fmt.Errorf("no second page of %s was requested: %s", path, describeRequests(reqs))
	}
}

// checkListQueries asserts the queries of the list requests to path, in order.
func (ts *testServer) checkListQueries(path string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, r := range ts.requestsMatching("GET", path) {
			if r.Path == path {
				got = append(got, r.Query)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("list requests to %s had the queries %v, want %v", path, got, want)
		}
		return nil
	}
}

// checkRequestsAuth checks that every request under prefix carried this kind of credentials
// (and that there was one).
func (ts *testServer) checkRequestsAuth(prefix, auth string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := ts.requestsMatching("", prefix)
		if len(reqs) == 0 {
			return fmt.Errorf("no request to %s", prefix)
		}
		for _, r := range reqs {
			if r.Auth != auth {
				return fmt.Errorf("%s %s carried %q credentials, want %q", r.Method, r.Path, r.Auth, auth)
			}
		}
		return nil
	}
}

// ---- Checks on what the mock holds ----

// checkGone is a CheckDestroy (or a Check): the mock no longer has the objects of this kind
// in the organization org. kind is "organization" (names are organizations, org is ""),
// "role", "user" (machine users too), "app", "deployment" or "subscription".
func (ts *testServer) checkGone(kind, org string, names ...string) resource.TestCheckFunc {
	ts.objectExists(kind, org, "") // a kind it does not know panics now, not in CheckDestroy
	return func(*terraform.State) error {
		for _, n := range names {
			if ts.objectExists(kind, org, n) {
				return fmt.Errorf("%s %s still exists in the mock", kind, n)
			}
		}
		return nil
	}
}

// objectExists says whether the mock has the object of this kind (the kinds of checkGone).
func (ts *testServer) objectExists(kind, org, name string) bool {
	exists := map[string]func(name string) bool{
		"organization": ts.OrgExists,
		"role":         func(n string) bool { _, ok := ts.RolePermissions(org, n); return ok },
		"user":         func(n string) bool { _, ok := ts.UserInfo(org, n); return ok },
		"app":          func(n string) bool { return ts.AppExists(org, n) },
		"deployment":   func(n string) bool { return ts.DeploymentExists(org, n) },
		"subscription": func(n string) bool { _, ok := ts.SubscriptionSecret(org, n); return ok },
	}[kind]
	if exists == nil {
		panic(fmt.Sprintf("test bug: checkGone knows no kind %q", kind))
	}
	return exists(name)
}

// checkRole compares a role in the mock with the wanted non-zero bitmasks; the role must
// exist (checkGone("role", ...) for the opposite).
func (ts *testServer) checkRole(org, name string, want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, ok := ts.RolePermissions(org, name)
		if !ok {
			return fmt.Errorf("role %s does not exist in the mock", name)
		}
		for res, bits := range got {
			if bits != want[res] {
				return fmt.Errorf("role %s in the mock has %s=%d, want %d (all: %v)", name, res, bits, want[res], got)
			}
		}
		return nil
	}
}

// checkUserField compares one field of a user in the mock (nil: absent).
func (ts *testServer) checkUserField(org, username, field string, want any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		info, ok := ts.UserInfo(org, username)
		if !ok {
			return fmt.Errorf("user %s does not exist in the mock", username)
		}
		if fmt.Sprint(info[field]) != fmt.Sprint(want) {
			return fmt.Errorf("user %s in the mock has %s = %v, want %v", username, field, info[field], want)
		}
		return nil
	}
}

// ---- Checks on state ----

// expectIssued is a state check: attr of res holds the secret the mock issued and holds now
// (issued is asked when the check runs), not empty. Whether a secret changed or stayed from
// one step to the next is statecheck.CompareValue's (compare.ValuesSame / ValuesDiffer).
func expectIssued(res, attr string, issued func() (string, bool)) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(res, tfjsonpath.New(attr), knownvalue.StringFunc(func(got string) error {
		want, ok := issued()
		switch {
		case !ok || want == "":
			return fmt.Errorf("the mock holds no %s for %s", attr, res)
		case got != want:
			return fmt.Errorf("%s.%s in state is not the value the mock issued", res, attr)
		}
		return nil
	}))
}

// expectAPIKey: api_key of res is the mock's current key of the machine user.
func (ts *testServer) expectAPIKey(res, org, username string) statecheck.StateCheck {
	return expectIssued(res, "api_key", func() (string, bool) { return ts.UserAPIKey(org, username) })
}

// expectInitialPassword: attr (initial_password of a user, admin_initial_password of an
// organization) of res is the mock's current password of the user.
func (ts *testServer) expectInitialPassword(res, attr, org, username string) statecheck.StateCheck {
	return expectIssued(res, attr, func() (string, bool) { return ts.UserPassword(org, username) })
}

// attrs are the attributes of a nested object that a check looks at.
type attrs = map[string]knownvalue.Check

// expectList checks a list attribute: its length, and at some indexes the attributes of the
// element that matter (knownvalue.ObjectPartial).
func expectList(addr, attr string, size int, at map[int]attrs) []statecheck.StateCheck {
	elems := make(map[int]knownvalue.Check, len(at))
	for i, a := range at {
		elems[i] = knownvalue.ObjectPartial(a)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.ListSizeExact(size)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.ListPartial(elems)),
	}
}

// checkNoClearSecret fails when any attribute of any resource in state holds one of the
// secrets (value -> what it is).
func checkNoClearSecret(secrets func() map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for value, kind := range secrets() {
			for name, rs := range s.RootModule().Resources {
				for attr, v := range rs.Primary.Attributes {
					if strings.Contains(v, value) {
						return fmt.Errorf("the %s is in state in clear text as %s.%s", kind, name, attr)
					}
				}
			}
		}
		return nil
	}
}

// checkNotInState fails when any attribute in state holds one of the values.
func checkNotInState(values ...string) resource.TestCheckFunc {
	return checkNoClearSecret(func() map[string]string {
		secrets := make(map[string]string, len(values))
		for _, v := range values {
			secrets[v] = fmt.Sprintf("secret %q", v)
		}
		return secrets
	})
}

// ---- Error texts ----

// expectError compiles a regular expression that tolerates Terraform's line wrapping of
// error texts: every space in text matches any run of white space.
func expectError(text string) *regexp.Regexp {
	parts := strings.Fields(text)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

// expectErrorParts is expectError for a text whose parts, separated by "|", appear in this
// order with anything between them (a diagnostic's summary, then the lines Terraform puts
// between it and its detail, then the detail).
func expectErrorParts(text string) *regexp.Regexp {
	parts := strings.Split(text, "|")
	res := make([]string, 0, len(parts))
	for _, p := range parts {
		res = append(res, strings.TrimPrefix(expectError(p).String(), "(?s)"))
	}
	return regexp.MustCompile("(?s)" + strings.Join(res, ".*"))
}

// ---- Provider servers and servers in front of the mock ----

// deleteOrgOutOfBand deletes an organization with the admin token, as someone outside Terraform
// would (2025 header; the tests that use it run against a 2025 mock).
func (ts *testServer) deleteOrgOutOfBand(t *testing.T, name string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/be/v1/orgs/"+name, nil)
	req.Header.Set("x-rockit-beauth-token", testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("deleting the organization %s out of band: %v %v", name, resp, err)
	}
	_ = resp.Body.Close()
}

// twoProviderFactories serves a second, independent instance of the provider under the local
// name second. The in-process test harness attaches every configuration of one provider name
// to one provider server, where the configuration configured last wins for all resources;
// real Terraform starts one plugin process per provider configuration. Giving the second
// configuration its own name gives it its own server, the way google-beta serves google_*
// resources: resources pick it with `provider = <second>`.
func twoProviderFactories(second string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"rockit": providerserver.NewProtocol6WithError(New("test")()),
		second:   providerserver.NewProtocol6WithError(New("test")()),
	}
}

// httptestServer serves h on a loopback port until the test ends and returns its URL.
func httptestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return hs.URL
}

// writeAPIError answers as the API does when it refuses: status and the error envelope.
func writeAPIError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]string{"status": "error", "message": message})
	_, _ = w.Write(body)
}

// writeRecorded sends an answer recorded with httptest.NewRecorder.
func writeRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// losingAnswers serves next, but when lose says so for a request and the status next
// answered, it drops the answer after next acted on the request: the client sees the
// connection cut.
func losingAnswers(next http.Handler, lose func(r *http.Request, status int) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if lose(r, rec.Code) {
			panic(http.ErrAbortHandler)
		}
		writeRecorded(w, rec)
	})
}

// firstSuccessfulPost is a lose function for losingAnswers: the answer to the first
// successful POST to each of paths.
func firstSuccessfulPost(paths ...string) func(r *http.Request, status int) bool {
	var mu sync.Mutex
	pending := map[string]bool{}
	for _, p := range paths {
		pending[p] = true
	}
	return func(r *http.Request, status int) bool {
		mu.Lock()
		defer mu.Unlock()
		drop := r.Method == http.MethodPost && status < 300 && pending[r.URL.Path]
		if drop {
			delete(pending, r.URL.Path)
		}
		return drop
	}
}

// losingFirstAnswers serves m but drops the answer to the first successful POST to each of
// paths, after the mock acted on it.
func losingFirstAnswers(t *testing.T, m *mockserver.Server, paths ...string) string {
	t.Helper()
	return httptestServer(t, losingAnswers(m, firstSuccessfulPost(paths...)))
}
