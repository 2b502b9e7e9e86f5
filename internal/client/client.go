// Package client is a REST client for the ROCKIT Edge Backend API (/be/v1).
//
// It has no Terraform imports: the provider maps its typed requests and responses to schema
// models. One Client holds one pooled http.Client and the credentials of one provider
// configuration; it is safe for concurrent use.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config holds what a Client needs. Empty credentials are allowed: a call that needs a missing
// credential fails with a *MissingCredentialError, so that a provider configured from values
// unknown at plan time still works for everything else.
type Config struct {
	// Endpoint is the base URL of the Edge host, e.g. https://edge.example.com.
	Endpoint string
	// AdminToken is the Edge administrator token, used for /be/v1/orgs.
	AdminToken string
	// OrgName and Username identify the org-scoped caller; with Password the client logs in
	// (session + auth token), with APIKey it sends the machine-user headers.
	OrgName  string
	Username string
	Password string
	APIKey   string
	// AuthScheme is the login flow of a password: AuthSchemeAuto (default when empty),
	// AuthScheme2025 or AuthScheme2026 (see auth.go). It also decides how the admin token travels.
	AuthScheme string

	// UserAgent is sent with every request.
	UserAgent string
	// Timeout bounds one HTTP attempt (default 30s).
	Timeout time.Duration
	// InsecureSkipVerify disables TLS certificate verification.
	InsecureSkipVerify bool
	// CACertPEM adds trusted certificate authorities for a self-hosted Edge.
	CACertPEM string
	// MaxRetries is how many times a failed attempt is retried (429, 502, 503, 504, connection
	// errors). Negative means the default (5); 0 disables retries.
	MaxRetries int
	// RateLimit is the most requests per second this client sends; 0 means unlimited.
	RateLimit float64

	// Logger receives one line per attempt (method, path, status, duration, attempt); nil: none.
	Logger Logger
	// Now and Sleep may be replaced in tests.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Logger receives the client's debug records. Fields never contain secrets.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// SecretMasker is implemented by a Logger that masks secrets: the client hands it every
// session and auth token it obtains, so that none could ever appear in a record.
type SecretMasker interface {
	AddSecret(secret string)
}

// maskSecret registers a secret with the Logger, if it masks secrets.
func (c *Client) maskSecret(s string) {
	if m, ok := c.cfg.Logger.(SecretMasker); ok && s != "" {
		m.AddSecret(s)
	}
}

// answerSecretFields are the answer fields that carry secrets: tokens, initial passwords, API
// keys, subscription secrets.
var answerSecretFields = []string{
	"sessionToken", "authToken", "selectionToken", "accessToken", "refreshToken",
	"initialPassword", "apiKey", "secret",
}

// maskAnswerSecrets hands the secrets of a write's answer to the Logger, if it masks secrets.
func (c *Client) maskAnswerSecrets(data json.RawMessage) {
	if _, ok := c.cfg.Logger.(SecretMasker); !ok || len(data) == 0 {
		return
	}
	var fields map[string]any
	if json.Unmarshal(data, &fields) != nil {
		return
	}
	for _, k := range answerSecretFields {
		if s, ok := fields[k].(string); ok {
			c.maskSecret(s)
		}
	}
}

// Client talks to one ROCKIT Edge host.
type Client struct {
	cfg     Config
	base    *url.URL
	http    *http.Client
	limiter *rateLimiter

	// authMu guards the human user's authenticator and the generation (see auth.go).
	authMu      sync.Mutex
	user        userAuth // nil until auth_scheme "auto" has logged in
	generation  string   // AuthScheme2025 or AuthScheme2026 once known
	adminBearer bool     // auto: the admin token travels as Authorization: Bearer
}

// AuthMode selects the credentials a request carries.
type authMode int

const (
	authNone  authMode = iota // login: no credentials in headers
	authAdmin                 // x-rockit-beauth-token: admin token
	authOrg                   // the org-scoped credentials: auth token or API-key headers
)

// Header names of the contract.
const (
	HeaderAuthToken    = "x-rockit-beauth-token"
	HeaderSessionToken = "x-rockit-besession-token"
	HeaderOrgName      = "x-rockit-orgname"
	HeaderUsername     = "x-rockit-username"
	HeaderAPIKey       = "x-rockit-api-key"
	// HeaderAuthorization carries the 2026 tokens and the 2026 admin token (Bearer).
	HeaderAuthorization = "Authorization"
)

// New makes a Client with one pooled transport. It does not talk to the server.
func New(cfg Config) (*Client, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 5
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepContext
	}
	if cfg.AuthScheme == "" {
		cfg.AuthScheme = AuthSchemeAuto
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify} //nolint:gosec // explicit opt-in by the user
	if cfg.CACertPEM != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(cfg.CACertPEM)) {
			return nil, errors.New("ca_cert_pem holds no PEM certificate")
		}
		tlsCfg.RootCAs = pool
	}
	// One pooled transport per provider configuration: keep-alive connections are reused by
	// every resource (Terraform runs up to 10 operations at once).
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       tlsCfg,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}

	c := &Client{
		cfg:     cfg,
		http:    &http.Client{Transport: transport, Timeout: cfg.Timeout},
		limiter: newRateLimiter(cfg.RateLimit, cfg.Now),
	}
	switch cfg.AuthScheme {
	case AuthSchemeAuto:
	case AuthScheme2025:
		c.user, c.generation = &sessionAuth{client: c}, AuthScheme2025
	case AuthScheme2026:
		c.user, c.generation = &bearerAuth{client: c}, AuthScheme2026
	default:
		return nil, fmt.Errorf("auth_scheme %q is not one of %s", cfg.AuthScheme, strings.Join(AuthSchemes, ", "))
	}
	if cfg.Endpoint != "" {
		u, err := url.Parse(strings.TrimRight(cfg.Endpoint, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("endpoint %q is not an http(s) URL", cfg.Endpoint)
		}
		c.base = u
	}
	return c, nil
}

