package client

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// inParallel runs call n times at once and returns the errors.
func inParallel(n int, call func() error) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = call()
		}()
	}
	wg.Wait()
	return errs
}

// slowMock is a mock of scheme that answers every request after delay (a slow or overloaded
// host), with an organization Acme whose administrator is "admin".
func slowMock(t *testing.T, scheme string, delay time.Duration) (*mockserver.Server, string) {
	t.Helper()
	m := mockserver.New(mockserver.Options{AdminToken: "adm", AuthScheme: scheme, Latency: delay})
	m.SeedOrg("Acme", "admin")
	return m, serveMock(t, m)
}

// A credential is sent at most twice while no answer has said whether it is right (issue 30): a
// host that refuses slowly (after the request timeout) gets a wrong password, API key or admin
// token twice, however many retries max_retries allows and however many requests need it at
// once; every request fails with an error naming the credential's source.
func TestCredentialSentAtMostTwice(t *testing.T) {
	sources := map[Credential]string{CredentialSecret: "ROCKIT_PASSWORD", CredentialAdminToken: "`admin_token` in the provider block"}
	wrongPassword := func(c *Config) { c.OrgName, c.Username, c.Password = "Acme", "admin", "wrong" }
	listRoles := func(c *Client) error { _, err := c.ListRoles(context.Background()); return err }
	const passwordSentTwice = "the password (ROCKIT_PASSWORD) was sent 2 times"
	for _, tc := range []struct {
		name, scheme, auth string
		creds              func(*Config)
		call               func(*Client) error
		method, path, want string
	}{
		{"password 2025", mockserver.AuthScheme2025, AuthSchemeAuto, wrongPassword, listRoles, http.MethodPost, "/be/v1/login", passwordSentTwice},
		{"password 2026 auto", mockserver.AuthScheme2026, AuthSchemeAuto, wrongPassword, listRoles, http.MethodPost, "/be/v1/login", passwordSentTwice},
		{"password 2026", mockserver.AuthScheme2026, AuthScheme2026, wrongPassword, listRoles, http.MethodPost, "/be/v1/login", passwordSentTwice},
		{"API key", mockserver.AuthScheme2025, AuthSchemeAuto, func(c *Config) { c.OrgName, c.Username, c.APIKey = "Acme", "bot", "wrong" },
			listRoles, http.MethodGet, "/be/v1/roles", "the API key (ROCKIT_PASSWORD) was sent 2 times"},
		{"admin token, auto", mockserver.AuthScheme2026, AuthSchemeAuto, func(c *Config) { c.AdminToken = "wrong" },
			func(c *Client) error { return c.DeleteOrganization(context.Background(), "Acme", false) },
			http.MethodDelete, "/be/v1/orgs/Acme", "the admin token (`admin_token` in the provider block) was sent 2 times"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, url := slowMock(t, tc.scheme, 300*time.Millisecond)
			c := newTestClient(t, url, nil, func(cfg *Config) {
				tc.creds(cfg)
				cfg.AuthScheme, cfg.Sources = tc.auth, sources
				cfg.Timeout, cfg.MaxRetries = 100*time.Millisecond, 10
			})
			errs := inParallel(5, func() error { return tc.call(c) })
			errs = append(errs, tc.call(c)) // a later request: no send either
			for _, err := range errs {
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "to avoid an account lockout") {
					t.Errorf("error = %v, want %q", err, tc.want)
				}
				if err != nil && strings.Contains(err.Error(), "wrong") {
					t.Errorf("error %q names the secret", err)
				}
			}
			if n := countLog(m, tc.method, tc.path); n != 2 {
				t.Errorf("the host received %d × %s %s, want 2: %v", n, tc.method, tc.path, requestLog(m))
			}
		})
	}
}

