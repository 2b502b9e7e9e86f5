package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
	// Pending lists the credentials above that are configured from a value the caller does not
	// know yet (Terraform: unknown while planning, e.g. the outputs of an organization created
	// in the same run). A call that needs one fails with a *MissingCredentialError whose
	// Pending is set, so the caller can tell "not yet" from "not configured".
	Pending []Credential
	// SecretHint explains why no secret is configured when the caller left one out on purpose
	// (the provider: a secret in the environment that belongs to another organization or user);
	// a *MissingCredentialError for the secret carries it as Hint.
	SecretHint string
	// AdminHint is SecretHint for the admin token (the provider: ROCKIT_ADMIN_TOKEN left out
	// because the provider block names another host than ROCKIT_ENDPOINT).
	AdminHint string
	// Sources names where each credential came from ("`password` in the provider block",
	// "ROCKIT_PASSWORD"), for the error of a credential not sent again (CredentialBudgetError).
	Sources map[Credential]string
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
	// MaxRetries is how many times a failed attempt is retried (500, 502, 503, 504, connection
	// errors). Negative means the default (5); 0 disables retries. A 429 (refused before acting,
	// with the server's word when to come back) is retried without counting against it, within
	// MaxElapsed, unless retries are disabled.
	MaxRetries int
	// RateLimit is the most requests per second this client sends; 0 means unlimited. After a
	// 429 the client keeps to the rate the server accepted, never above RateLimit (see limiter).
	RateLimit float64
	// MaxElapsed bounds one operation with all its retries (default 5m): no retry starts, and
	// no attempt runs, beyond it.
	MaxElapsed time.Duration
	// CollectionReads serves the refresh reads (ReadRole, ReadUser, ReadApp, ReadDeployment,
	// GetSubscription) from one walk of each type's list, shared by the Client (snapshot.go);
	// false: one GET per read.
	CollectionReads bool
	// Journal records the creates about to be sent, as evidence for a later run (journal.go);
	// nil: one in memory, for this Client only.
	Journal *Journal
	// Workspace is the Terraform workspace whose state this Client serves, and Run names the
	// Terraform run (process) that started the provider ("" when not known): the evidence of
	// a create carries both, and only this workspace's evidence adopts, never another
	// provider configuration's of the same run (ownership.go).
	Workspace string
	Run       string

	// Logger receives one line per attempt (method, path, status, duration, attempt); nil: none.
	Logger Logger
	// KnownOrganization, when set, answers whether the caller knows that the organization name
	// existed (the provider: one it manages). An OrganizationNotFoundError for such a name
	// says Known. The client asks; it does not remember what the caller knows.
	KnownOrganization func(name string) bool
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
	limiter *limiter
	gone    orgGone
	snaps   *snapshots // the collection snapshots of the refresh reads
	journal *Journal   // evidence of the creates sent (journal.go)
	sendsMu sync.Mutex
	sends   map[string]int // creates sent by this Client, by journal key
	taken   takenNames     // the plan-time list of names per type (taken.go)
	// instance names this Client (one provider configuration of one run) in the evidence of
	// its creates: random, made by New.
	instance string
	clock    serverClock // the server's clock, learned from Date headers (servertime.go)

	// authMu is held while auth_scheme "auto" logs in for the first time (see auth.go); the
	// fields below it are set under authMu and stateMu, and read under stateMu alone, so that
	// nothing but a login waits for a login.
	authMu      slot
	stateMu     sync.Mutex
	user        userAuth // nil until auth_scheme "auto" has logged in
	generation  string   // AuthScheme2025 or AuthScheme2026 once known
	adminBearer bool     // auto: the admin token travels as Authorization: Bearer

	loginRejected rejection // a definite failure of the human user's login (rejected.go)
	keyGate       *credGate // the API key until an answer proves it
	adminGate     *credGate // the admin token until an answer proves it
	// The send budgets of the credentials (budget.go).
	passwordBudget, keyBudget, adminBudget *sendBudget
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

// authorizeWaitSlack is how long setting an attempt's credentials may take before the attempt
// passes the rate limiter once more (it waited for a login or a token renewal).
const authorizeWaitSlack = 50 * time.Millisecond

// DefaultMaxElapsed is the default total budget of one operation with its retries.
const DefaultMaxElapsed = 5 * time.Minute

