package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Against the default mock every check is ok, the paging and shape checks did their work on the
// seeded objects, the run logged in once and sent nothing but reads, and the human report shows
// each check and the summary without any secret.
func TestDoctorDefaultMockAllOK(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{})
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, h.env(), &out, &errOut)
	text := out.String()
	if code != exitOK {
		t.Fatalf("exit %d, want 0:\n%s\n%s", code, text, errOut.String())
	}
	for _, want := range []string{
		"ok    transport: ", "ok    endpoint: ", "ok    authentication: the 2025 generation",
		`ok    login: "admin" logged in to organization "Acme"; 1 login request for the whole run`,
		"ok    permissions: from the caller's roles (Administrators)",
		"ok    roles: paging: two pages of limit=1 at offsets 0 and 1 agree with one page of limit=100; order[]=-name reverses it",
		"ok    users: list vs GET: the list items of 3 sampled objects equal their single reads",
		"ok    deployments: timestamps: created and updated are RFC 3339 in 1 sampled object and their list items",
		"ok    subscriptions: list vs GET: the contract has no GET of one subscription",
		"ok    apps: missing object: GET /be/v1/apps/rockit_doctor_",
		"ok    clock: the server's clock is within 3s", "ok    rate limit: no 429",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\nwarn ") || strings.Contains(text, "\nfail ") || !strings.HasSuffix(text, "36 checks: 36 ok, 0 warn, 0 fail\n") {
		t.Errorf("not every check is ok:\n%s", text)
	}
	if strings.Contains(text, h.password) {
		t.Errorf("the report shows the password:\n%s", text)
	}
	reqs := h.srv.Requests()
	if w := writes(reqs); len(w) > 0 {
		t.Errorf("a run without -write wrote: %v", w)
	}
	if n := requestsTo(reqs, http.MethodPost, "/be/v1/login"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// Each variant of the mock turns exactly its checks to warn, with what the provider does about
// it; everything else stays ok and the exit status is 0 (a warning is not a failure).
func TestDoctorMockVariants(t *testing.T) {
	t.Parallel()
	types := []string{"roles", "users", "apps", "deployments", "subscriptions"}
	each := func(suffix string) []string {
		var out []string
		for _, k := range types {
			out = append(out, "warn "+k+": "+suffix)
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		opts        mockserver.Options
		warns       []string
		check       string // one of the warned checks, whose texts are asserted
		detail      string
		consequence string
	}{
		{"clock behind", mockserver.Options{ClockSkew: -2 * time.Minute}, []string{"warn clock"}, "clock",
			"the server's clock is 2m0s behind this machine's", "judges the created time of a create whose answer was lost on the server's clock"},
		{"clock ahead", mockserver.Options{ClockSkew: 90 * time.Second}, []string{"warn clock"}, "clock",
			"the server's clock is 1m30s ahead of this machine's", "nothing fails"},
		{"no total", mockserver.Options{NoTotal: true}, each("total"), "roles: total",
			"the list answers carry no total", "reads each list until an empty page"},
		// Subscriptions have no single read, so only their timestamps can show the summary lists.
		{"lists without optional fields", mockserver.Options{ListsOmitOptional: true},
			[]string{"warn roles: list vs GET", "warn roles: timestamps", "warn users: list vs GET", "warn users: timestamps",
				"warn apps: list vs GET", "warn apps: timestamps", "warn deployments: list vs GET", "warn deployments: timestamps",
				"warn subscriptions: timestamps"},
			"users: list vs GET", "list items lack created, title, updated", "drift from lists is confirmed by GET"},
		{"2026 generation", mockserver.Options{AuthScheme: mockserver.AuthScheme2026}, nil, "authentication", "the 2026 generation", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHost(t, tc.opts)
			checks, code := doctorRun(t, context.Background(), h.env(), hooks{})
			if code != exitOK {
				t.Errorf("exit %d, want 0", code)
			}
			got := notOK(checks)
			if strings.Join(got, "\n") != strings.Join(tc.warns, "\n") {
				t.Errorf("checks not ok:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.warns, "\n"))
			}
			c := find(t, checks, tc.check)
			if !strings.Contains(c.Detail, tc.detail) || !strings.Contains(c.Consequence, tc.consequence) {
				t.Errorf("%s: detail %q, consequence %q; want them to contain %q and %q", tc.check, c.Detail, c.Consequence, tc.detail, tc.consequence)
			}
			if w := writes(h.srv.Requests()); len(w) > 0 {
				t.Errorf("a run without -write wrote: %v", w)
			}
		})
	}
}

// The deployments' list without downloadAuth is named field by field, and a list without
// created makes the name check's consequence the one shown.
func TestDoctorListsWithoutOptionalFieldsNameTheFields(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{ListsOmitOptional: true})
	checks, _ := doctorRun(t, context.Background(), h.env(), hooks{})
	if c := find(t, checks, "deployments: list vs GET"); !strings.Contains(c.Detail, "list items lack created, downloadAuth.provider, updated") {
		t.Errorf("deployments: list vs GET: %q", c.Detail)
	}
	c := find(t, checks, "roles: timestamps")
	if !strings.Contains(c.Detail, "list items: created absent; updated absent; the single reads carry them") ||
		!strings.Contains(c.Consequence, "the plan fails with an import block") {
		t.Errorf("roles: timestamps: %+v", c)
	}
}

// A wrong password is a credential error: exit 2 after one login, and nothing else is sent.
func TestDoctorWrongPasswordExits2(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{})
	checks, code := doctorRun(t, context.Background(), h.env("ROCKIT_PASSWORD", "not-the-password"), hooks{})
	if code != exitUsageOrCred {
		t.Errorf("exit %d, want 2", code)
	}
	if got := notOK(checks); strings.Join(got, ",") != "fail login" {
		t.Errorf("checks not ok: %v, want only the login failed", got)
	}
	if c := find(t, checks, "login"); !strings.Contains(c.Detail, "401") || strings.Contains(c.Detail, "not-the-password") {
		t.Errorf("login: %q", c.Detail)
	}
	reqs := h.srv.Requests()
	if len(reqs) != 1 || requestsTo(reqs, http.MethodPost, "/be/v1/login") != 1 {
		t.Errorf("%d requests, want one: the login", len(reqs))
	}
}