// A slow but successful login still works, and once it has, the password is proven: later
// logins of the run are not counted.
func TestSlowSuccessfulLoginWorks(t *testing.T) {
	for _, scheme := range []string{mockserver.AuthScheme2025, mockserver.AuthScheme2026} {
		t.Run(scheme, func(t *testing.T) {
			m := mockserver.New(mockserver.Options{AdminToken: "adm", AuthScheme: scheme, Latency: 150 * time.Millisecond})
			pw := m.SeedOrg("Acme", "admin")
			c := newTestClient(t, serveMock(t, m), nil, func(cfg *Config) {
				cfg.OrgName, cfg.Username, cfg.Password = "Acme", "admin", pw
				cfg.Timeout = 2 * time.Second
			})
			for _, err := range inParallel(5, func() error { _, err := c.ListRoles(context.Background()); return err }) {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := countLog(m, http.MethodPost, "/be/v1/login"); n > 2 {
				t.Errorf("%d logins for one run, want one (2026: two steps)", n)
			}
		})
	}
}

// Answers that say nothing about the credential do not count against it: a 503 (the host
// answered without judging the password; a wrong one is answered 401) and a 429 are retried as
// before, and the password proven by the login that finally succeeds.
func TestCredentialBudgetIgnoresAnswersWithoutAVerdict(t *testing.T) {
	var logins atomic.Int32
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/be/v1/login":
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"authToken": "a", "expiresIn": 300}))
		case logins.Add(1) <= 2:
			writeJSONAnswer(w, http.StatusServiceUnavailable, map[string]any{"status": "error", "message": "busy"})
		case logins.Load() <= 4:
			w.Header().Set("Retry-After", "1")
			writeJSONAnswer(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "slow down"})
		default:
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"sessionToken": "s", "expiresIn": 3600}))
		}
	})
	c := newTestClient(t, srv.URL, newFakeClock(), sessionConfig)
	if err := c.get(context.Background(), "/be/v1/roles", nil); err != nil {
		t.Fatal(err)
	}
	if n := logins.Load(); n != 5 {
		t.Errorf("logins = %d, want 5 (two 503, two 429, one success)", n)
	}
}

// A login whose answer is lost counts: after a lost answer and a slow one, the third is not sent.
func TestCredentialBudgetCountsLostAnswers(t *testing.T) {
	var logins atomic.Int32
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if logins.Add(1) == 1 {
			panic(http.ErrAbortHandler) // the connection is cut after the request arrived
		}
		time.Sleep(300 * time.Millisecond)
		writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "login failed"})
	})
	c := newTestClient(t, srv.URL, nil, func(cfg *Config) { sessionConfig(cfg); cfg.Timeout = 100 * time.Millisecond })
	err := c.get(context.Background(), "/be/v1/roles", nil)
	if !IsCredentialBudgetSpent(err) {
		t.Fatalf("error = %v, want the spent budget", err)
	}
	if n := logins.Load(); n != 2 {
		t.Errorf("logins = %d, want 2", n)
	}
}

// A 2026 selection token is a credential of its own: a second step the host answers slowly is
// sent twice, then the login fails naming it (the password, proven by the first step, is not
// what the host is slow to judge).
func TestSelectionTokenSentAtMostTwice(t *testing.T) {
	var steps [3]atomic.Int32 // first steps, second steps, others
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/be/v1/login" && r.Header.Get(HeaderAuthorization) == "":
			steps[0].Add(1)
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"selectionToken": "sel", "expiresIn": 900, "orgs": []string{"Acme"}}))
		case r.URL.Path == "/be/v1/login":
			steps[1].Add(1)
			time.Sleep(300 * time.Millisecond)
			writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "selection token used"})
		default:
			steps[2].Add(1)
		}
	})
	c := newTestClient(t, srv.URL, nil, func(cfg *Config) {
		sessionConfig(cfg)
		cfg.AuthScheme, cfg.Timeout, cfg.MaxRetries = AuthScheme2026, 100*time.Millisecond, 10
	})
	err := c.get(context.Background(), "/be/v1/roles", nil)
	if err == nil || !strings.Contains(err.Error(), "the selection token of the login was sent 2 times") {
		t.Fatalf("error = %v, want the selection token's spent budget", err)
	}
	if got := [3]int32{steps[0].Load(), steps[1].Load(), steps[2].Load()}; got != [3]int32{1, 2, 0} {
		t.Errorf("first steps, second steps, other requests = %v, want [1 2 0]", got)
	}
}
