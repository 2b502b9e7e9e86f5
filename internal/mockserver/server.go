// Package mockserver is an in-memory ROCKIT Edge Backend API that follows the project's API
// contract (shared/api/rockit-edge-api.md). The acceptance tests run it in-process with
// httptest; cmd/rockit-edge-mock serves it as a binary for trying the provider locally.
//
// Besides the contract it offers test-only introspection under /_mock/: the request log, a
// health check, and seeding of objects the Backend API cannot create.
package mockserver

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server.
type Options struct {
	// AdminToken is the Edge administrator token that /be/v1/orgs accepts. Required.
	AdminToken string
	// AuthScheme is the authentication generation the server speaks: AuthScheme2025 (default:
	// session and auth token, contract section 2) or AuthScheme2026 (selection, access and
	// refresh token with Authorization: Bearer, section 12).
	AuthScheme string
	// SessionTTL is the lifetime of a login's session token, or in 2026 of a refresh token
	// (default 24h).
	SessionTTL time.Duration
	// AuthTokenTTL is the lifetime of an auth token, or in 2026 of an access token (default 5m).
	AuthTokenTTL time.Duration
	// Now replaces the clock in tests (default time.Now).
	Now func() time.Time
	// ClockSkew shifts the server's clock (negative allowed): every timestamp it writes
	// (created, updated, token expiries, the request log) and its Date header read Now() plus
	// ClockSkew, as a host whose clock runs ahead of or behind the client's.
	ClockSkew time.Duration
	// OrgInvitations makes the server of the invitation generation (contract section 4): an
	// organization's create answers {"name", "adminUsername"} without an initial password, and
	// the first administrator cannot log in until the invitation is accepted
	// (AcceptInvitation), as if the e-mail to adminEmail had been followed.
	OrgInvitations bool
	// ListsOmitOptional makes list items leave out the fields the contract marks optional or
	// assumed beyond an object's identity: created, updated, a user's title and a deployment's
	// downloadAuth (listOptionalFields). The single reads (GET of one object) keep them: a host
	// whose lists are summaries, which rockit-doctor reports.
	ListsOmitOptional bool
	// NoTotal makes list answers carry no `total` (a host whose envelope is only status and
	// data); clients then page until an empty page.
	NoTotal bool

	// Fault injection (see faults.go); the /_mock/ endpoints are exempt.
	// FailRate is the share of requests answered 500, 502 or 503 without being handled.
	FailRate float64
	// Latency is added to every request.
	Latency time.Duration
	// RateLimit is the most requests per second the server accepts; beyond it, 429 with
	// Retry-After. 0 means unlimited.
	RateLimit float64
	// RateBurst is how many requests may arrive at once before the rate limit answers 429
	// (default: one second's worth, RateLimit). A small burst makes the limit bite even when
	// requests come slowly on average, as Terraform's parallel operations arrive in bursts.
	RateBurst int
	// LoseResponses is the share of successful POSTs and PATCHes whose answer is dropped (the
	// connection closed) after the server acted: the object exists, or the change (a
	// credentials reset) took effect.
	LoseResponses float64
	// SparePasswordLogins keeps LoseResponses off the password login (POST /be/v1/login
	// without a token: the 2025 login and the 2026 first step). The provider sends a password
	// at most twice without an answer saying whether it is right, so a run against a host
	// that loses two login answers in a row ends by design; the chaos test, which is about
	// the creates, spares the login.
	SparePasswordLogins bool
	// Seed makes the injected faults repeatable; 0 picks a random seed.
	Seed int64
}

// Server is the mock ROCKIT Edge. It is safe for concurrent requests.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu         sync.Mutex
	orgs       map[string]*org
	sessions   map[string]*token // session token (2026: refresh token) -> identity
	authTokens map[string]*token // auth token (2026: access token) -> identity
	selections map[string]*selection
	lastSweep  time.Time // when expired tokens were last dropped (sweepTokens)

	logMu    sync.Mutex
	requests []RequestRecord

	conns atomic.Int64 // accepted connections, see ConnState

	faults *faultInjector
}

// token is an issued session or auth token.
type token struct {
	org      string
	username string
	expires  time.Time
	refresh  string // 2026: the refresh token an access token was issued with
}

// RequestRecord is one request the server received, as GET /_mock/requests shows it.
type RequestRecord struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	// Body is the request body as received (JSON), if any.
	Body   json.RawMessage `json:"body,omitempty"`
	Status int             `json:"status"`
	Time   time.Time       `json:"time"`
	// Auth is the kind of credentials the request carried (never the secret itself):
	// "apiKey", "authToken", "session", "admin" or "" for none; on a 2026 server "bearer"
	// (access token), "refresh", "selection" (the second login step), "apiKey" or "admin".
	Auth string `json:"auth,omitempty"`
	// UserAgent is the client's User-Agent header.
	UserAgent string `json:"userAgent,omitempty"`
	// Fault is the fault injected into this request, if any (FaultServerError,
	// FaultRateLimited, FaultLostResponse); see Options.FailRate and the others.
	Fault string `json:"fault,omitempty"`
}

