package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// On a 2026 host IssueAuthToken returns the access token of a login of its own, with how to
// send it: the client's own refreshes (which rotate its refresh token) do not end it, and it
// cannot be extended.
func TestIssueAuthToken_2026IsAnAccessTokenOfItsOwn(t *testing.T) {
	clock := newFakeClock()
	m, url, creds := mockOfScheme(t, mockserver.AuthScheme2026, clock)
	c := newTestClient(t, url, clock, func(cfg *Config) { creds(cfg); cfg.AuthScheme = AuthScheme2026 })
	ctx := context.Background()

	getRolesConcurrently(t, c, 1) // the client's own login
	tok, err := c.IssueAuthToken(ctx)
	if err != nil {
		t.Fatalf("IssueAuthToken: %v", err)
	}
	if tok.Generation != AuthScheme2026 || tok.Header != HeaderAuthorization || tok.Scheme != "Bearer" ||
		tok.HeaderValue != "Bearer "+tok.Token || tok.Token == "" || tok.Extensible {
		t.Errorf("issued %+v, want a 2026 access token sent as Authorization: Bearer, not extensible", *tok)
	}
	if now := clock.Now(); !tok.ExpiresAt.After(now) || tok.ExpiresAt.After(now.Add(2*time.Second)) {
		t.Errorf("expires at %v, want within the mock's access-token lifetime (2s) from %v", tok.ExpiresAt, now)
	}
	if n := countLog(m, "POST", "/be/v1/login"); n != 4 {
		t.Errorf("%d login requests, want 4 (both steps for the client, both for the token): %v", n, requestLog(m))
	}

	// The client renews its own token; the issued one still works until it expires.
	clock.Advance(1500 * time.Millisecond)
	getRolesConcurrently(t, c, 1)
	if n := countLog(m, "POST", "/be/v1/refresh"); n != 1 {
		t.Fatalf("%d refresh requests, want 1: %v", n, requestLog(m))
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/be/v1/roles?order[]=name", nil)
	req.Header.Set(tok.Header, tok.HeaderValue)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the issued token was refused after the client's refresh: %d", resp.StatusCode)
	}

	if _, err := c.ExtendAuthToken(ctx, tok.Token); !errors.Is(err, ErrNoExtensionIn2026) {
		t.Errorf("ExtendAuthToken: %v, want ErrNoExtensionIn2026", err)
	}
}