// Settings that are missing or invalid are usage errors: exit 2 with the rule, no request.
func TestDoctorUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{})
	for _, tc := range []struct {
		name string
		env  func(string) string
		args []string
		want string
	}{
		{"no secret", h.env("ROCKIT_PASSWORD", ""), nil, "exactly one of ROCKIT_PASSWORD and ROCKIT_API_KEY"},
		{"two secrets", h.env("ROCKIT_API_KEY", "k"), nil, "exactly one of ROCKIT_PASSWORD and ROCKIT_API_KEY"},
		{"bad endpoint", h.env(), []string{"-endpoint", "edge.example.com"}, "it has no scheme"},
		{"bad flag", h.env(), []string{"-no-such-flag"}, "flag provided but not defined"},
		{"bad timeout", h.env("ROCKIT_REQUEST_TIMEOUT", "soon"), nil, "-request-timeout (or ROCKIT_REQUEST_TIMEOUT) must be a positive duration"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tc.args, tc.env, &out, &errOut); code != exitUsageOrCred || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.name, code, errOut.String(), tc.want)
		}
	}
	if reqs := h.srv.Requests(); len(reqs) != 0 {
		t.Errorf("usage errors sent %d requests", len(reqs))
	}
}

// -json prints {"checks":[...]} whose every check has exactly the four fields.
func TestDoctorJSONHasTheFourFields(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{NoTotal: true})
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-json"}, h.env(), &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc) != 1 || len(doc["checks"]) == 0 {
		t.Fatalf("output %q (%v), want {\"checks\":[...]}", out.String(), err)
	}
	for _, c := range doc["checks"] {
		if len(c) != 4 || c["name"] == "" || c["detail"] == "" {
			t.Errorf("check %v: want name, status, detail, consequence", c)
		}
		switch c["status"] {
		case statusOK:
			if c["consequence"] != "" {
				t.Errorf("ok check %v has a consequence", c)
			}
		case statusWarn, statusFail:
			if c["consequence"] == "" {
				t.Errorf("%v has no consequence", c)
			}
		default:
			t.Errorf("check %v: status not ok, warn or fail", c)
		}
	}
}

// A machine user whose role reads some types only: the permissions check names what each type
// lacks and what the provider will do; a type it may not read warns at its list.
func TestDoctorPermissionsOfAMachineUser(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{})
	checks, code := doctorRun(t, context.Background(), h.env("ROCKIT_USERNAME", "ci", "ROCKIT_PASSWORD", "", "ROCKIT_API_KEY", h.apiKey), hooks{})
	if code != exitOK {
		t.Errorf("exit %d, want 0", code)
	}
	if got := strings.Join(notOK(checks), ","); got != "warn permissions,warn apps: list" {
		t.Errorf("checks not ok: %s", got)
	}
	p := find(t, checks, "permissions")
	for _, want := range []string{"roles lacks create, update, delete", "apps lacks create, read, update, delete", "(from the caller's roles (Viewer)"} {
		if !strings.Contains(p.Detail, want) {
			t.Errorf("permissions detail %q lacks %q", p.Detail, want)
		}
	}
	for _, want := range []string{"rockit_role: create, update, delete refused with 403 at apply time", "rockit_app: every plan that reads it fails with 403"} {
		if !strings.Contains(p.Consequence, want) {
			t.Errorf("permissions consequence %q lacks %q", p.Consequence, want)
		}
	}
	if a := find(t, checks, "authentication"); !strings.Contains(a.Detail, "machine user: the API-key headers") {
		t.Errorf("authentication: %q", a.Detail)
	}
	if strings.Contains(p.Detail+p.Consequence, h.apiKey) {
		t.Error("the report shows the API key")
	}
}

