package client

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// The recovery from an organization whose create answer was lost is a request the user sends
// by hand: OrganizationDeleteRequest gives its URL and header, and that request, sent as the
// error text tells (with prune=false), deletes the organization on either generation.
func TestOrganizationDeleteRequestDeletesTheOrganization(t *testing.T) {
	for _, scheme := range []string{AuthScheme2025, AuthScheme2026} {
		t.Run(scheme, func(t *testing.T) {
			const token = "admin-token"
			m := mockserver.New(mockserver.Options{AdminToken: token, AuthScheme: scheme})
			hs := httptest.NewServer(m)
			t.Cleanup(hs.Close)
			m.SeedOrg("Lost_1", "admin")
			c := newTestClient(t, hs.URL, nil, func(cfg *Config) { cfg.AdminToken = token; cfg.AuthScheme = scheme })

			rawURL, header, prefix := c.OrganizationDeleteRequest("Lost_1")
			if want := hs.URL + "/be/v1/orgs/Lost_1"; rawURL != want {
				t.Errorf("URL = %q, want %q", rawURL, want)
			}
			req, err := http.NewRequest(http.MethodDelete, rawURL+"?prune=false", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set(header, prefix+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK || m.OrgExists("Lost_1") {
				t.Errorf("DELETE with %s: %q answered %d; organization still exists: %v", header, prefix, resp.StatusCode, m.OrgExists("Lost_1"))
			}
		})
	}
}
