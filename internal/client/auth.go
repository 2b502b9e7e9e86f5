package client

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Authentication schemes (Config.AuthScheme): which login flow a human user's password goes
// through. A server speaks one generation (contract sections 2 and 12).
const (
	// AuthSchemeAuto logs in with the 2025 body, which both generations accept, and tells them
	// apart by the answer: sessionToken = 2025, selectionToken = 2026. The answer is
	// remembered for the life of the Client.
	AuthSchemeAuto = "auto"
	// AuthScheme2025 is the session/auth-token pair: POST /be/v1/login, POST /be/v1/auth,
	// x-rockit-beauth-token.
	AuthScheme2025 = "2025"
	// AuthScheme2026 is the access/refresh pair: a two-step POST /be/v1/login,
	// POST /be/v1/refresh, Authorization: Bearer.
	AuthScheme2026 = "2026"
)

// AuthSchemes lists the valid values of Config.AuthScheme.
var AuthSchemes = []string{AuthSchemeAuto, AuthScheme2025, AuthScheme2026}

// userAuth obtains the token of a human user's org-scoped requests. The two generations
// implement it: sessionAuth (2025) and bearerAuth (2026). Both serialise logins and renewals
// under one mutex, so concurrent requests share them.
type userAuth interface {
	// token returns a valid token, logging in or renewing as needed.
	token(ctx context.Context) (string, error)
	// setHeader puts a token into a request's headers.
	setHeader(h http.Header, token string)
	// invalidate drops a token the server refused, unless a concurrent request replaced it.
	invalidate(used string)
}

