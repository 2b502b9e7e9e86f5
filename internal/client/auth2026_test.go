package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// mockOfScheme serves a mock of the given generation on the fake clock, with an organization Acme
// whose administrator the returned tweak logs in as.
func mockOfScheme(t *testing.T, scheme string, clock *fakeClock) (*mockserver.Server, string, func(*Config)) {
	t.Helper()
	m := mockserver.New(mockserver.Options{AdminToken: "adm", AuthScheme: scheme, Now: clock.Now,
		AuthTokenTTL: 2 * time.Second, SessionTTL: time.Hour})
	pw := m.SeedOrg("Acme", "admin")
	url := serveMock(t, m)
	return m, url, func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.Password = "Acme", "admin", pw }
}

// serveMock serves m unchanged on a loopback port.
func serveMock(t *testing.T, m *mockserver.Server) string {
	t.Helper()
	return loseFirstPOSTs(t, m, "", 0)
}

// requestLog lists the mock's requests as "METHOD path auth -> status".
func requestLog(m *mockserver.Server) []string {
	var out []string
	for _, r := range m.Requests() {
		out = append(out, fmt.Sprintf("%s %s %s -> %d", r.Method, r.Path, r.Auth, r.Status))
	}
	return out
}

func countLog(m *mockserver.Server, method, path string) int {
	n := 0
	for _, r := range m.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func getRolesConcurrently(t *testing.T, c *Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListRoles(context.Background()); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestBearerAuth_OneLoginAndOneRefreshForConcurrentRequests(t *testing.T) {
	clock := newFakeClock()
	m, url, creds := mockOfScheme(t, mockserver.AuthScheme2026, clock)
	log := &maskingLogger{}
	c := newTestClient(t, url, clock, func(cfg *Config) { creds(cfg); cfg.AuthScheme = AuthScheme2026; cfg.Logger = log })

	getRolesConcurrently(t, c, 8)
	if n := countLog(m, "POST", "/be/v1/login"); n != 2 {
		t.Fatalf("%d login requests, want 2 (credentials, organization): %v", n, requestLog(m))
	}
	for round := 1; round <= 3; round++ {
		clock.Advance(2 * time.Second) // past the access token's lifetime
		getRolesConcurrently(t, c, 8)
		if n := countLog(m, "POST", "/be/v1/refresh"); n != round {
			t.Fatalf("after round %d: %d refresh requests, want %d: %v", round, n, round, requestLog(m))
		}
	}
	for _, r := range m.Requests() {
		if r.Status != 200 {
			t.Fatalf("a request failed (a refresh token presented twice?): %v", requestLog(m))
		}
		if r.Path == "/be/v1/roles" && r.Auth != "bearer" {
			t.Fatalf("roles request with auth %q, want bearer", r.Auth)
		}
	}
	if n := countLog(m, "POST", "/be/v1/login"); n != 2 {
		t.Errorf("%d login requests after the refreshes, want still 2", n)
	}
	// Every token of the answers went to the masker: selection, 4 access and 4 refresh tokens.
	log.mu.Lock()
	defer log.mu.Unlock()
	kinds := map[string]int{}
	for _, s := range log.secrets {
		kinds[s[:4]]++
	}
	if kinds["sel_"] != 1 || kinds["acc_"] != 4 || kinds["ref_"] != 4 {
		t.Errorf("secrets handed to the masker by kind = %v, want sel_ 1, acc_ 4, ref_ 4", kinds)
	}
}

func TestBearerAuth_RevokedRefreshTokenLogsInAgainOnce(t *testing.T) {
	clock := newFakeClock()
	m, url, creds := mockOfScheme(t, mockserver.AuthScheme2026, clock)
	c := newTestClient(t, url, clock, func(cfg *Config) { creds(cfg); cfg.AuthScheme = AuthScheme2026 })
	getRolesConcurrently(t, c, 1)
	m.RevokeRefreshTokens()
	m.ResetRequests()
	clock.Advance(2 * time.Second)
	getRolesConcurrently(t, c, 4)
	want := []string{
		"POST /be/v1/refresh refresh -> 401",
		"POST /be/v1/login  -> 200",
		"POST /be/v1/login selection -> 200",
	}
	got := requestLog(m)
	if len(got) != 7 || strings.Join(got[:3], "|") != strings.Join(want, "|") {
		t.Fatalf("requests %v, want %v and then 4 roles requests", got, want)
	}
}

func TestBearerAuth_RefusedAccessTokenIsRenewedOnce(t *testing.T) {
	clock := newFakeClock()
	m, url, creds := mockOfScheme(t, mockserver.AuthScheme2026, clock)
	c := newTestClient(t, url, clock, func(cfg *Config) { creds(cfg); cfg.AuthScheme = AuthScheme2026 })
	getRolesConcurrently(t, c, 1)
	m.RevokeAccessTokens()
	m.ResetRequests()
	getRolesConcurrently(t, c, 1)
	want := "GET /be/v1/roles bearer -> 401|POST /be/v1/refresh refresh -> 200|GET /be/v1/roles bearer -> 200"
	if got := strings.Join(requestLog(m), "|"); got != want {
		t.Fatalf("requests %s, want %s", got, want)
	}
}

func TestAuthAuto_DetectsEachGeneration(t *testing.T) {
	for _, tc := range []struct {
		scheme string
		want   []string
	}{
		{mockserver.AuthScheme2025, []string{"POST /be/v1/login  -> 200", "POST /be/v1/auth session -> 200", "GET /be/v1/roles authToken -> 200"}},
		{mockserver.AuthScheme2026, []string{"POST /be/v1/login  -> 200", "POST /be/v1/login selection -> 200", "GET /be/v1/roles bearer -> 200"}},
	} {
		t.Run(tc.scheme, func(t *testing.T) {
			clock := newFakeClock()
			m, url, creds := mockOfScheme(t, tc.scheme, clock)
			c := newTestClient(t, url, clock, func(cfg *Config) { creds(cfg); cfg.AdminToken = "adm" }) // AuthScheme empty = auto
			if g := c.AuthGeneration(); g != "" {
				t.Fatalf("generation before the first login = %q, want unknown", g)
			}
			getRolesConcurrently(t, c, 4)
			if g := c.AuthGeneration(); g != tc.scheme {
				t.Errorf("detected generation %q, want %s", g, tc.scheme)
			}
			got := requestLog(m)
			if len(got) != 6 || strings.Join(got[:3], "|") != strings.Join(tc.want, "|") {
				t.Errorf("requests %v, want %v then 3 more roles requests", got, tc.want)
			}
			// The admin token follows the detected generation without probing.
			m.ResetRequests()
			if err := c.DeleteOrganization(context.Background(), "Nope", false); !IsNotFound(err) {
				t.Fatalf("delete of a missing organization: %v, want 404", err)
			}
			if got := requestLog(m); len(got) != 1 {
				t.Errorf("admin requests %v, want one", got)
			}
		})
	}
}

func TestAuthScheme_MismatchNamesTheRightScheme(t *testing.T) {
	for _, tc := range []struct{ server, configured, want string }{
		{mockserver.AuthScheme2026, AuthScheme2025, `set auth_scheme = "2026"`},
		{mockserver.AuthScheme2025, AuthScheme2026, `set auth_scheme = "2025"`},
	} {
		t.Run(tc.configured+"_on_"+tc.server, func(t *testing.T) {
			clock := newFakeClock()
			_, url, creds := mockOfScheme(t, tc.server, clock)
			c := newTestClient(t, url, clock, func(cfg *Config) { creds(cfg); cfg.AuthScheme = tc.configured })
			_, err := c.ListRoles(context.Background())
			var mm *SchemeMismatchError
			if !errors.As(err, &mm) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a scheme mismatch saying %s", err, tc.want)
			}
		})
	}
}

func TestBearerAuth_WrongOrganizationListsTheOffered(t *testing.T) {
	clock := newFakeClock()
	m, url, creds := mockOfScheme(t, mockserver.AuthScheme2026, clock)
	m.SeedOrg("Other", "someone")
	c := newTestClient(t, url, clock, func(cfg *Config) { creds(cfg); cfg.OrgName = "Other" })
	_, err := c.ListRoles(context.Background())
	var notOffered *OrgNotOfferedError
	if !errors.As(err, &notOffered) || err.Error() != `user "admin" does not belong to organization "Other"; the login offered: Acme` {
		t.Fatalf("error %v, want one naming Other and offering Acme", err)
	}
	if got := requestLog(m); len(got) != 1 {
		t.Errorf("requests %v, want only the first login step", got)
	}
}

func TestAdminToken_AutoTriesBearerOnceOnA2026Server(t *testing.T) {
	for _, tc := range []struct {
		server, configured string
		want               []string
	}{
		{mockserver.AuthScheme2026, AuthSchemeAuto, []string{"DELETE /be/v1/orgs/Nope admin -> 401", "DELETE /be/v1/orgs/Nope admin -> 404", "DELETE /be/v1/orgs/Nope admin -> 404"}},
		{mockserver.AuthScheme2026, AuthScheme2026, []string{"DELETE /be/v1/orgs/Nope admin -> 404", "DELETE /be/v1/orgs/Nope admin -> 404"}},
		{mockserver.AuthScheme2025, AuthSchemeAuto, []string{"DELETE /be/v1/orgs/Nope admin -> 404", "DELETE /be/v1/orgs/Nope admin -> 404"}},
	} {
		t.Run(tc.configured+"_on_"+tc.server, func(t *testing.T) {
			clock := newFakeClock()
			m, url, _ := mockOfScheme(t, tc.server, clock)
			c := newTestClient(t, url, clock, func(cfg *Config) { cfg.AdminToken = "adm"; cfg.AuthScheme = tc.configured })
			for range 2 {
				if err := c.DeleteOrganization(context.Background(), "Nope", false); !IsNotFound(err) {
					t.Fatalf("delete of a missing organization: %v, want 404", err)
				}
			}
			if got := strings.Join(requestLog(m), "|"); got != strings.Join(tc.want, "|") {
				t.Errorf("requests %s, want %s", got, strings.Join(tc.want, "|"))
			}
		})
	}
	t.Run("wrong token stays a 401", func(t *testing.T) {
		clock := newFakeClock()
		m, url, _ := mockOfScheme(t, mockserver.AuthScheme2026, clock)
		c := newTestClient(t, url, clock, func(cfg *Config) { cfg.AdminToken = "wrong" })
		if err := c.DeleteOrganization(context.Background(), "Nope", false); !IsUnauthorized(err) {
			t.Fatalf("error %v, want 401", err)
		}
		if n := len(m.Requests()); n != 2 {
			t.Errorf("%d requests, want 2 (2025 header, then Bearer)", n)
		}
	})
}

func TestBearerAuth_LogoutEndsTheRefreshToken(t *testing.T) {
	clock := newFakeClock()
	m, url, creds := mockOfScheme(t, mockserver.AuthScheme2026, clock)
	c := newTestClient(t, url, clock, creds)
	getRolesConcurrently(t, c, 1)
	if err := c.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := m.RevokeRefreshTokens(); n != 0 {
		t.Errorf("%d refresh tokens alive after the logout, want 0", n)
	}
	if got := requestLog(m); got[len(got)-1] != "POST /be/v1/logout bearer -> 200" {
		t.Errorf("last request %q, want the logout", got[len(got)-1])
	}
}

func TestLoginAnswer_OrgsAsNamesOrObjects(t *testing.T) {
	for body, want := range map[string]string{
		`{"selectionToken":"s","orgs":["A","B"]}`:                            "[A B]",
		`{"selectionToken":"s","orgs":[{"name":"A"},{"orgName":"B","x":1}]}`: "[A B]",
		`{"selectionToken":"s"}`:                                             "[]",
	} {
		var a loginAnswer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if got := fmt.Sprint([]string(a.Orgs)); got != want || generationOf(&a) != AuthScheme2026 {
			t.Errorf("%s: orgs %s (generation %q), want %s", body, got, generationOf(&a), want)
		}
	}
}

// The answer to the organization login is lost after the server used the selection token: the
// retry's 401 starts the login over once instead of failing.
func TestBearerAuth_LostSecondStepAnswerLogsInAgain(t *testing.T) {
	clock := newFakeClock()
	m := mockserver.New(mockserver.Options{AdminToken: "adm", AuthScheme: mockserver.AuthScheme2026, Now: clock.Now})
	pw := m.SeedOrg("Acme", "admin")
	var lost atomic.Bool // handlers run concurrently (list pages are read in parallel)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		if r.URL.Path == "/be/v1/login" && r.Header.Get("Authorization") != "" && rec.Code == 200 && lost.CompareAndSwap(false, true) {
			panic(http.ErrAbortHandler)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(hs.Close)
	c := newTestClient(t, hs.URL, clock, func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.Password = "Acme", "admin", pw })
	if _, err := c.ListRoles(context.Background()); err != nil {
		t.Fatalf("ListRoles after a lost organization login answer: %v (%v)", err, requestLog(m))
	}
	want := "POST /be/v1/login  -> 200|POST /be/v1/login selection -> 200|POST /be/v1/login selection -> 401|POST /be/v1/login  -> 200|POST /be/v1/login selection -> 200|GET /be/v1/roles bearer -> 200"
	if got := strings.Join(requestLog(m), "|"); got != want {
		t.Errorf("requests %s, want %s", got, want)
	}
}
