package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// stripListTitles is a front for the mock whose list of users leaves `title` out of every item,
// as a host may for an optional field; the single GET of a user keeps it.
func stripListTitles(mock http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/be/v1/users" {
			mock.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		mock.ServeHTTP(rec, r)
		var env map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &env) == nil {
			if items, ok := env["data"].([]any); ok {
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						delete(m, "title")
					}
				}
			}
		}
		body, _ := json.Marshal(env)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// A difference seen only in a list read is confirmed by the object's own GET before the plan
// shows it (issue 30 item 6). The list leaves every user's title out; the user refreshed first
// (the shape check's sample, read by GET) has none, so the check cannot tell and the list is
// used. The users with a title are read again by GET and show no drift; the one without costs no
// request beyond the list; a title really changed on the server shows, confirmed by its GET.
func TestProtoUser_listDriftIsConfirmedByGET(t *testing.T) {
	ts := newTestServerBehind(t, stripListTitles)
	creator := protoOrgServer(t, ts, "Drift_List")
	type created struct {
		state   *tfprotov6.DynamicValue
		private []byte
	}
	users := map[string]created{}
	for _, u := range []struct{ name, title string }{{"a_first", ""}, {"b_cto", "CTO"}, {"c_cfo", "CFO"}, {"d_plain", ""}} {
		cfg := map[string]any{"username": u.name, "email": u.name + "@example.com", "firstname": "F", "surname": "S", "roles": []any{}}
		if u.title != "" {
			cfg["title"] = u.title
		}
		resp := creator.protoCreate("rockit_user", cfg)
		users[u.name] = created{resp.NewState, resp.Private}
	}
	pw, _ := ts.UserPassword("Drift_List", "admin")
	config := map[string]any{"endpoint": ts.URL, "org_name": "Drift_List", "username": "admin", "password": pw, "max_retries": int64(0)}

	// refresh reads every user with a fresh provider (one Client: one snapshot), the sample
	// first, and returns the titles the Reads put in state.
	refresh := func() map[string]any {
		p := protoNewServer(t, config)
		titles := map[string]any{}
		for _, name := range []string{"a_first", "b_cto", "c_cfo", "d_plain"} {
			resp := p.protoRead("rockit_user", users[name].state, users[name].private, nil)
			titles[name] = p.protoDecodeState("rockit_user", resp.NewState)["title"]
		}
		return titles
	}
	gets := func() map[string]int {
		n := map[string]int{}
		for _, r := range ts.requestsMatching(http.MethodGet, "/be/v1/users/") {
			n[strings.TrimPrefix(r.Path, "/be/v1/users/")]++
		}
		return n
	}

	ts.ResetRequests()
	titles := refresh()
	want := map[string]any{"a_first": nil, "b_cto": "CTO", "c_cfo": "CFO", "d_plain": nil}
	for name, title := range want {
		if titles[name] != title {
			t.Errorf("%s: title in state after the refresh = %v, want %v (drift from the list's missing title)", name, titles[name], title)
		}
	}
	if got, want := gets(), map[string]int{"a_first": 1, "b_cto": 1, "c_cfo": 1}; !maps.Equal(got, want) {
		t.Errorf("single GETs = %v, want %v: the sample, and one confirmation for each user the list showed different; "+
			"none for d_plain, whose list item equals its state", got, want)
	}
	if lists := ts.requestsMatching(http.MethodGet, "/be/v1/users"); len(lists)-len(ts.requestsMatching(http.MethodGet, "/be/v1/users/")) != 1 {
		t.Errorf("list requests: %s, want one page", describeRequests(lists))
	}

	// A real change: b_cto's title changed outside Terraform shows, after its GET confirms it.
	setTitleOutOfBand(t, ts.URL, "Drift_List", pw, "b_cto", "CEO")
	ts.ResetRequests()
	if titles := refresh(); titles["b_cto"] != "CEO" || titles["c_cfo"] != "CFO" {
		t.Errorf("after the title changed on the server, the refresh says b_cto %v, c_cfo %v; want CEO (drift shown) and CFO", titles["b_cto"], titles["c_cfo"])
	}
	if n := gets()["b_cto"]; n != 1 {
		t.Errorf("b_cto was read by GET %d times, want once (the confirmation)", n)
	}
}

// The same through Terraform: with the list leaving titles out, the plan after the apply is
// empty, only the users with a title are read again by GET (never the one whose list item
// equals its state), and a title changed on the server still shows as a change.
func TestAccUser_listDriftIsConfirmedByGET(t *testing.T) {
	ts := newTestServerBehind(t, stripListTitles)
	pw := ts.SeedOrg("Drift_Acc", "admin")
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Drift_Acc"
  username    = "admin"
  password    = %q
  max_retries = 0
}
# a_first is refreshed first (the others depend on it): the shape check's sample, without title.
resource "rockit_user" "a" {
  username  = "a_first"
  email     = "a@example.com"
  firstname = "A"
  surname   = "S"
}
resource "rockit_user" "b" {
  username   = "b_cto"
  email      = "b@example.com"
  firstname  = "B"
  surname    = "S"
  title      = "CTO"
  depends_on = [rockit_user.a]
}
resource "rockit_user" "d" {
  username   = "d_plain"
  email      = "d@example.com"
  firstname  = "D"
  surname    = "S"
  depends_on = [rockit_user.a]
}
`, ts.URL, pw)
	gets := func(name string) int { return len(ts.requestsMatching(http.MethodGet, "/be/v1/users/"+name)) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{PreConfig: func() { ts.ResetRequests() }, Config: cfg, PlanOnly: true},
			{
				PreConfig: func() {
					if gets("b_cto") == 0 || gets("d_plain") != 0 || gets("a_first") == 0 {
						t.Errorf("single GETs during the empty plan: a_first %d, b_cto %d, d_plain %d; want the sample, b_cto's "+
							"confirmation, and none of d_plain", gets("a_first"), gets("b_cto"), gets("d_plain"))
					}
					setTitleOutOfBand(t, ts.URL, "Drift_Acc", pw, "b_cto", "CEO")
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// setTitleOutOfBand changes a user's title as someone outside Terraform would, as the
// administrator of org.
func setTitleOutOfBand(t *testing.T, url, org, adminPassword, username, title string) {
	t.Helper()
	api, err := client.New(client.Config{Endpoint: url, OrgName: org, Username: "admin", Password: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.UpdateUser(context.Background(), client.UpdateUserRequest{Username: username, Title: &title}); err != nil {
		t.Fatal(err)
	}
}