// HTTPClient returns the pooled http.Client, for callers that need to share it.
func (c *Client) HTTPClient() *http.Client { return c.http }

// OrgName returns the organization the org-scoped credentials act in.
func (c *Client) OrgName() string { return c.cfg.OrgName }

// request is one API call before it is sent.
type request struct {
	method string
	path   string // e.g. /be/v1/orgs/Name, segments escaped with url.PathEscape
	query  url.Values
	body   any
	auth   authMode
	// headers are extra headers (e.g. the session token for /auth).
	headers http.Header
	// noRetry sends the request once (a refresh token must never be presented twice).
	noRetry bool
}

// envelope is the body every answer carries.
type envelope struct {
	Status  string          `json:"status"`
	Message string          `json:"message"`
	Error   string          `json:"error"`
	Data    json.RawMessage `json:"data"`
	Total   *int            `json:"total"`
}

// do sends r, retrying where that is safe, and decodes the answer's data into out (if not nil).
func (c *Client) do(ctx context.Context, r request, out any) (*envelope, error) {
	if c.base == nil {
		return nil, &MissingCredentialError{Credential: CredentialEndpoint, Purpose: "every request"}
	}
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("encoding %s %s: %w", r.method, r.path, err)
		}
	}
	reauthed := false
	// lost is set once an attempt of a POST may have reached the server without its answer
	// reaching us: a later 409 may then be our own object (see APIError.MayBeOwnCreate).
	lost := false
	for attempt := 1; ; attempt++ {
		env, retry, err := c.attempt(ctx, r, body, attempt)
		var apiErr *APIError
		if err != nil && lost && errors.As(err, &apiErr) {
			apiErr.MayBeOwnCreate = true
		}
		if err == nil {
			if r.method != http.MethodGet {
				c.maskAnswerSecrets(env.Data)
			}
			if out != nil && len(env.Data) > 0 && string(env.Data) != "null" {
				if err := json.Unmarshal(env.Data, out); err != nil {
					return env, fmt.Errorf("decoding answer of %s %s: %w", r.method, r.path, err)
				}
			}
			return env, nil
		}
		// A 401 on an org-scoped request in session mode: the auth token was revoked or
		// expired early. Obtain a new one and try once more. (A 401 of the login itself, e.g.
		// a wrong password, carries no token and is final.)
		if r.auth == authOrg && IsUnauthorized(err) && !reauthed && c.usesSession() && retry.token != "" {
			reauthed = true
			c.invalidateUserToken(retry.token)
			attempt--
			continue
		}
		// The admin token under "auto": a 2026 server refuses the 2025 header, so try it once
		// as Authorization: Bearer (contract section 12).
		if r.auth == authAdmin && IsUnauthorized(err) {
			if !reauthed && retry.adminScheme == AuthScheme2025 && c.probeAdminBearer() {
				reauthed = true
				attempt--
				continue
			}
			if retry.adminScheme == AuthScheme2026 {
				c.adminBearerFailed()
			}
		}
		if retry.ok && attempt <= c.cfg.MaxRetries && !r.noRetry {
			if r.method == http.MethodPost && retry.ambiguous {
				lost = true
			}
			wait := backoff(attempt, retry.after)
			c.logWarn(ctx, "ROCKIT Edge request failed, retrying", map[string]any{
				"method": r.method, "path": r.path, "attempt": attempt, "wait_ms": wait.Milliseconds(), "error": err.Error(),
			})
			if serr := c.cfg.Sleep(ctx, wait); serr != nil {
				return nil, fmt.Errorf("%w (stopped retrying: %w)", err, serr)
			}
			continue
		}
		return nil, err
	}
}

