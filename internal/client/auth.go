package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// sessionAuth holds the session and auth tokens of a human user's login. One renewal slot makes
// concurrent requests share one login and one renewal; a request waiting for that slot stops
// waiting when its own context ends (a login held up by a 429 holds no one beyond their context).
type sessionAuth struct {
	client *Client

	// renewing holds one token while a request logs in or renews the auth token.
	renewing chan struct{}

	mu            sync.Mutex // guards the fields below; never held across a request
	sessionToken  string
	sessionExpiry time.Time
	token         string
	tokenExpiry   time.Time
}

// LoginRequest is the body of POST /be/v1/login.
type LoginRequest struct {
	OrgName  string `json:"orgName"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// Session is the answer to a login.
type Session struct {
	SessionToken string         `json:"sessionToken"`
	ExpiresIn    int            `json:"expiresIn"`
	Permissions  map[string]int `json:"permissions,omitempty"`
}

// AuthToken is the answer to POST /be/v1/auth.
type AuthToken struct {
	AuthToken string `json:"authToken"`
	ExpiresIn int    `json:"expiresIn"`
}

// Contract lifetimes, used when an answer does not say.
const (
	defaultSessionTTL = 24 * time.Hour
	defaultAuthTTL    = 5 * time.Minute
)

// renewMargin is how long before its expiry a token is renewed: a tenth of its lifetime, at most
// 30 seconds, so that a request never leaves with a token about to expire.
func renewMargin(ttl time.Duration) time.Duration {
	return min(ttl/10, 30*time.Second)
}

// authToken returns a valid auth token, logging in or renewing as needed.
func (s *sessionAuth) authToken(ctx context.Context) (string, error) {
	if tok := s.current(); tok != "" {
		return tok, nil
	}
	select {
	case s.renewing <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for the login of another request: %w", ctx.Err())
	}
	defer func() { <-s.renewing }()
	// A concurrent login may have found that the organization does not exist: do not ask again.
	if err := s.client.gone.check(); err != nil {
		return "", err
	}
	// Another request may have renewed the token while this one waited.
	if tok := s.current(); tok != "" {
		return tok, nil
	}
	for tries := 0; ; tries++ {
		s.mu.Lock()
		session, expiry := s.sessionToken, s.sessionExpiry
		s.mu.Unlock()
		if session == "" || !s.client.cfg.Now().Before(expiry) {
			if err := s.login(ctx); err != nil {
				return "", err
			}
			s.mu.Lock()
			session = s.sessionToken
			s.mu.Unlock()
		}
		var tok AuthToken
		_, err := s.client.do(ctx, request{
			method:  http.MethodPost,
			path:    "/be/v1/auth",
			auth:    authNone,
			headers: http.Header{HeaderSessionToken: []string{session}},
		}, &tok)
		if err != nil {
			// The session ended early on the server: log in once more.
			if IsUnauthorized(err) && tries == 0 {
				s.mu.Lock()
				s.sessionToken = ""
				s.mu.Unlock()
				continue
			}
			return "", err
		}
		ttl := time.Duration(tok.ExpiresIn) * time.Second
		if ttl <= 0 {
			ttl = defaultAuthTTL
		}
		s.mu.Lock()
		s.token = tok.AuthToken
		s.tokenExpiry = s.client.cfg.Now().Add(ttl - renewMargin(ttl))
		s.mu.Unlock()
		return tok.AuthToken, nil
	}
}

// current returns the auth token if it is still valid, else "".
func (s *sessionAuth) current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.client.cfg.Now().Before(s.tokenExpiry) {
		return s.token
	}
	return ""
}

func (s *sessionAuth) login(ctx context.Context) error {
	var sess Session
	cfg := s.client.cfg
	if _, err := s.client.do(ctx, request{
		method: http.MethodPost,
		path:   "/be/v1/login",
		auth:   authNone,
		body:   LoginRequest{OrgName: cfg.OrgName, Username: cfg.Username, Password: cfg.Password},
	}, &sess); err != nil {
		return err
	}
	ttl := time.Duration(sess.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = defaultSessionTTL
	}
	s.mu.Lock()
	s.sessionToken = sess.SessionToken
	s.sessionExpiry = s.client.cfg.Now().Add(ttl - renewMargin(ttl))
	s.mu.Unlock()
	return nil
}

// invalidate drops the auth token after the server refused it, unless a concurrent request
// already replaced it.
func (s *sessionAuth) invalidate(used string) {
	s.mu.Lock()
	if s.token == used {
		s.token = ""
	}
	s.mu.Unlock()
}
