package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sessionServer issues numbered session and auth tokens and accepts only the newest auth token
// (unless reject says otherwise).
type sessionServer struct {
	*recordingServer
	authTTL    int
	sessionTTL int
	logins     atomic.Int32
	auths      atomic.Int32
	// rejectAll makes every org-scoped request answer 401; rejectAuth makes /auth answer 401 n times.
	rejectAll  atomic.Bool
	rejectAuth atomic.Int32
	// slow delays the login and auth answers, so that concurrent callers overlap.
	slow time.Duration
}

func newSessionServer(t *testing.T) *sessionServer {
	s := &sessionServer{authTTL: 300, sessionTTL: 86400}
	s.recordingServer = newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/be/v1/login":
			time.Sleep(s.slow)
			n := s.logins.Add(1)
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"sessionToken": fmt.Sprintf("sess-%d", n), "expiresIn": s.sessionTTL}))
		case "/be/v1/auth":
			time.Sleep(s.slow)
			if s.rejectAuth.Load() > 0 {
				s.rejectAuth.Add(-1)
				writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "session expired"})
				return
			}
			n := s.auths.Add(1)
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"authToken": fmt.Sprintf("auth-%d", n), "expiresIn": s.authTTL}))
		default:
			want := fmt.Sprintf("auth-%d", s.auths.Load())
			if s.rejectAll.Load() || r.Header.Get(HeaderAuthToken) != want {
				writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "unauthorized: auth token expired"})
				return
			}
			writeJSONAnswer(w, http.StatusOK, success(nil))
		}
	})
	return s
}

func sessionConfig(cfg *Config) { cfg.OrgName, cfg.Username, cfg.Password = "Acme", "alice", "pw" }

// tokensUsed returns the auth tokens the GET requests carried, in order.
func (s *sessionServer) tokensUsed() []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Method == http.MethodGet {
			out = append(out, r.Header.Get(HeaderAuthToken))
		}
	}
	return out
}

func TestAuthTokenIsRenewedBeforeItExpires(t *testing.T) {
	srv := newSessionServer(t)
	clock := newFakeClock()
	c := newTestClient(t, srv.URL, clock, sessionConfig)
	get := func() {
		t.Helper()
		if err := c.get(context.Background(), "/be/v1/roles", nil); err != nil {
			t.Fatal(err)
		}
	}
	get()
	clock.Advance(260 * time.Second) // 40 s before expiry: still good
	get()
	clock.Advance(15 * time.Second) // 25 s before expiry: inside the 30 s margin, renew
	get()
	if got := srv.tokensUsed(); fmt.Sprint(got) != "[auth-1 auth-1 auth-2]" {
		t.Errorf("tokens used = %v", got)
	}
	if srv.logins.Load() != 1 {
		t.Errorf("logins = %d: renewing the auth token must reuse the session", srv.logins.Load())
	}
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/be/v1/roles" {
			continue
		}
		if r.Path == "/be/v1/auth" && r.Header.Get(HeaderSessionToken) != "sess-1" {
			t.Errorf("auth carried session %q", r.Header.Get(HeaderSessionToken))
		}
	}
	// A session near its end is renewed by a new login.
	clock.Advance(24 * time.Hour)
	get()
	if srv.logins.Load() != 2 {
		t.Errorf("logins = %d after the session expired, want 2", srv.logins.Load())
	}
}

