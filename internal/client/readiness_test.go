package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// CheckCredentials tells credentials missing for good from credentials not known yet, without a request.
func TestCheckCredentials(t *testing.T) {
	cases := []struct {
		name        string
		cfg         Config
		scope       Scope
		wantMissing []Credential
		wantPending bool
	}{
		{"org scope complete", Config{Endpoint: "https://e.example.com", OrgName: "A", Username: "u", APIKey: "k"}, ScopeOrg, nil, false},
		{"org scope, all missing", Config{Endpoint: "https://e.example.com"}, ScopeOrg,
			[]Credential{CredentialOrgName, CredentialUsername, CredentialSecret}, false},
		{"no endpoint, no admin token", Config{}, ScopeAdmin, []Credential{CredentialEndpoint, CredentialAdminToken}, false},
		{"bootstrap: password not known yet", Config{Endpoint: "https://e.example.com", OrgName: "A", Username: "admin",
			Pending: []Credential{CredentialSecret}}, ScopeOrg, []Credential{CredentialSecret}, true},
		{"missing wins over pending", Config{Endpoint: "https://e.example.com", OrgName: "A",
			Pending: []Credential{CredentialSecret}}, ScopeOrg, []Credential{CredentialUsername}, false},
		{"endpoint not known yet", Config{AdminToken: "t", Pending: []Credential{CredentialEndpoint}}, ScopeAdmin,
			[]Credential{CredentialEndpoint}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckCredentials(tc.scope)
			var m *MissingCredentialError
			if tc.wantMissing == nil {
				if err != nil {
					t.Fatalf("CheckCredentials = %v, want nil", err)
				}
				return
			}
			if !errors.As(err, &m) {
				t.Fatalf("CheckCredentials = %v, want a *MissingCredentialError", err)
			}
			if strings.Join(credStrings(m.Missing), ",") != strings.Join(credStrings(tc.wantMissing), ",") || m.Pending != tc.wantPending {
				t.Errorf("missing %v pending %t, want %v pending %t", m.Missing, m.Pending, tc.wantMissing, tc.wantPending)
			}
		})
	}
}

func credStrings(cs []Credential) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, string(c))
	}
	return out
}

// A login refused because the organization does not exist is asked once: every later
// org-scoped call fails at once with the same, repeated error.
func TestOrganizationNotFoundIsAskedOnce(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "unauthorized: organization 'Acme' does not exist"})
	})
	c := newTestClient(t, srv.URL, newFakeClock(), sessionConfig)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.get(context.Background(), "/be/v1/roles", nil)
		}()
	}
	wg.Wait()
	first := 0
	for _, err := range errs {
		var gone *OrganizationNotFoundError
		if !errors.As(err, &gone) || gone.OrgName != "Acme" || !IsUnauthorized(err) {
			t.Fatalf("error = %v, want an *OrganizationNotFoundError for Acme wrapping the 401", err)
		}
		if !gone.Repeated {
			first++
		}
	}
	if first != 1 {
		t.Errorf("%d errors were not marked repeated, want exactly 1", first)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("the host was asked %d times, want one login", n)
	}
}

// Behind a reverse proxy with a base path, an error names the full URL requested.
func TestErrorsNameTheFullURLWithABasePath(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSONAnswer(w, http.StatusNotFound, map[string]any{"status": "error", "message": "no such route"})
	})
	c := newTestClient(t, srv.URL+"/edge", newFakeClock(), apiKeyConfig)
	err := c.get(context.Background(), "/be/v1/roles/Ops", nil)
	want := "GET " + srv.URL + "/edge/be/v1/roles/Ops: HTTP 404: no such route"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	// Without a base path the error keeps the short form.
	c = newTestClient(t, srv.URL, newFakeClock(), apiKeyConfig)
	if err := c.get(context.Background(), "/be/v1/roles/Ops", nil); err == nil || err.Error() != "GET /be/v1/roles/Ops: HTTP 404: no such route" {
		t.Fatalf("error = %v", err)
	}
}