// New makes a Client with one pooled transport. It does not talk to the server.
func New(cfg Config) (*Client, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 5
	}
	if cfg.MaxElapsed <= 0 {
		cfg.MaxElapsed = DefaultMaxElapsed
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
	transport, err := newTransport(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:     cfg,
		http:    &http.Client{Transport: transport, Timeout: cfg.Timeout},
		limiter: newLimiter(cfg.RateLimit),
	}
	c.authMu = newSlot()
	c.instance = randomSuffix()
	c.keyGate, c.adminGate = newCredGate(), newCredGate()
	c.passwordBudget = newSendBudget("the password", CredentialSecret, false)
	c.keyBudget = newSendBudget("the API key", CredentialSecret, true)
	c.adminBudget = newSendBudget("the admin token", CredentialAdminToken, true)
	c.journal = cfg.Journal
	if c.journal == nil {
		c.journal = NewJournal("")
	}
	c.newSnapshots()
	c.gone.known = cfg.KnownOrganization
	switch cfg.AuthScheme {
	case AuthSchemeAuto:
	case AuthScheme2025:
		c.user, c.generation = &sessionAuth{client: c, mu: newSlot()}, AuthScheme2025
	case AuthScheme2026:
		c.user, c.generation = &bearerAuth{client: c, mu: newSlot()}, AuthScheme2026
	default:
		return nil, fmt.Errorf("auth_scheme %q is not one of %s", cfg.AuthScheme, strings.Join(AuthSchemes, ", "))
	}
	if cfg.Endpoint != "" {
		u, err := ParseEndpoint(cfg.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("endpoint %q is not a valid ROCKIT Edge URL: %w", cfg.Endpoint, err)
		}
		c.base = u
	}
	return c, nil
}

// newTransport makes the one pooled transport of a provider configuration: keep-alive
// connections are reused by every resource (Terraform runs up to 10 operations at once).
func newTransport(cfg Config) (*http.Transport, error) {
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
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialContext(&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}),
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       tlsCfg,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}, nil
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
	// budget is the send budget of the credential the request carries when auth does not say
	// (the password of a login, a selection token); see budgetFor.
	budget *sendBudget
	// onSend, when set, is called right before each attempt is written to the connection
	// (after the rate limiter, the login and any hold), with the time it leaves.
	onSend func(time.Time)
}

// envelope is the body every answer carries.
type envelope struct {
	Status  string          `json:"status"`
	Message string          `json:"message"`
	Error   string          `json:"error"`
	Data    json.RawMessage `json:"data"`
	Total   *int            `json:"total"`

	// answer describes a 2xx answer, for an *UndecodableAnswerError when its data is needed.
	answer answerInfo
}

// answerInfo is what an error may tell about a 2xx answer: never a JSON body, which could
// carry secrets.
type answerInfo struct {
	url         string
	status      int
	contentType string
	size        int
	isJSON      bool
	head        string // the first bytes of a body that is not JSON
}

// do sends r, retrying where that is safe, and decodes the answer's data into out (if not nil).
//
// Cancellation (Terraform's graceful stop cancels ctx): the waits before an attempt (rate
// limiter, login and token renewal, backoff) end at once and no new attempt starts. An attempt
// of a write (POST, PATCH, DELETE) that has been sent is detached from ctx (see attempt): it runs
// to its answer, bounded by the request timeout, so that its result can be recorded in state.
//
// A request carrying a credential that no answer has proven yet waits for its gate (credGate),
// so that a wrong API key or admin token is refused once per run.
func (c *Client) do(ctx context.Context, r request, out any) (*envelope, error) {
	if g := c.gateFor(r); g != nil && c.base != nil {
		held, err := g.enter(ctx)
		if err != nil {
			return nil, err
		}
		if held {
			env, err := c.send(ctx, r, out)
			return env, g.leave(err)
		}
	}
	return c.send(ctx, r, out)
}

// observeRateLimit tells the limiter how the server answered: any answer but a 429 counts as
// accepted; a 429 (of a request sent at sent) holds every request until its Retry-After, after
// which the limiter cuts the rate (waitLimiter) and lets it grow back.
func (c *Client) observeRateLimit(status int, sent time.Time, after time.Duration, afterRaw string) {
	if status == http.StatusTooManyRequests {
		c.limiter.asked(c.cfg.Now(), after, afterRaw)
		c.limiter.rateLimited(c.cfg.Now(), sent, after)
		return
	}
	c.limiter.accept(c.cfg.Now())
}

