package client

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// IssuedAuthToken is an auth token issued for someone other than the client itself (the
// rockit_auth_token ephemeral resource): the client never sends it.
type IssuedAuthToken struct {
	Token     string
	ExpiresAt time.Time
}

// ErrMachineUserNoAuthToken says that the configured credentials are a machine user's API key,
// which has no session and therefore no auth token.
var ErrMachineUserNoAuthToken = errors.New("a machine user (api_key) has no auth token: it sends its API-key headers with every request")

// ErrNoAuthTokenIn2026 says that the server speaks the 2026 login (access and refresh tokens),
// which has no separate auth token to issue for others.
var ErrNoAuthTokenIn2026 = errors.New("the ROCKIT Edge host speaks the 2026 login (auth_scheme \"2026\"), which issues no " +
	"separate auth token: the ephemeral rockit_auth_token needs a 2025 host")

// IssueAuthToken obtains a new auth token of the configured human user from the client's
// session (logging in when there is none): POST /be/v1/auth. It is independent of the token the
// client uses itself, so the client's own renewal never ends it early.
func (c *Client) IssueAuthToken(ctx context.Context) (*IssuedAuthToken, error) {
	return c.authTokenCall(ctx, "")
}

// ExtendAuthToken asks the server to let token live one more auth-token lifetime: POST
// /be/v1/auth with the session token and the token to extend. A server that answers with a
// different token did not extend it; that is an *UnextendedTokenError (the new token is not
// returned and is left to expire).
func (c *Client) ExtendAuthToken(ctx context.Context, token string) (*IssuedAuthToken, error) {
	return c.authTokenCall(ctx, token)
}

// UnextendedTokenError says that the server issued a new token instead of extending the old one.
type UnextendedTokenError struct{}

func (e *UnextendedTokenError) Error() string {
	return "the server issued a new auth token instead of extending the existing one"
}

func (c *Client) authTokenCall(ctx context.Context, extend string) (*IssuedAuthToken, error) {
	if err := c.checkOrgCredentials(); err != nil {
		return nil, err
	}
	if !c.usesSession() {
		return nil, ErrMachineUserNoAuthToken
	}
	u, err := c.userAuthenticator(ctx)
	if err != nil {
		return nil, err
	}
	session, ok := u.(*sessionAuth)
	if !ok {
		return nil, ErrNoAuthTokenIn2026
	}
	for tries := 0; ; tries++ {
		sess, err := session.currentSession(ctx)
		if err != nil {
			return nil, err
		}
		h := http.Header{HeaderSessionToken: []string{sess}}
		if extend != "" {
			h.Set(HeaderAuthToken, extend)
		}
		var tok AuthToken
		_, err = c.do(ctx, request{method: http.MethodPost, path: "/be/v1/auth", auth: authNone, headers: h}, &tok)
		if err != nil {
			// The session ended early on the server: log in once more. (When extending, a 401
			// may also mean the token itself expired; the second answer tells.)
			if IsUnauthorized(err) && tries == 0 {
				session.dropSession(ctx, sess)
				continue
			}
			return nil, err
		}
		if extend != "" && tok.AuthToken != extend {
			return nil, &UnextendedTokenError{}
		}
		ttl := time.Duration(tok.ExpiresIn) * time.Second
		if ttl <= 0 {
			ttl = defaultAuthTTL
		}
		return &IssuedAuthToken{Token: tok.AuthToken, ExpiresAt: c.cfg.Now().Add(ttl)}, nil
	}
}

// currentSession returns a valid session token, logging in when there is none.
// It holds the session's slot (see token) while it logs in.
func (s *sessionAuth) currentSession(ctx context.Context) (string, error) {
	if err := s.mu.lock(ctx); err != nil {
		return "", err
	}
	defer s.mu.unlock()
	if err := s.client.loginBlocked(); err != nil {
		return "", err
	}
	if s.sessionToken == "" || !s.client.cfg.Now().Before(s.sessionExpiry) {
		if err := s.login(ctx); err != nil {
			return "", err
		}
	}
	return s.sessionToken, nil
}

// dropSession forgets the session token after the server refused it, unless a concurrent
// request already replaced it.
func (s *sessionAuth) dropSession(ctx context.Context, used string) {
	if s.mu.lock(ctx) != nil {
		return // stopping: the next call logs in again if it must
	}
	if s.sessionToken == used {
		s.sessionToken = ""
	}
	s.mu.unlock()
}

// Username returns the user the org-scoped credentials act as.
func (c *Client) Username() string { return c.cfg.Username }

// Now is the client's clock.
func (c *Client) Now() time.Time { return c.cfg.Now() }

// RenewMargin is how long before its expiry a token of lifetime ttl should be renewed.
func RenewMargin(ttl time.Duration) time.Duration { return renewMargin(ttl) }