// LoginRequest is the body of POST /be/v1/login (step 1 in 2026, which ignores orgName).
type LoginRequest struct {
	OrgName  string `json:"orgName"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// Session is the answer to a 2025 login.
type Session struct {
	SessionToken string         `json:"sessionToken"`
	ExpiresIn    int            `json:"expiresIn"`
	Permissions  map[string]int `json:"permissions,omitempty"`
}

// loginAnswer is the answer to a first login of either generation.
type loginAnswer struct {
	Session
	// 2026, step 1: the organizations of the user and the token that selects one.
	SelectionToken string   `json:"selectionToken"`
	Orgs           orgNames `json:"orgs"`
}

// orgNames reads the organizations a 2026 login offers: names, or objects with a name
// (the contract assumes names; a server that sends objects is read as well).
type orgNames []string

func (o *orgNames) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
			continue
		}
		var obj struct {
			Name    string `json:"name"`
			OrgName string `json:"orgName"`
		}
		if err := json.Unmarshal(r, &obj); err != nil {
			return err
		}
		out = append(out, cmp.Or(obj.Name, obj.OrgName))
	}
	*o = out
	return nil
}

// AuthToken is the answer to POST /be/v1/auth.
type AuthToken struct {
	AuthToken string `json:"authToken"`
	ExpiresIn int    `json:"expiresIn"`
}

// BearerTokens is the answer to the 2026 organization login (step 2) and to POST /be/v1/refresh.
type BearerTokens struct {
	AccessToken      string `json:"accessToken"`
	ExpiresIn        int    `json:"expiresIn"`
	RefreshToken     string `json:"refreshToken"`
	RefreshExpiresIn int    `json:"refreshExpiresIn"`
}

// Contract lifetimes, used when an answer does not say.
const (
	defaultSessionTTL   = 24 * time.Hour
	defaultAuthTTL      = 5 * time.Minute
	defaultSelectionTTL = 15 * time.Minute
	defaultAccessTTL    = 15 * time.Minute
	defaultRefreshTTL   = 24 * time.Hour
)

// renewMargin is how long before its expiry a token is renewed: a tenth of its lifetime, but at
// least a second (or half a lifetime shorter than two seconds), at most 30 seconds, so that a
// request never leaves with a token about to expire. The floor matters for short lifetimes: a
// request's latency does not shrink with the token's lifetime.
func renewMargin(ttl time.Duration) time.Duration {
	return min(max(ttl/10, min(ttl/2, time.Second)), 30*time.Second)
}

// expiry is when a token of this lifetime (seconds, or def when the answer does not say) should
// be renewed.
func (c *Client) expiry(seconds int, def time.Duration) time.Time {
	ttl := time.Duration(seconds) * time.Second
	if ttl <= 0 {
		ttl = def
	}
	return c.cfg.Now().Add(ttl - renewMargin(ttl))
}

// SchemeMismatchError says that the server answered a login in the other generation than the
// configured auth_scheme.
type SchemeMismatchError struct {
	Configured string
	Server     string
}

func (e *SchemeMismatchError) Error() string {
	return fmt.Sprintf("auth_scheme is %q but the server answered the login as a %s server; "+
		"set auth_scheme = %q (or \"auto\")", e.Configured, e.Server, e.Server)
}

// OrgNotOfferedError says that a 2026 login does not list the configured organization.
type OrgNotOfferedError struct {
	OrgName  string
	Username string
	Offered  []string
}

func (e *OrgNotOfferedError) Error() string {
	offered := "none"
	if len(e.Offered) > 0 {
		offered = strings.Join(e.Offered, ", ")
	}
	return fmt.Sprintf("user %q does not belong to organization %q; the login offered: %s", e.Username, e.OrgName, offered)
}

// firstLogin sends POST /be/v1/login with the 2025 body, which a 2026 server reads as step 1.
func (c *Client) firstLogin(ctx context.Context) (*loginAnswer, error) {
	var ans loginAnswer
	cfg := c.cfg
	if _, err := c.do(ctx, request{
		method: http.MethodPost,
		path:   "/be/v1/login",
		auth:   authNone,
		body:   LoginRequest{OrgName: cfg.OrgName, Username: cfg.Username, Password: cfg.Password},
		budget: c.passwordBudget,
	}, &ans); err != nil {
		return nil, err
	}
	return &ans, nil
}

// generationOf tells the generation of a first login's answer ("" when it carries neither token).
func generationOf(a *loginAnswer) string {
	switch {
	case a.SessionToken != "":
		return AuthScheme2025
	case a.SelectionToken != "":
		return AuthScheme2026
	}
	return ""
}

// userAuthenticator returns the human user's authenticator. With auth_scheme "auto" the first
// call logs in and picks the generation from the answer; concurrent callers wait for it.
func (c *Client) userAuthenticator(ctx context.Context) (userAuth, error) {
	if err := c.authMu.lock(ctx); err != nil {
		return nil, err
	}
	defer c.authMu.unlock()
	if ua := c.userAuth(); ua != nil {
		return ua, nil
	}
	// A concurrent login may have found that the organization does not exist, or that the
	// credentials are wrong: do not ask again.
	if err := c.loginBlocked(); err != nil {
		return nil, err
	}
	ans, err := c.firstLogin(ctx)
	if err != nil {
		return nil, c.loginFailed(err)
	}
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	switch generationOf(ans) {
	case AuthScheme2025:
		s := &sessionAuth{client: c, mu: newSlot()}
		s.adopt(ans)
		c.user, c.generation = s, AuthScheme2025
	case AuthScheme2026:
		b := &bearerAuth{client: c, mu: newSlot()}
		b.adoptSelection(ans)
		c.user, c.generation = b, AuthScheme2026
	default:
		return nil, errors.New("the login answer carries neither a sessionToken (2025) nor a selectionToken (2026); " +
			"set auth_scheme to the server's generation")
	}
	c.logDebug(ctx, "ROCKIT Edge authentication generation detected", map[string]any{"auth_scheme": c.generation})
	return c.user, nil
}

// AuthGeneration returns the generation the client speaks: the configured one, the one auto
// detected, or "" while auto has not logged in yet.
// It never waits for a login in progress.
func (c *Client) AuthGeneration() string {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	return c.generation
}

// userAuth returns the human user's authenticator, nil while auto has not logged in yet.
func (c *Client) userAuth() userAuth {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	return c.user
}

// slot is a lock whose waiters give up when their own context ends: a login or renewal held up
// by a 429 or a slow server holds no other request beyond that request's context (issue 16).
// Lock state and the token fields it guards are only touched while holding it.
type slot chan struct{}

func newSlot() slot { return make(slot, 1) }

// lock waits for the slot or for ctx; it returns an error naming what it waited for. A free
// slot is taken even when ctx has ended (a select with both ready picks at random): a request
// stopped there then ends as not sent, not as a wait for a login that nobody held.
func (l slot) lock(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	default:
	}
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the login of another request: %w", ctx.Err())
	}
}

func (l slot) unlock() { <-l }

// validToken is the token requests carry, with the time it must be renewed by. It is read
// without waiting for the slot, so requests whose token is still valid never queue behind
// another request's login or renewal (and are not cut off while they would have).
type validToken struct {
	mu     sync.Mutex
	token  string
	expiry time.Time
}

// get returns the token while it is valid at now, else "".
func (v *validToken) get(now time.Time) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.token != "" && now.Before(v.expiry) {
		return v.token
	}
	return ""
}

func (v *validToken) set(token string, expiry time.Time) {
	v.mu.Lock()
	v.token, v.expiry = token, expiry
	v.mu.Unlock()
}

// value returns the token whatever its expiry.
func (v *validToken) value() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.token
}

// drop forgets the token after the server refused it, unless a concurrent request already
// replaced it.
func (v *validToken) drop(used string) {
	v.mu.Lock()
	if v.token == used {
		v.token = ""
	}
	v.mu.Unlock()
}

// --- 2025: session and auth token ---

// sessionAuth holds the session and auth tokens of a human user's login. One mutex makes
// concurrent requests share one login and one renewal.
type sessionAuth struct {
	client *Client

	mu            slot
	sessionToken  string
	sessionExpiry time.Time
	current       validToken // the auth token
}

func (s *sessionAuth) setHeader(h http.Header, token string) { h.Set(HeaderAuthToken, token) }

// token returns a valid auth token, logging in or renewing as needed.
func (s *sessionAuth) token(ctx context.Context) (string, error) {
	if tok := s.current.get(s.client.cfg.Now()); tok != "" {
		return tok, nil
	}
	if err := s.mu.lock(ctx); err != nil {
		return "", err
	}
	defer s.mu.unlock()
	// A concurrent login may have found that the organization does not exist, or that the
	// credentials are wrong: do not ask again.
	if err := s.client.loginBlocked(); err != nil {
		return "", err
	}
	now := s.client.cfg.Now()
	if tok := s.current.get(now); tok != "" {
		return tok, nil // renewed by another request while this one waited
	}
	for tries := 0; ; tries++ {
		if s.sessionToken == "" || !now.Before(s.sessionExpiry) {
			if err := s.login(ctx); err != nil {
				return "", err
			}
		}
		var tok AuthToken
		_, err := s.client.do(ctx, request{
			method:  http.MethodPost,
			path:    "/be/v1/auth",
			auth:    authNone,
			headers: http.Header{HeaderSessionToken: []string{s.sessionToken}},
		}, &tok)
		if err != nil {
			// The session ended early on the server: log in once more.
			if IsUnauthorized(err) && tries == 0 {
				s.sessionToken = ""
				continue
			}
			return "", err
		}
		s.current.set(tok.AuthToken, s.client.expiry(tok.ExpiresIn, defaultAuthTTL))
		return tok.AuthToken, nil
	}
}

func (s *sessionAuth) login(ctx context.Context) error {
	ans, err := s.client.firstLogin(ctx)
	if err != nil {
		return s.client.loginFailed(err)
	}
	if g := generationOf(ans); g == AuthScheme2026 {
		return s.client.loginFailed(&SchemeMismatchError{Configured: AuthScheme2025, Server: g})
	}
	s.adopt(ans)
	return nil
}

// adopt keeps the session of a login's answer.
func (s *sessionAuth) adopt(a *loginAnswer) {
	s.sessionToken = a.SessionToken
	s.sessionExpiry = s.client.expiry(a.ExpiresIn, defaultSessionTTL)
}

func (s *sessionAuth) invalidate(used string) { s.current.drop(used) }

// --- 2026: access and refresh token ---

// bearerAuth holds the access and refresh tokens of a 2026 login. One mutex makes concurrent
// requests share one login and one renewal; a refresh token is presented once (the server
// rotates it), so a failed renewal logs in again instead of presenting it twice.
type bearerAuth struct {
	client *Client

	mu              slot
	selection       string // from step 1, used once by step 2
	selectionBudget *sendBudget
	selectionExpiry time.Time
	orgs            []string // the organizations step 1 offered; nil when it did not say
	access          validToken
	refresh         string
	refreshExpiry   time.Time
	// selectionUsed: the last login got as far as the second step (a 401 there is not the password's).
	selectionUsed bool
}

func (b *bearerAuth) setHeader(h http.Header, token string) {
	h.Set(HeaderAuthorization, "Bearer "+token)
}

// token returns a valid access token: the current one, a renewed one, or one of a new login.
func (b *bearerAuth) token(ctx context.Context) (string, error) {
	if tok := b.access.get(b.client.cfg.Now()); tok != "" {
		return tok, nil
	}
	if err := b.mu.lock(ctx); err != nil {
		return "", err
	}
	defer b.mu.unlock()
	if err := b.client.loginBlocked(); err != nil {
		return "", err
	}
	now := b.client.cfg.Now()
	if tok := b.access.get(now); tok != "" {
		return tok, nil // renewed by another request while this one waited
	}
	if b.refresh != "" && now.Before(b.refreshExpiry) {
		err := b.renew(ctx)
		if err == nil {
			return b.access.value(), nil
		}
		if ctx.Err() != nil {
			return "", err
		}
		// Revoked, already rotated, or the answer was lost: the token must not be presented
		// again. Log in once more.
		b.client.logWarn(ctx, "ROCKIT Edge token refresh failed, logging in again", map[string]any{"error": err.Error()})
	}
	b.refresh = ""
	b.access.set("", time.Time{})
	if err := b.login(ctx); err != nil {
		return "", err
	}
	return b.access.value(), nil
}

// renew presents the refresh token once (no retries: a lost answer may have rotated it).
func (b *bearerAuth) renew(ctx context.Context) error {
	used := b.refresh
	b.refresh = "" // never presented twice, whatever the answer
	var tok BearerTokens
	if _, err := b.client.do(ctx, request{
		method:  http.MethodPost,
		path:    "/be/v1/refresh",
		auth:    authNone,
		body:    struct{}{},
		headers: http.Header{HeaderAuthorization: []string{"Bearer " + used}},
		noRetry: true,
	}, &tok); err != nil {
		return err
	}
	return b.adoptTokens(&tok)
}

// login runs both steps: credentials (unless auto detection already did), then the organization.
// A 401 from the second step (the selection token expired, or was used by an attempt whose
// answer was lost) starts over from the first step (see below).
//
// A selection token is used up by the second step even when its answer is lost, and the retry
// of that request then answers 401, so each such restart counts as one retry of the login: up to
// max_retries restarts (at least one), never beyond the caller's context.
func (b *bearerAuth) login(ctx context.Context) error {
	err := b.loginOnce(ctx)
	for restarts := 0; IsUnauthorized(err) && b.selectionUsed && ctx.Err() == nil &&
		restarts < max(1, b.client.cfg.MaxRetries); restarts++ {
		b.selection = ""
		err = b.loginOnce(ctx)
	}
	return err
}

func (b *bearerAuth) loginOnce(ctx context.Context) error {
	cfg := b.client.cfg
	b.selectionUsed = false
	if b.selection == "" || !b.client.cfg.Now().Before(b.selectionExpiry) {
		ans, err := b.client.firstLogin(ctx)
		if err != nil {
			return b.client.loginFailed(err)
		}
		if g := generationOf(ans); g != AuthScheme2026 {
			if g == "" {
				return errors.New("the login answer carries no selectionToken; is this a 2026 ROCKIT Edge? (auth_scheme = \"2026\")")
			}
			return b.client.loginFailed(&SchemeMismatchError{Configured: AuthScheme2026, Server: g})
		}
		b.adoptSelection(ans)
	}
	selection, budget := b.selection, b.selectionBudget
	b.selection = ""
	b.selectionUsed = true
	if b.orgs != nil && !slices.Contains(b.orgs, cfg.OrgName) {
		return b.client.loginFailed(&OrgNotOfferedError{OrgName: cfg.OrgName, Username: cfg.Username, Offered: b.orgs})
	}
	var tok BearerTokens
	if _, err := b.client.do(ctx, request{
		method:  http.MethodPost,
		path:    "/be/v1/login",
		auth:    authNone,
		body:    map[string]string{"orgName": cfg.OrgName},
		headers: http.Header{HeaderAuthorization: []string{"Bearer " + selection}},
		budget:  budget,
	}, &tok); err != nil {
		if IsForbidden(err) {
			return b.client.loginFailed(fmt.Errorf("%w (%w)", &OrgNotOfferedError{OrgName: cfg.OrgName, Username: cfg.Username, Offered: b.orgs}, err))
		}
		return err
	}
	return b.adoptTokens(&tok)
}

func (b *bearerAuth) adoptSelection(a *loginAnswer) {
	b.selection = a.SelectionToken
	b.selectionBudget = newSendBudget("the selection token of the login", "", false)
	b.selectionExpiry = b.client.expiry(a.ExpiresIn, defaultSelectionTTL)
	b.orgs = nil
	if a.Orgs != nil {
		b.orgs = append([]string{}, a.Orgs...)
	}
}

func (b *bearerAuth) adoptTokens(t *BearerTokens) error {
	if t.AccessToken == "" {
		return errors.New("the ROCKIT Edge answer carries no accessToken")
	}
	b.access.set(t.AccessToken, b.client.expiry(t.ExpiresIn, defaultAccessTTL))
	b.refresh = t.RefreshToken
	b.refreshExpiry = b.client.expiry(t.RefreshExpiresIn, defaultRefreshTTL)
	return nil
}

func (b *bearerAuth) invalidate(used string) { b.access.drop(used) }

// Logout ends a 2026 login on the server (POST /be/v1/logout with the access token), so that
// its refresh token stops working. It does nothing when there is no such login.
func (c *Client) Logout(ctx context.Context) error {
	b, ok := c.userAuth().(*bearerAuth)
	if !ok {
		return nil
	}
	if err := b.mu.lock(ctx); err != nil {
		return err
	}
	defer b.mu.unlock()
	access := b.access.value()
	if access == "" {
		return nil
	}
	b.access.set("", time.Time{})
	b.refresh = ""
	_, err := c.do(ctx, request{
		method:  http.MethodPost,
		path:    "/be/v1/logout",
		auth:    authNone,
		body:    struct{}{},
		headers: http.Header{HeaderAuthorization: []string{"Bearer " + access}},
		noRetry: true,
	}, nil)
	return err
}

// --- the administrator token ---

// setAdminHeader sends the admin token the way the server's generation expects: the 2025
// header, or Authorization: Bearer on a 2026 server (known from auth_scheme, from a login, or
// from a 401 to the 2025 header under "auto"; see Client.do).
func (c *Client) setAdminHeader(h http.Header) string {
	c.stateMu.Lock()
	bearer := c.generation == AuthScheme2026 || c.adminBearer
	c.stateMu.Unlock()
	if bearer {
		h.Set(HeaderAuthorization, "Bearer "+c.cfg.AdminToken)
		return AuthScheme2026
	}
	h.Set(HeaderAuthToken, c.cfg.AdminToken)
	return AuthScheme2025
}

// probeAdminBearer is called after the admin token in the 2025 header was refused. Under
// "auto", unless a login showed a 2025 server, it switches the admin token to
// Authorization: Bearer and reports true so that the request is tried once more.
func (c *Client) probeAdminBearer() bool {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if c.cfg.AuthScheme != AuthSchemeAuto || c.generation == AuthScheme2025 {
		return false
	}
	c.adminBearer = true
	return true
}

// adminBearerFailed undoes probeAdminBearer when the Bearer header was refused as well: the
// token itself is wrong, and the next request starts with the 2025 header again.
func (c *Client) adminBearerFailed() {
	c.stateMu.Lock()
	if c.cfg.AuthScheme == AuthSchemeAuto && c.generation == "" {
		c.adminBearer = false
	}
	c.stateMu.Unlock()
}