func TestConcurrentRequestsShareOneLoginAndOneRenewal(t *testing.T) {
	srv := newSessionServer(t)
	srv.slow = 50 * time.Millisecond
	clock := newFakeClock()
	c := newTestClient(t, srv.URL, clock, sessionConfig)
	burst := func() {
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- c.get(context.Background(), "/be/v1/roles", nil)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	burst()
	if l, a := srv.logins.Load(), srv.auths.Load(); l != 1 || a != 1 {
		t.Fatalf("20 concurrent first requests made %d logins and %d auths, want 1 and 1", l, a)
	}
	clock.Advance(280 * time.Second)
	burst()
	if l, a := srv.logins.Load(), srv.auths.Load(); l != 1 || a != 2 {
		t.Fatalf("after expiry 20 concurrent requests made %d logins and %d auths in all, want 1 and 2", l, a)
	}
	if n := srv.count(http.MethodGet, "/be/v1/roles"); n != 40 {
		t.Errorf("GETs = %d, want 40 (no 401 retries)", n)
	}
}

func TestUnauthorizedReauthenticatesExactlyOnce(t *testing.T) {
	t.Run("token revoked: one re-auth, then success", func(t *testing.T) {
		srv := newSessionServer(t)
		c := newTestClient(t, srv.URL, newFakeClock(), sessionConfig)
		if err := c.get(context.Background(), "/be/v1/roles", nil); err != nil {
			t.Fatal(err)
		}
		srv.auths.Store(5) // the server revokes auth-1: only auth-5 is valid, the client holds auth-1
		if err := c.get(context.Background(), "/be/v1/roles", nil); err != nil {
			t.Fatalf("a 401 must trigger a re-auth and a retry: %v", err)
		}
		if got := srv.tokensUsed(); fmt.Sprint(got) != "[auth-1 auth-1 auth-6]" {
			t.Errorf("tokens used = %v", got)
		}
		if srv.logins.Load() != 1 {
			t.Errorf("logins = %d, want 1 (the session is still good)", srv.logins.Load())
		}
	})
	t.Run("still 401: exactly one retry, then the error", func(t *testing.T) {
		srv := newSessionServer(t)
		srv.rejectAll.Store(true)
		clock := newFakeClock()
		c := newTestClient(t, srv.URL, clock, sessionConfig)
		err := c.get(context.Background(), "/be/v1/roles", nil)
		if !IsUnauthorized(err) {
			t.Fatalf("error = %v, want 401", err)
		}
		if n := srv.count(http.MethodGet, "/be/v1/roles"); n != 2 {
			t.Errorf("GETs = %d, want 2", n)
		}
		if a := srv.auths.Load(); a != 2 {
			t.Errorf("auths = %d, want 2", a)
		}
		if len(clock.Waits()) != 0 {
			t.Errorf("a 401 is not a retry with backoff")
		}
	})
	t.Run("session refused by /auth: one new login", func(t *testing.T) {
		srv := newSessionServer(t)
		srv.rejectAuth.Store(1)
		c := newTestClient(t, srv.URL, newFakeClock(), sessionConfig)
		if err := c.get(context.Background(), "/be/v1/roles", nil); err != nil {
			t.Fatal(err)
		}
		if l := srv.logins.Load(); l != 2 {
			t.Errorf("logins = %d, want 2", l)
		}
	})
	t.Run("wrong password: one login, a clear 401", func(t *testing.T) {
		srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
			writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "login failed: wrong password"})
		})
		c := newTestClient(t, srv.URL, newFakeClock(), sessionConfig)
		err := c.get(context.Background(), "/be/v1/roles", nil)
		if !IsUnauthorized(err) || len(srv.Requests()) != 1 {
			t.Fatalf("error = %v after %d requests, want one 401 from the login", err, len(srv.Requests()))
		}
	})
	t.Run("API key: a 401 is final", func(t *testing.T) {
		srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
			writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "unknown API key"})
		})
		c := newTestClient(t, srv.URL, newFakeClock(), apiKeyConfig)
		if err := c.get(context.Background(), "/be/v1/roles", nil); !IsUnauthorized(err) || len(srv.Requests()) != 1 {
			t.Fatalf("error = %v after %d requests", err, len(srv.Requests()))
		}
	})
}

// maskingLogger records the secrets the client registers.
type maskingLogger struct {
	recordingLogger
	mu      sync.Mutex
	secrets []string
}

func (l *maskingLogger) AddSecret(s string) {
	l.mu.Lock()
	l.secrets = append(l.secrets, s)
	l.mu.Unlock()
}

func TestSessionAndAuthTokensAreHandedToTheMasker(t *testing.T) {
	srv := newSessionServer(t)
	clock := newFakeClock()
	log := &maskingLogger{}
	c := newTestClient(t, srv.URL, clock, func(cfg *Config) { sessionConfig(cfg); cfg.Logger = log })
	for range 2 {
		if err := c.get(context.Background(), "/be/v1/roles", nil); err != nil {
			t.Fatal(err)
		}
		clock.Advance(290 * time.Second)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if fmt.Sprint(log.secrets) != "[sess-1 auth-1 auth-2]" {
		t.Errorf("secrets handed to the masker = %v, want the session and both auth tokens", log.secrets)
	}
}

func TestAnswerSecretsAreHandedToTheMasker(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"username": "ci", "apiKey": "key-0123456789", "label": "CI"}))
		default:
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"username": "ci", "apiKey": "never-masked-read"}))
		}
	})
	log := &maskingLogger{}
	c := newTestClient(t, srv.URL, nil, func(cfg *Config) { apiKeyConfig(cfg); cfg.Logger = log })
	if _, err := c.CreateUser(context.Background(), CreateUserRequest{Username: "ci", Label: "CI"}); err != nil {
		t.Fatal(err)
	}
	if err := c.get(context.Background(), "/be/v1/users/ci", nil); err != nil {
		t.Fatal(err)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if fmt.Sprint(log.secrets) != "[key-0123456789]" {
		t.Errorf("secrets handed to the masker = %v, want the new API key", log.secrets)
	}
}
