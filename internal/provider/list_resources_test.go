package provider

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// listCase is one list resource with objects seeded in the mock and what each query returns
// (display names, in any order).
type listCase struct {
	typeName string
	nameAttr string
	seed     func(ts *testServer, org string)
	all      []string
	prefix   string
	byPrefix []string
	filter   map[string]any // the type's own filter, with the name prefix "" (all)
	filtered []string
}

var listCases = []listCase{
	{
		typeName: "rockit_role", nameAttr: "name",
		seed: func(ts *testServer, org string) {
			ts.SeedRole(org, "dev_ops", map[string]int{"apps": 2})
			ts.SeedRole(org, "dev_qa", map[string]int{"tasks": 18})
			ts.SeedRole(org, "release", map[string]int{})
		},
		// The built-in Administrators role cannot be managed, so it is not listed.
		all:    []string{"dev_ops", "dev_qa", "release"},
		prefix: "dev_", byPrefix: []string{"dev_ops", "dev_qa"},
	},
	{
		typeName: "rockit_user", nameAttr: "username",
		seed: func(ts *testServer, org string) {
			ts.SeedRole(org, "dev", map[string]int{"apps": 2})
			ts.SeedUser(org, "alice", false, "dev")
			ts.SeedUser(org, "albert", false)
			ts.SeedUser(org, "ci_bot", true, "dev") // a machine user: not listed
		},
		all:    []string{"admin", "albert (albert@example.com)", "alice (alice@example.com)"},
		prefix: "al", byPrefix: []string{"albert (albert@example.com)", "alice (alice@example.com)"},
		filter: map[string]any{"role": "dev"}, filtered: []string{"alice (alice@example.com)"},
	},
	{
		typeName: "rockit_machine_user", nameAttr: "username",
		seed: func(ts *testServer, org string) {
			ts.SeedRole(org, "deploy", map[string]int{"apps": 2})
			ts.SeedUser(org, "ci_build", true)
			ts.SeedUser(org, "ci_deploy", true, "deploy", "Administrators")
			ts.SeedUser(org, "monitor", true)
			ts.SeedUser(org, "alice", false, "deploy") // a human user: not listed
		},
		all:    []string{"ci_build (Seeded ci_build)", "ci_deploy (Seeded ci_deploy)", "monitor (Seeded monitor)"},
		prefix: "ci_", byPrefix: []string{"ci_build (Seeded ci_build)", "ci_deploy (Seeded ci_deploy)"},
		filter: map[string]any{"role": "deploy"}, filtered: []string{"ci_deploy (Seeded ci_deploy)"},
	},
	{
		typeName: "rockit_app", nameAttr: "name",
		seed: func(ts *testServer, org string) {
			ts.SeedDeployment(org, "EU")
			ts.SeedDeployment(org, "US")
			ts.SeedApp(org, "GameA", "Game A", 2, 100, "EU")
			ts.SeedApp(org, "GameB", "Game B", 0, 0, "US")
			ts.SeedApp(org, "Tool", "", 0, 0) // registered none: published to all deployments
		},
		all:    []string{"GameA (Game A)", "GameB (Game B)", "Tool"},
		prefix: "Game", byPrefix: []string{"GameA (Game A)", "GameB (Game B)"},
		filter: map[string]any{"deployment": "EU"}, filtered: []string{"GameA (Game A)", "Tool"},
	},
	{
		typeName: "rockit_deployment", nameAttr: "name",
		seed: func(ts *testServer, org string) {
			ts.SeedDeployment(org, "Origin[EU]")
			ts.SeedDeployment(org, "Origin[US]")
			ts.SeedDeployment(org, "Staging")
		},
		all:    []string{"Origin[EU]", "Origin[US]", "Staging"},
		prefix: "Origin[", byPrefix: []string{"Origin[EU]", "Origin[US]"},
	},
	{
		typeName: "rockit_subscription", nameAttr: "name",
		seed: func(ts *testServer, org string) {
			ts.SeedSubscription(org, "builds_ci", "https://ci.example.com/hook")
			ts.SeedSubscription(org, "builds_chat", "https://chat.example.com/hook")
			ts.SeedSubscription(org, "audit", "https://audit.example.com/hook")
		},
		all: []string{"audit (https://audit.example.com/hook)", "builds_chat (https://chat.example.com/hook)",
			"builds_ci (https://ci.example.com/hook)"},
		prefix: "builds_", byPrefix: []string{"builds_chat (https://chat.example.com/hook)", "builds_ci (https://ci.example.com/hook)"},
	},
}

// displayNames returns the results' display names, sorted, and fails on error diagnostics.
func displayNames(t *testing.T, results []tfprotov6.ListResourceResult) []string {
	t.Helper()
	names := []string{}
	for _, r := range results {
		if msg := protoErrors(r.Diagnostics); msg != "" {
			t.Fatalf("list result error: %s", msg)
		}
		names = append(names, r.DisplayName)
	}
	slices.Sort(names)
	return names
}