// New makes a Server with an empty store.
func New(opts Options) *Server {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 24 * time.Hour
	}
	if opts.AuthTokenTTL <= 0 {
		opts.AuthTokenTTL = 5 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClockSkew != 0 {
		base, skew := opts.Now, opts.ClockSkew
		opts.Now = func() time.Time { return base().Add(skew) }
	}
	if opts.AuthScheme == "" {
		opts.AuthScheme = AuthScheme2025
	}
	s := &Server{
		opts:       opts,
		mux:        http.NewServeMux(),
		orgs:       map[string]*org{},
		sessions:   map[string]*token{},
		authTokens: map[string]*token{},
		selections: map[string]*selection{},
	}
	s.faults = newFaultInjector(opts)
	s.routes()
	return s
}

// routes registers every endpoint. Each resource family adds its own in its file.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /_mock/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "message": "ok"})
	})
	s.mux.HandleFunc("GET /_mock/requests", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": s.Requests()})
	})
	s.mux.HandleFunc("DELETE /_mock/requests", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetRequests()
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "message": "request log cleared"})
	})
	s.statsRoutes()
	s.orgRoutes()
	s.authRoutes()
	s.roleRoutes()
	s.userRoutes()
	s.deploymentRoutes()
	s.appRoutes()
	s.subscriptionRoutes()
	s.taskRoutes()
}

// ServeHTTP records the request and dispatches it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, 8<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	// The Date header comes from the server's own clock (Options.Now and ClockSkew), as a
	// real host's does; net/http keeps a Date header that the handler set.
	w.Header().Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	if strings.HasPrefix(r.URL.Path, "/_mock/") {
		s.mux.ServeHTTP(rec, r)
		return
	}
	fault := ""
	if s.faults.active() {
		fault = s.faults.serve(s.mux, rec, r)
	} else {
		s.mux.ServeHTTP(rec, r)
	}
	entry := RequestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status, Time: s.opts.Now(), Auth: authKind(r), UserAgent: r.UserAgent(), Fault: fault}
	if len(body) > 0 && json.Valid(body) {
		entry.Body = json.RawMessage(body)
	}
	s.logMu.Lock()
	s.requests = append(s.requests, entry)
	s.logMu.Unlock()
	if fault == FaultLostResponse {
		panic(http.ErrAbortHandler) // drop the connection: the client never sees the answer
	}
}

// authKind names the kind of credentials a request carried, for the request log.
func authKind(r *http.Request) string {
	bearer := strings.HasPrefix(r.Header.Get(headerAuthorization), "Bearer ")
	switch {
	case r.Header.Get(headerAPIKey) != "":
		return "apiKey"
	case r.Header.Get(headerSessionToken) != "":
		return "session"
	case (bearer || r.Header.Get(headerAuthToken) != "") && strings.HasPrefix(r.URL.Path, "/be/v1/orgs"):
		return "admin"
	case bearer && r.URL.Path == "/be/v1/refresh":
		return "refresh"
	case bearer && r.URL.Path == "/be/v1/login":
		return "selection"
	case bearer:
		return "bearer"
	case r.Header.Get(headerAuthToken) != "":
		return "authToken"
	}
	return ""
}

// Requests returns a copy of the request log (the /_mock/ endpoints are not logged).
func (s *Server) Requests() []RequestRecord {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]RequestRecord(nil), s.requests...)
}

// ResetRequests clears the request log.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	s.requests = nil
	s.logMu.Unlock()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Flush lets a wrapped writer still stream.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// --- the envelope ---

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeData answers {"status":"success","data":...}.
func writeData(w http.ResponseWriter, status int, data any) {
	writeJSON(w, status, map[string]any{"status": "success", "data": data})
}

// writeList answers {"status":"success","data":[...],"total":N}.
func writeList(w http.ResponseWriter, items any, total *int) {
	body := map[string]any{"status": "success", "data": items}
	if total != nil {
		body["total"] = *total
	}
	writeJSON(w, http.StatusOK, body)
}

// writeMessage answers {"status":"success","message":...}.
func writeMessage(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "message": msg})
}

// writeError answers {"status":"error","message":...}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": "error", "message": msg})
}

// --- validation ---

var (
	nameRE           = regexp.MustCompile(`^[A-Za-z0-9_]{2,50}$`)
	deploymentNameRE = regexp.MustCompile(`^[A-Za-z0-9_\[\]]{2,50}$`)
)

// decodeBody reads a JSON object body into v; on failure it answers 400 and returns false.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid parameter: body must be a JSON object: "+err.Error())
		return false
	}
	return true
}

// checkName answers 400 naming the parameter when name does not match the name pattern.
func checkName(w http.ResponseWriter, param, name string, re *regexp.Regexp) bool {
	if !re.MatchString(name) {
		writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': must match "+re.String())
		return false
	}
	return true
}

// newSecret returns a random token of n bytes, hex-encoded, with a prefix that says its kind.
func newSecret(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