// waitLimiter waits until an attempt may be sent, and logs (once in the Client's life) the
// rate it learned from a 429.
func (c *Client) waitLimiter(ctx context.Context, r request, opStart time.Time) error {
	if asked := c.limiter.beyondBudget(c.cfg.Now(), opStart.Add(c.cfg.MaxElapsed)); asked != "" {
		// Another request's 429 holds every request, for longer than this one's budget: fail at
		// once rather than wait the capped hold only to meet the same refusal.
		return &waitBeyondBudgetError{method: r.method, path: r.path, asked: asked,
			left: c.cfg.MaxElapsed - c.cfg.Now().Sub(opStart), budget: c.cfg.MaxElapsed}
	}
	learned, err := c.limiter.wait(ctx, c.cfg.Now, c.cfg.Sleep)
	if learned != nil {
		fields := map[string]any{
			"requests_per_second": math.Round(learned.perSecond*100) / 100,
			"accepted":            learned.accepted,
		}
		if c.cfg.RateLimit > 0 {
			fields["rate_limit"] = c.cfg.RateLimit
		}
		c.logDebug(ctx, "ROCKIT Edge rate limit reached (429): this provider slows to 70% of the rate the server accepted "+
			"in the second before it, and speeds up again while no 429 comes", fields)
	}
	if err != nil {
		return &notSentError{method: r.method, path: r.path, while: " while waiting for the rate limit", cause: err}
	}
	return nil
}

// authorize sets the credential headers of one attempt. It returns the user token it sent (for
// the one re-authentication after a 401) and how it sent the admin token.
func (c *Client) authorize(ctx context.Context, req *http.Request, mode authMode) (usedToken, adminScheme string, err error) {
	switch mode {
	case authAdmin:
		if c.cfg.AdminToken == "" {
			return "", "", c.missing("organization requests", CredentialAdminToken)
		}
		return "", c.setAdminHeader(req.Header), nil
	case authOrg:
		if err := c.checkOrgCredentials(); err != nil {
			return "", "", err
		}
		if err := c.loginBlocked(); err != nil {
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
	c.stateMu.Lock()
	ua := c.user
	c.stateMu.Unlock()
	if ua != nil {
		ua.invalidate(used)
	}
}

func (c *Client) checkOrgCredentials() error {
	var absent []Credential
	if c.cfg.OrgName == "" {
		absent = append(absent, CredentialOrgName)
	}
	if c.cfg.Username == "" {
		absent = append(absent, CredentialUsername)
	}
	if c.cfg.APIKey == "" && c.cfg.Password == "" {
		absent = append(absent, CredentialSecret)
	}
	return c.missing("requests inside an organization", absent...)
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
// (Failures that no retry can heal never get here: see endpointProblem.)
func transportRetry(err error) retryDecision {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return retryDecision{ok: true}
	}
	return retryDecision{ok: true, ambiguous: true}
}

// isTimeout reports whether a transport error is a timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
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

// waitBeyondBudgetError is a request not sent because the host asked every request (with an
// earlier 429's Retry-After) to wait longer than what is left of this one's retry_max_elapsed.
type waitBeyondBudgetError struct {
	method, path string
	asked        string // askedWait
	left, budget time.Duration
}

func (e *waitBeyondBudgetError) Error() string {
	return fmt.Sprintf("%s %s: not sent: the host asks to wait %s (answering an earlier request 429), more than the %s left "+
		"of retry_max_elapsed (%s)", e.method, e.path, e.asked, e.left.Round(time.Second), e.budget)
}

func isBeyondBudget(err error) bool {
	var e *waitBeyondBudgetError
	return errors.As(err, &e)
}

// notSentError is a request that Terraform's stop cut off before it left: nothing reached the
// server, so the object is unchanged and state stays as it is. It wraps the context's error
// (errors.Is(err, context.Canceled) holds) but says what happened in words of its own.
type notSentError struct {
	method, path string
	// while says what the request was waiting for, e.g. " while waiting for the rate limit".
	while string
	cause error
}

func (e *notSentError) Error() string {
	return e.method + " " + e.path + ": not sent: the operation was cancelled (Terraform is stopping)" + e.while +
		", before the request left, so nothing changed on the server"
}

func (e *notSentError) Unwrap() error { return e.cause }

// NotSent reports whether err is a request that Terraform's stop (or the end of its context)
// cut off before it left: nothing reached the server.
func NotSent(err error) bool {
	var ns *notSentError
	return errors.As(err, &ns)
}
