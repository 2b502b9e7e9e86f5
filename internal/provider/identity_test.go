package provider

import (
	"reflect"
	"strings"
	"testing"
)

// identityCase is one resource type with an object of it seeded in the mock.
type identityCase struct {
	typeName string
	nameAttr string
	name     string
	seed     func(ts *testServer, org, name string)
	remove   func(ts *testServer, org, name string) // out of band
	// attr is a state attribute that only Read can fill (the import sets id and the name only).
	attr string
	want any
}

var identityCases = []identityCase{
	{"rockit_role", "name", "Developers", func(ts *testServer, org, name string) {
		ts.SeedRole(org, name, map[string]int{"apps": 2})
	}, func(ts *testServer, org, name string) { ts.RemoveRole(org, name) }, "permissions", map[string]any{"apps": []any{"read"}}},
	{"rockit_user", "username", "alice", func(ts *testServer, org, name string) {
		ts.SeedUser(org, name, false, "Administrators")
	}, func(ts *testServer, org, name string) { ts.RemoveUser(org, name) }, "roles", []any{"Administrators"}},
	{"rockit_machine_user", "username", "ci_bot", func(ts *testServer, org, name string) {
		ts.SeedUser(org, name, true, "Administrators")
	}, func(ts *testServer, org, name string) { ts.RemoveUser(org, name) }, "roles", []any{"Administrators"}},
	{"rockit_app", "name", "Game", func(ts *testServer, org, name string) {
		ts.SeedApp(org, name, "The game", 3, 1024)
	}, func(ts *testServer, org, name string) { ts.RemoveApp(org, name) }, "label", "The game"},
	{"rockit_deployment", "name", "Origin[EU]", func(ts *testServer, org, name string) {
		ts.SeedDeployment(org, name)
	}, func(ts *testServer, org, name string) { ts.RemoveDeployment(org, name) }, "status", "ready"},
	{"rockit_subscription", "name", "hook", func(ts *testServer, org, name string) {
		ts.SeedSubscription(org, name, "https://hooks.example.com/rockit")
	}, func(ts *testServer, org, name string) { ts.RemoveSubscription(org, name) }, "url", "https://hooks.example.com/rockit"},
}

// Terraform 1.12+ asks for the identity schemas of all resources: each names its natural key,
// required for import, and the org-scoped types the organization, optional for import.
func TestProtoIdentity_Schemas(t *testing.T) {
	p := protoNewServer(t, nil)
	got := map[string]string{}
	for typeName, s := range p.identities.IdentitySchemas {
		parts := []string{}
		for _, a := range s.IdentityAttributes {
			flag := "optional"
			if a.RequiredForImport {
				flag = "required"
			}
			if a.Description == "" {
				t.Errorf("%s identity attribute %s has no description", typeName, a.Name)
			}
			parts = append(parts, a.Name+":"+flag)
		}
		got[typeName] = strings.Join(parts, ",")
	}
	want := map[string]string{
		"rockit_organization": "name:required",
		"rockit_role":         "name:required,org_name:optional",
		"rockit_user":         "org_name:optional,username:required",
		"rockit_machine_user": "org_name:optional,username:required",
		"rockit_app":          "name:required,org_name:optional",
		"rockit_deployment":   "name:required,org_name:optional",
		"rockit_subscription": "name:required,org_name:optional",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("identity schemas:\n got  %v\n want %v", got, want)
	}
	for typeName := range p.schemas.ResourceSchemas {
		if _, ok := want[typeName]; !ok {
			t.Errorf("resource %s has no identity schema", typeName)
		}
	}
}

// import { identity = { name = ... } } (org_name left out, then given): the import and the
// following Read answer with the object's identity, including the provider's organization, and
// Read fills the state from the server.
func TestProtoIdentity_ImportByIdentityThenRead(t *testing.T) {
	for _, tc := range identityCases {
		t.Run(tc.typeName, func(t *testing.T) {
			ts := newTestServer(t)
			p := protoOrgServer(t, ts, "acme")
			tc.seed(ts, "acme", tc.name)
			wantIdentity := map[string]any{tc.nameAttr: tc.name, "org_name": "acme"}
			for _, identity := range []map[string]any{
				{tc.nameAttr: tc.name},
				{tc.nameAttr: tc.name, "org_name": "acme"},
			} {
				imp := p.protoImport(tc.typeName, "", identity)
				if got := p.protoDecodeIdentity(tc.typeName, imp.Identity); !reflect.DeepEqual(got, wantIdentity) {
					t.Errorf("import identity = %v, want %v", got, wantIdentity)
				}
				read := p.protoRead(tc.typeName, imp.State, imp.Private, imp.Identity)
				state := p.protoDecodeState(tc.typeName, read.NewState)
				if state["id"] != tc.name || state[tc.nameAttr] != tc.name {
					t.Errorf("state id/%s = %v/%v, want %q", tc.nameAttr, state["id"], state[tc.nameAttr], tc.name)
				}
				if !reflect.DeepEqual(state[tc.attr], tc.want) {
					t.Errorf("state %s = %#v, want %#v (filled by Read)", tc.attr, state[tc.attr], tc.want)
				}
				if got := p.protoDecodeIdentity(tc.typeName, read.NewIdentity); !reflect.DeepEqual(got, wantIdentity) {
					t.Errorf("read identity = %v, want %v", got, wantIdentity)
				}
			}
		})
	}
}