// Without -write the doctor's transport refuses any write, even one its own code would send:
// at once, as a 400 that the client neither retries nor takes for an unknown outcome.
func TestDoctorTransportRefusesWritesWithoutWrite(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{})
	for _, write := range []bool{false, true} {
		d, err := newDoctor(configOf(t, h), write, hooks{})
		if err != nil {
			t.Fatal(err)
		}
		err = d.c.DeleteRole(context.Background(), "Editor_missing")
		switch {
		case !write && (client.StatusOf(err) != http.StatusBadRequest || !strings.Contains(err.Error(), "rockit-doctor refused to send DELETE /be/v1/roles/Editor_missing")):
			t.Errorf("without -write: %v", err)
		case write && !strings.Contains(err.Error(), "404"):
			t.Errorf("with -write the delete reaches the host (404): %v", err)
		}
	}
	if n := requestsTo(h.srv.Requests(), http.MethodDelete, "/be/v1/roles/Editor_missing"); n != 1 {
		t.Errorf("%d deletes reached the host, want 1 (with -write only)", n)
	}
}

// A caller that cannot read its own roles: the permissions come from which lists answered 403.
func TestDoctorPermissionsByRefusal(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{})
	c, err := client.New(client.Config{Endpoint: h.url, OrgName: "Acme", Username: "admin", Password: h.password})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateRole(ctx, client.CreateRoleRequest{Name: "AppsOnly", Permissions: map[string]int{"apps": 15}}); err != nil {
		t.Fatal(err)
	}
	builder, err := c.CreateUser(ctx, client.CreateUserRequest{Username: "builder", Label: "apps only", Roles: []string{"AppsOnly"}})
	if err != nil {
		t.Fatal(err)
	}
	checks, code := doctorRun(t, ctx, h.env("ROCKIT_USERNAME", "builder", "ROCKIT_PASSWORD", "", "ROCKIT_API_KEY", builder.APIKey), hooks{})
	if code != exitOK {
		t.Errorf("exit %d, want 0", code)
	}
	want := "warn permissions,warn roles: list,warn users: list,warn deployments: list,warn subscriptions: list"
	if got := strings.Join(notOK(checks), ","); got != want {
		t.Errorf("checks not ok: %s, want %s", got, want)
	}
	p := find(t, checks, "permissions")
	if !strings.Contains(p.Detail, "from which lists answered 403") || !strings.Contains(p.Detail, "roles lacks create, read, update, delete") ||
		strings.Contains(p.Detail, "apps lacks") || !strings.Contains(p.Consequence, "rockit_role: every plan that reads it fails with 403") {
		t.Errorf("permissions: %+v", p)
	}
}

// The admin token: read-only it is only reported (the contract has no read of organizations);
// -write deletes an organization of its prefix that cannot exist and expects 404; a wrong
// token is a credential error.
func TestDoctorAdminToken(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{})
	checks, code := doctorRun(t, context.Background(), h.env("ROCKIT_ADMIN_TOKEN", adminToken), hooks{})
	if c := find(t, checks, "organizations"); code != exitOK || c.Status != statusOK || !strings.Contains(c.Detail, "only -write checks it") {
		t.Errorf("read-only: exit %d, %+v", code, c)
	}
	if w := writes(h.srv.Requests()); len(w) > 0 {
		t.Errorf("read-only run wrote: %v", w)
	}
	checks, code = doctorRun(t, context.Background(), h.env("ROCKIT_ADMIN_TOKEN", adminToken), hooks{}, "-write")
	if c := find(t, checks, "organizations"); code != exitOK || c.Status != statusOK || !strings.Contains(c.Detail, "answered 404") {
		t.Errorf("-write: exit %d, %+v", code, c)
	}
	checks, code = doctorRun(t, context.Background(), h.env("ROCKIT_ADMIN_TOKEN", "wrong"), hooks{}, "-write")
	if c := find(t, checks, "organizations"); code != exitUsageOrCred || c.Status != statusFail || !strings.Contains(c.Detail, "401") {
		t.Errorf("wrong token: exit %d, %+v", code, c)
	}
	for _, r := range h.srv.Requests() {
		if r.Method == http.MethodDelete && strings.HasPrefix(r.Path, "/be/v1/orgs/") && !strings.HasPrefix(r.Path, "/be/v1/orgs/"+namePrefix) {
			t.Errorf("deleted an organization not of the doctor's prefix: %s", r.Path)
		}
	}
}