// Every list resource lists all objects of its type without a configuration, and the filters
// narrow the list; each result carries the object's identity.
func TestProtoList_ResultsAndFilters(t *testing.T) {
	for _, tc := range listCases {
		t.Run(tc.typeName, func(t *testing.T) {
			ts := newTestServer(t)
			p := protoOrgServer(t, ts, "acme")
			tc.seed(ts, "acme")

			all := p.protoList(tc.typeName, nil, false, 0)
			if got := displayNames(t, all); !reflect.DeepEqual(got, tc.all) {
				t.Errorf("all: %q, want %q", got, tc.all)
			}
			for _, r := range all {
				id := p.protoDecodeIdentity(tc.typeName, r.Identity)
				if id["org_name"] != "acme" || !strings.HasPrefix(r.DisplayName, fmt.Sprint(id[tc.nameAttr])) {
					t.Errorf("%q: identity %v", r.DisplayName, id)
				}
				if r.Resource != nil {
					t.Errorf("%q: a resource object without include_resource", r.DisplayName)
				}
			}

			got := displayNames(t, p.protoList(tc.typeName, map[string]any{"name_prefix": tc.prefix}, false, 0))
			if !reflect.DeepEqual(got, tc.byPrefix) {
				t.Errorf("name_prefix %q: %q, want %q", tc.prefix, got, tc.byPrefix)
			}
			if tc.filter != nil {
				got := displayNames(t, p.protoList(tc.typeName, tc.filter, false, 0))
				if !reflect.DeepEqual(got, tc.filtered) {
					t.Errorf("%v: %q, want %q", tc.filter, got, tc.filtered)
				}
				both := map[string]any{"name_prefix": "zz"}
				for k, v := range tc.filter {
					both[k] = v
				}
				if got := displayNames(t, p.protoList(tc.typeName, both, false, 0)); len(got) != 0 {
					t.Errorf("%v: %q, want none (all filters must match)", both, got)
				}
			}
			if got := p.protoList(tc.typeName, nil, false, 2); len(got) != 2 {
				t.Errorf("limit 2: %d results", len(got))
			}
		})
	}
}

// With include_resource each result carries the object exactly as an import followed by Read
// stores it: secrets null, nothing a plan would change.
func TestProtoList_IncludeResourceEqualsRead(t *testing.T) {
	for _, tc := range listCases {
		t.Run(tc.typeName, func(t *testing.T) {
			ts := newTestServer(t)
			p := protoOrgServer(t, ts, "acme")
			tc.seed(ts, "acme")
			results := p.protoList(tc.typeName, nil, true, 0)
			if len(results) != len(tc.all) {
				t.Fatalf("%d results, want %d", len(results), len(tc.all))
			}
			for _, r := range results {
				if msg := protoErrors(r.Diagnostics); msg != "" {
					t.Fatal(msg)
				}
				listed := p.protoDecodeState(tc.typeName, r.Resource)
				name := fmt.Sprint(listed[tc.nameAttr])
				imp := p.protoImport(tc.typeName, name, nil)
				read := p.protoDecodeState(tc.typeName, p.protoRead(tc.typeName, imp.State, imp.Private, imp.Identity).NewState)
				if !reflect.DeepEqual(listed, read) {
					t.Errorf("%s:\n listed %v\n read   %v", name, listed, read)
				}
				for _, secret := range []string{"initial_password", "api_key", "secret"} {
					if v, ok := listed[secret]; ok && v != nil {
						t.Errorf("%s: secret %s = %v, want null", name, secret, v)
					}
				}
			}
		})
	}
}

// Paging goes through the client's one paging path, and the limit stops it: with 150 roles
// the whole list takes two pages, a limit of 5 one page.
func TestProtoList_PagingAndLimit(t *testing.T) {
	ts := newTestServer(t)
	p := protoOrgServer(t, ts, "acme")
	for i := range 150 {
		ts.SeedRole("acme", fmt.Sprintf("role_%03d", i), map[string]int{})
	}
	ts.ResetRequests()
	if got := p.protoList("rockit_role", nil, false, 0); len(got) != 150 {
		t.Errorf("all: %d results, want 150", len(got))
	}
	if n := len(ts.requestsMatching("GET", "/be/v1/roles")); n != 2 {
		t.Errorf("all: %d GETs of the role list, want 2 (pages of 100)", n)
	}
	ts.ResetRequests()
	if got := p.protoList("rockit_role", map[string]any{"name_prefix": "role_"}, false, 5); len(got) != 5 {
		t.Errorf("limit 5: %d results", len(got))
	}
	if n := len(ts.requestsMatching("GET", "/be/v1/roles")); n != 1 {
		t.Errorf("limit 5: %d GETs of the role list, want 1", n)
	}
}

// An API error ends the list with an error diagnostic naming what failed.
func TestProtoList_APIError(t *testing.T) {
	ts := newTestServer(t)
	pw := ts.SeedOrg("acme", "admin")
	p := protoNewServer(t, map[string]any{
		"endpoint": ts.URL, "org_name": "acme", "username": "admin", "password": pw + "-wrong", "max_retries": int64(0),
	})
	results := p.protoList("rockit_user", nil, false, 0)
	if len(results) != 1 || !strings.Contains(protoErrors(results[0].Diagnostics), "Error listing users") {
		t.Errorf("results %v, want one error diagnostic", results)
	}
}