// retryDecision says whether a failed attempt may be retried and how long the server asked to wait.
type retryDecision struct {
	ok    bool
	after time.Duration
	// ambiguous: the server may have acted on the request (a 5xx, or a connection lost after
	// the request was sent).
	ambiguous bool
	// token is the user token (2025 auth token, 2026 access token) the attempt carried, if any.
	token string
	// adminScheme is how the attempt sent the admin token (AuthScheme2025 or AuthScheme2026).
	adminScheme string
}

// attempt sends one HTTP request.
func (c *Client) attempt(ctx context.Context, r request, body []byte, attempt int) (*envelope, retryDecision, error) {
	if err := c.limiter.wait(ctx, c.cfg.Sleep); err != nil {
		return nil, retryDecision{}, err
	}
	u := *c.base
	// r.path holds escaped segments: RawPath keeps them as they are, Path is their decoding
	// (a RawPath is only used when it encodes Path).
	u.RawPath = c.base.EscapedPath() + r.path
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	} else {
		u.Path, u.RawPath = c.base.Path+r.path, ""
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), rdr)
	if err != nil {
		return nil, retryDecision{}, fmt.Errorf("building %s %s: %w", r.method, r.path, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	for k, vs := range r.headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	usedToken, adminScheme, err := c.authorize(ctx, req, r.auth)
	if err != nil {
		return nil, retryDecision{}, err
	}

	start := c.cfg.Now()
	resp, err := c.http.Do(req)
	fields := map[string]any{"method": r.method, "path": r.path, "attempt": attempt}
	if err != nil {
		fields["duration_ms"] = c.cfg.Now().Sub(start).Milliseconds()
		fields["error"] = err.Error()
		c.logDebug(ctx, "ROCKIT Edge request", fields)
		if ctx.Err() != nil {
			return nil, retryDecision{}, err
		}
		return nil, transportRetry(err), fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	fields["status"] = resp.StatusCode
	fields["duration_ms"] = c.cfg.Now().Sub(start).Milliseconds()
	c.logDebug(ctx, "ROCKIT Edge request", fields)
	if err != nil {
		return nil, retryDecision{ok: true, ambiguous: true}, fmt.Errorf("%s %s: reading answer: %w", r.method, r.path, err)
	}

	env := &envelope{}
	jsonErr := json.Unmarshal(raw, env)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if jsonErr != nil && len(bytes.TrimSpace(raw)) > 0 {
			// Any 2xx is success; a body we cannot read only matters if we need its data.
			env = &envelope{}
		}
		return env, retryDecision{}, nil
	}
	apiErr := &APIError{StatusCode: resp.StatusCode, Method: r.method, Path: r.path}
	switch {
	case jsonErr == nil && env.Message != "":
		apiErr.Message = env.Message
	case jsonErr == nil && env.Error != "":
		apiErr.Message = env.Error
	default:
		apiErr.Message = strings.TrimSpace(string(raw))
		if len(apiErr.Message) > 512 {
			apiErr.Message = apiErr.Message[:512] + "..."
		}
	}
	return nil, retryDecision{
		ok:          retryableStatus(resp.StatusCode),
		ambiguous:   resp.StatusCode >= 500,
		after:       retryAfter(resp.Header.Get("Retry-After"), c.cfg.Now),
		token:       usedToken,
		adminScheme: adminScheme,
	}, apiErr
}

// authorize sets the credential headers of one attempt. It returns the user token it sent (for
// the one re-authentication after a 401) and how it sent the admin token.
func (c *Client) authorize(ctx context.Context, req *http.Request, mode authMode) (usedToken, adminScheme string, err error) {
	switch mode {
	case authAdmin:
		if c.cfg.AdminToken == "" {
			return "", "", &MissingCredentialError{Credential: CredentialAdminToken, Purpose: "organization requests"}
		}
		return "", c.setAdminHeader(req.Header), nil
	case authOrg:
		if err := c.checkOrgCredentials(); err != nil {
			return "", "", err
		}
		if c.cfg.APIKey != "" {
			req.Header.Set(HeaderOrgName, c.cfg.OrgName)
			req.Header.Set(HeaderUsername, c.cfg.Username)
			req.Header.Set(HeaderAPIKey, c.cfg.APIKey)
			return "", "", nil
		}
		ua, err := c.userAuthenticator(ctx)
		if err != nil {
			return "", "", err
		}
		token, err := ua.token(ctx)
		if err != nil {
			return "", "", err
		}
		ua.setHeader(req.Header, token)
		return token, "", nil
	}
	return "", "", nil
}

// invalidateUserToken drops a user token the server refused.
func (c *Client) invalidateUserToken(used string) {
	c.authMu.Lock()
	ua := c.user
	c.authMu.Unlock()
	if ua != nil {
		ua.invalidate(used)
	}
}

func (c *Client) checkOrgCredentials() error {
	const purpose = "requests inside an organization"
	switch {
	case c.cfg.OrgName == "":
		return &MissingCredentialError{Credential: CredentialOrgName, Purpose: purpose}
	case c.cfg.Username == "":
		return &MissingCredentialError{Credential: CredentialUsername, Purpose: purpose}
	case c.cfg.APIKey == "" && c.cfg.Password == "":
		return &MissingCredentialError{Credential: CredentialSecret, Purpose: purpose}
	}
	return nil
}

func (c *Client) usesSession() bool { return c.cfg.APIKey == "" }

func (c *Client) logDebug(ctx context.Context, msg string, fields map[string]any) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.Debug(ctx, msg, fields)
	}
}

func (c *Client) logWarn(ctx context.Context, msg string, fields map[string]any) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.Warn(ctx, msg, fields)
	}
}

// retryableStatus: 429 (refused before acting) and the server faults. Retrying a PATCH or DELETE
// is safe since both name their full target; a POST that may have acted is marked ambiguous so
// that a later 409 can be checked against what was requested.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// transportRetry: a connection that failed while dialing sent nothing; any other transport
// failure (reset, timeout) may have happened after the server acted.
func transportRetry(err error) retryDecision {
	// A certificate that is not trusted stays untrusted: retrying only delays the error.
	var certErr *tls.CertificateVerificationError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &authErr) || errors.As(err, &hostErr) {
		return retryDecision{}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return retryDecision{ok: true}
	}
	return retryDecision{ok: true, ambiguous: true}
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(v string, now func() time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now()); d > 0 {
			return d
		}
	}
	return 0
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