// terraform import / import { id = ... } keeps working and now also answers with the identity.
func TestProtoIdentity_ImportByIDSetsIdentity(t *testing.T) {
	for _, tc := range identityCases {
		t.Run(tc.typeName, func(t *testing.T) {
			ts := newTestServer(t)
			p := protoOrgServer(t, ts, "acme")
			tc.seed(ts, "acme", tc.name)
			imp := p.protoImport(tc.typeName, tc.name, nil)
			want := map[string]any{tc.nameAttr: tc.name, "org_name": "acme"}
			if got := p.protoDecodeIdentity(tc.typeName, imp.Identity); !reflect.DeepEqual(got, want) {
				t.Errorf("import identity = %v, want %v", got, want)
			}
			read := p.protoRead(tc.typeName, imp.State, imp.Private, imp.Identity)
			if state := p.protoDecodeState(tc.typeName, read.NewState); !reflect.DeepEqual(state[tc.attr], tc.want) {
				t.Errorf("state %s = %#v, want %#v", tc.attr, state[tc.attr], tc.want)
			}
		})
	}
}

// The organization is identified by its name alone; Read keeps the imported state (the API
// cannot read organizations) and answers with the same identity.
func TestProtoIdentity_Organization(t *testing.T) {
	ts := newTestServer(t)
	p := protoOrgServer(t, ts, "acme")
	imp := p.protoImport("rockit_organization", "", map[string]any{"name": "acme"})
	read := p.protoRead("rockit_organization", imp.State, imp.Private, imp.Identity)
	state := p.protoDecodeState("rockit_organization", read.NewState)
	if state["id"] != "acme" || state["name"] != "acme" || state["deletion_protection"] != false {
		t.Errorf("state = %v", state)
	}
	if got := p.protoDecodeIdentity("rockit_organization", read.NewIdentity); !reflect.DeepEqual(got, map[string]any{"name": "acme"}) {
		t.Errorf("identity = %v", got)
	}
}

// Bad identities fail the import with a message naming the rule, without an API call.
func TestProtoIdentity_ImportErrors(t *testing.T) {
	ts := newTestServer(t)
	p := protoOrgServer(t, ts, "acme")
	ts.SeedRole("acme", "Developers", map[string]int{})
	before := len(ts.Requests())
	for _, tc := range []struct {
		typeName string
		identity map[string]any
		want     string
	}{
		{"rockit_role", map[string]any{"name": "Developers", "org_name": "other"}, `The identity names organization "other", but this provider configuration manages organization "acme"`},
		{"rockit_role", map[string]any{"name": "not a name"}, `Import a role by its name (2 to 50 letters, digits and underscores), got "not a name" in the identity.`},
		{"rockit_role", map[string]any{"name": "Administrators"}, "The role Administrators is built in and cannot be managed"},
		{"rockit_deployment", map[string]any{"name": "a/b"}, "Invalid import identity"},
		{"rockit_user", map[string]any{"username": "x"}, `Import a user by its username`},
	} {
		resp := p.protoImportResponse(tc.typeName, "", tc.identity)
		if got := protoErrors(resp.Diagnostics); !strings.Contains(got, tc.want) {
			t.Errorf("%s %v: errors %q, want %q", tc.typeName, tc.identity, got, tc.want)
		}
	}
	if reqs := ts.Requests()[before:]; len(reqs) != 0 {
		t.Errorf("bad imports sent requests: %s", describeRequests(reqs))
	}
}

// Create (PlanResourceChange + ApplyResourceChange, as terraform apply) answers with the new
// object's identity; so does a later Read.
func TestProtoIdentity_CreateAndReadReturnIdentity(t *testing.T) {
	ts := newTestServer(t)
	p := protoOrgServer(t, ts, "acme")
	for _, tc := range []struct {
		typeName, nameAttr, name string
		config                   map[string]any
	}{
		{"rockit_role", "name", "Testers", map[string]any{"name": "Testers", "permissions": map[string]any{"apps": []any{"read"}}}},
		{"rockit_machine_user", "username", "deployer", map[string]any{"username": "deployer", "label": "CI", "roles": []any{"Administrators"}}},
	} {
		created := p.protoCreate(tc.typeName, tc.config)
		want := map[string]any{tc.nameAttr: tc.name, "org_name": "acme"}
		if got := p.protoDecodeIdentity(tc.typeName, created.NewIdentity); !reflect.DeepEqual(got, want) {
			t.Errorf("%s create identity = %v, want %v", tc.typeName, got, want)
		}
		read := p.protoRead(tc.typeName, created.NewState, created.Private, created.NewIdentity)
		if got := p.protoDecodeIdentity(tc.typeName, read.NewIdentity); !reflect.DeepEqual(got, want) {
			t.Errorf("%s read identity = %v, want %v", tc.typeName, got, want)
		}
	}
	if n := len(ts.requestsMatching("POST", "/be/v1/roles")); n != 1 {
		t.Errorf("role POSTs = %d, want 1", n)
	}
}

// An object deleted outside Terraform: Read removes it from state without an error, also for
// a state without identity (written by Terraform < 1.12 or a provider before identities), where
// the framework insists on an identity after every Read without errors.
func TestProtoIdentity_ReadGoneWithoutPriorIdentity(t *testing.T) {
	for _, tc := range identityCases {
		t.Run(tc.typeName, func(t *testing.T) {
			ts := newTestServer(t)
			p := protoOrgServer(t, ts, "acme")
			tc.seed(ts, "acme", tc.name)
			imp := p.protoImport(tc.typeName, tc.name, nil)
			read := p.protoRead(tc.typeName, imp.State, imp.Private, nil)
			tc.remove(ts, "acme", tc.name)
			gone := p.protoRead(tc.typeName, read.NewState, read.Private, nil)
			if state := p.protoDecodeState(tc.typeName, gone.NewState); state != nil {
				t.Errorf("state after an out-of-band delete = %v, want removed", state)
			}
		})
	}
}
