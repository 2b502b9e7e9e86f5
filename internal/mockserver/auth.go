package mockserver

import (
	"crypto/subtle"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Authentication generations (Options.AuthScheme).
const (
	AuthScheme2025 = "2025"
	AuthScheme2026 = "2026"
)

// Header names of the contract.
const (
	headerAuthToken    = "x-rockit-beauth-token"
	headerSessionToken = "x-rockit-besession-token"
	headerOrgName      = "x-rockit-orgname"
	headerUsername     = "x-rockit-username"
	headerAPIKey       = "x-rockit-api-key"
	// headerAuthorization carries the 2026 tokens and the 2026 admin token: "Bearer <token>".
	headerAuthorization = "Authorization"
)

// selectionTTL is the lifetime of a 2026 organization selection token (contract: 15 minutes).
const selectionTTL = 15 * time.Minute

// selection is a 2026 organization selection token: a user who proved a password in orgs.
type selection struct {
	username string
	orgs     []string
	expires  time.Time
}

func (s *Server) authRoutes() {
	if s.gen2026() {
		s.mux.HandleFunc("POST /be/v1/login", s.handleLogin2026)
		s.mux.HandleFunc("POST /be/v1/refresh", s.handleRefresh)
		s.mux.HandleFunc("POST /be/v1/logout", s.handleLogout)
		s.mux.HandleFunc("POST /be/v1/auth", func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusNotFound, "not found: /be/v1/auth is not part of this API generation; use POST /be/v1/refresh")
		})
		return
	}
	s.mux.HandleFunc("POST /be/v1/login", s.handleLogin)
	s.mux.HandleFunc("POST /be/v1/auth", s.handleAuth)
	for _, p := range []string{"/be/v1/refresh", "/be/v1/logout"} {
		s.mux.HandleFunc("POST "+p, func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusNotFound, "not found: "+p+" is not part of this API generation")
		})
	}
}

func (s *Server) gen2026() bool { return s.opts.AuthScheme == AuthScheme2026 }

// bearerToken returns the token of an "Authorization: Bearer" header, or "".
func bearerToken(r *http.Request) string {
	v := r.Header.Get(headerAuthorization)
	if len(v) > 7 && strings.EqualFold(v[:7], "Bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}

type loginBody struct {
	OrgName  string `json:"orgName"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// handleLogin: POST /be/v1/login -> session token (human users only).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var in loginBody
	if !decodeBody(w, r, &in) {
		return
	}
	for param, v := range map[string]string{"orgName": in.OrgName, "username": in.Username, "password": in.Password} {
		if v == "" {
			writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': required")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[in.OrgName]
	var u *user
	if o != nil {
		u = o.users[in.Username]
	}
	switch {
	case o == nil:
		// Contract decision (DECISIONS.md): a login to an organization that does not exist says so,
		// so that a client can tell an organization deleted outside Terraform from a wrong password.
		writeError(w, http.StatusUnauthorized, orgMissing(in.OrgName))
		return
	case u != nil && u.Type == UserTypeMachine:
		writeError(w, http.StatusUnauthorized, "machine users cannot log in; send the API-key headers instead")
		return
	case u == nil || !equalSecret(u.password, in.Password):
		writeError(w, http.StatusUnauthorized, "login failed: unknown organization, username or wrong password")
		return
	}
	s.sweepTokens()
	tok := newSecret("sess_", 24)
	s.sessions[tok] = &token{org: o.name, username: u.Username, expires: s.opts.Now().Add(s.opts.SessionTTL)}
	writeData(w, http.StatusOK, map[string]any{
		"sessionToken": tok,
		"expiresIn":    int(s.opts.SessionTTL.Seconds()),
		"permissions":  o.permissions(u),
	})
}

// handleAuth: POST /be/v1/auth with the session token -> auth token.
func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	st := r.Header.Get(headerSessionToken)
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[st]
	if st == "" || !ok {
		writeError(w, http.StatusUnauthorized, "missing or unknown session token ("+headerSessionToken+")")
		return
	}
	if !s.opts.Now().Before(sess.expires) {
		delete(s.sessions, st)
		writeError(w, http.StatusUnauthorized, "session expired: log in again")
		return
	}
	if o := s.orgs[sess.org]; o == nil || o.users[sess.username] == nil {
		delete(s.sessions, st)
		writeError(w, http.StatusUnauthorized, "the session's user no longer exists")
		return
	}
	s.sweepTokens()
	if s.extendAuthToken(w, r, sess) {
		return
	}
	tok := newSecret("auth_", 24)
	s.authTokens[tok] = &token{org: sess.org, username: sess.username, expires: s.opts.Now().Add(s.opts.AuthTokenTTL)}
	writeData(w, http.StatusOK, map[string]any{"authToken": tok, "expiresIn": int(s.opts.AuthTokenTTL.Seconds())})
}

// extendAuthToken handles POST /be/v1/auth carrying, besides the session token, an auth token
// of the same user in x-rockit-beauth-token [assumed by this project]: that token lives one
// auth-token lifetime from now, and the answer carries it again. It returns false when the
// request names no token to extend. The caller must hold s.mu.
func (s *Server) extendAuthToken(w http.ResponseWriter, r *http.Request, sess *token) bool {
	at := r.Header.Get(headerAuthToken)
	if at == "" {
		return false
	}
	t, ok := s.authTokens[at]
	switch {
	case !ok || !s.opts.Now().Before(t.expires):
		writeError(w, http.StatusUnauthorized, "unauthorized: the auth token to extend is unknown or expired")
	case t.org != sess.org || t.username != sess.username:
		writeError(w, http.StatusUnauthorized, "unauthorized: the auth token to extend belongs to another user")
	default:
		t.expires = s.opts.Now().Add(s.opts.AuthTokenTTL)
		writeData(w, http.StatusOK, map[string]any{"authToken": at, "expiresIn": int(s.opts.AuthTokenTTL.Seconds())})
	}
	return true
}

// handleLogin2026: POST /be/v1/login. Step 1 ({"username","password"}; an orgName is ignored)
// answers the user's organizations and a selection token; step 2 ({"orgName"} with
// Authorization: Bearer <selection token>) answers an access and a refresh token.
func (s *Server) handleLogin2026(w http.ResponseWriter, r *http.Request) {
	var in loginBody
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.Password == "" && bearerToken(r) != "" {
		s.selectOrg(w, bearerToken(r), in.OrgName)
		return
	}
	for param, v := range map[string]string{"username": in.Username, "password": in.Password} {
		if v == "" {
			writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': required")
			return
		}
	}
	orgs := []string{}
	for name, o := range s.orgs {
		if u := o.users[in.Username]; u != nil && u.Type == UserTypeHuman && equalSecret(u.password, in.Password) {
			orgs = append(orgs, name)
		}
	}
	if len(orgs) == 0 {
		writeError(w, http.StatusUnauthorized, "login failed: unknown username or wrong password")
		return
	}
	sort.Strings(orgs)
	tok := newSecret("sel_", 24)
	s.selections[tok] = &selection{username: in.Username, orgs: orgs, expires: s.opts.Now().Add(selectionTTL)}
	writeData(w, http.StatusOK, map[string]any{"orgs": orgs, "selectionToken": tok, "expiresIn": int(selectionTTL.Seconds())})
}

// selectOrg is the second login step. The caller must hold s.mu.
func (s *Server) selectOrg(w http.ResponseWriter, tok, orgName string) {
	sel, ok := s.selections[tok]
	if !ok || !s.opts.Now().Before(sel.expires) {
		delete(s.selections, tok)
		writeError(w, http.StatusUnauthorized, "unauthorized: unknown or expired selection token: log in again")
		return
	}
	if orgName == "" {
		writeError(w, http.StatusBadRequest, "invalid parameter 'orgName': required")
		return
	}
	o := s.orgs[orgName]
	if o == nil || !containsString(sel.orgs, orgName) || o.users[sel.username] == nil {
		writeError(w, http.StatusForbidden, "forbidden: user '"+sel.username+"' does not belong to organization '"+orgName+"'")
		return
	}
	delete(s.selections, tok)
	writeData(w, http.StatusOK, s.issueBearer(o.name, sel.username))
}

// issueBearer makes an access token and a refresh token. The caller must hold s.mu.
func (s *Server) issueBearer(orgName, username string) map[string]any {
	now := s.opts.Now()
	refresh := newSecret("ref_", 24)
	access := newSecret("acc_", 24)
	s.sessions[refresh] = &token{org: orgName, username: username, expires: now.Add(s.opts.SessionTTL)}
	s.authTokens[access] = &token{org: orgName, username: username, expires: now.Add(s.opts.AuthTokenTTL), refresh: refresh}
	return map[string]any{
		"accessToken": access, "expiresIn": int(s.opts.AuthTokenTTL.Seconds()),
		"refreshToken": refresh, "refreshExpiresIn": int(s.opts.SessionTTL.Seconds()),
	}
}

// handleRefresh: POST /be/v1/refresh with the refresh token -> a new access and refresh token;
// the presented refresh token stops working (rotation).
func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request) {
	tok := bearerToken(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.sessions[tok]
	if tok == "" || !ok {
		writeError(w, http.StatusUnauthorized, "unauthorized: unknown, used or revoked refresh token")
		return
	}
	delete(s.sessions, tok)
	if !s.opts.Now().Before(t.expires) {
		writeError(w, http.StatusUnauthorized, "unauthorized: refresh token expired: log in again")
		return
	}
	if o := s.orgs[t.org]; o == nil || o.users[t.username] == nil {
		writeError(w, http.StatusUnauthorized, "unauthorized: the token's user no longer exists")
		return
	}
	writeData(w, http.StatusOK, s.issueBearer(t.org, t.username))
}

// handleLogout: POST /be/v1/logout with the access token ends it and its refresh token.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	tok := bearerToken(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.authTokens[tok]
	if tok == "" || !ok {
		writeError(w, http.StatusUnauthorized, "unauthorized: unknown access token")
		return
	}
	delete(s.authTokens, tok)
	delete(s.sessions, t.refresh)
	writeMessage(w, "logged out")
}

// RevokeRefreshTokens ends every refresh token (2026) or session token (2025), as an
// administrator revoking logins would; issued access and auth tokens live on until they expire.
// It returns how many it ended.
func (s *Server) RevokeRefreshTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.sessions)
	s.sessions = map[string]*token{}
	return n
}

// RevokeAccessTokens ends every access token (2026) or auth token (2025) before its time, as a
// server restart or a key rotation would; refresh and session tokens stay valid. It returns
// how many it ended.
func (s *Server) RevokeAccessTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.authTokens)
	s.authTokens = map[string]*token{}
	return n
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// authorize authenticates an org-scoped request (auth token, or the machine-user API-key
// headers) and checks that the caller's roles grant bit on resource. It answers 400, 401 or
// 403 itself and returns ok=false then. The caller must hold s.mu.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, resource string, bit int) (*org, *user, bool) {
	o, u, ok := s.authenticate(w, r)
	if !ok {
		return nil, nil, false
	}
	if o.permissions(u)[resource]&bit == 0 {
		writeError(w, http.StatusForbidden, "forbidden: the caller's roles lack the "+bitName(bit)+" permission on '"+resource+"'")
		return nil, nil, false
	}
	return o, u, true
}

// asPermitted is the preamble of every org-scoped handler: it takes s.mu, authorizes the
// caller for bit on resource (400, 401 or 403 answered) and then runs h with the caller's
// organization, still under the lock. It reports whether h ran, so a handler can answer after
// the lock is released (lists).
func (s *Server) asPermitted(w http.ResponseWriter, r *http.Request, resource string, bit int, h func(o *org)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, _, ok := s.authorize(w, r, resource, bit)
	if ok {
		h(o)
	}
	return ok
}

// orgHandler handles an org-scoped request for an authorized caller of organization o, with
// s.mu held.
type orgHandler func(w http.ResponseWriter, r *http.Request, o *org)

// permitted is the route of an org-scoped handler: the preamble of asPermitted, then h.
func (s *Server) permitted(resource string, bit int, h orgHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.asPermitted(w, r, resource, bit, func(o *org) { h(w, r, o) })
	}
}

// asCaller is the route of a handler that judges the caller's permissions itself (a user may
// read and change itself): lock, authenticate (400 or 401 answered), then h.
func (s *Server) asCaller(h func(w http.ResponseWriter, r *http.Request, o *org, caller *user)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if o, caller, ok := s.authenticate(w, r); ok {
			h(w, r, o, caller)
		}
	}
}

// permittedBody is permitted for a handler of a JSON body, which is decoded first (an
// undecodable body is a 400 before the caller is authorized).
func permittedBody[B any](s *Server, resource string, bit int, h func(w http.ResponseWriter, r *http.Request, o *org, in B)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in B
		if !decodeBody(w, r, &in) {
			return
		}
		s.asPermitted(w, r, resource, bit, func(o *org) { h(w, r, o, in) })
	}
}

// authenticate identifies the caller of an org-scoped request. The caller must hold s.mu.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*org, *user, bool) {
	key := r.Header.Get(headerAPIKey)
	at, tokenHeader := r.Header.Get(headerAuthToken), headerAuthToken
	if s.gen2026() {
		// 2026 ignores the 2025 headers and reads the access token from Authorization.
		at, tokenHeader = bearerToken(r), headerAuthorization
	}
	switch {
	case key != "" && at != "":
		writeError(w, http.StatusBadRequest, "invalid parameter: the API-key headers cannot be combined with "+tokenHeader)
		return nil, nil, false
	case key != "":
		o := s.orgs[r.Header.Get(headerOrgName)]
		if o == nil {
			writeError(w, http.StatusUnauthorized, orgMissing(r.Header.Get(headerOrgName)))
			return nil, nil, false
		}
		u := o.users[r.Header.Get(headerUsername)]
		if u == nil || u.Type != UserTypeMachine || !equalSecret(u.apiKey, key) {
			writeError(w, http.StatusUnauthorized, "unauthorized: unknown organization, machine user or API key")
			return nil, nil, false
		}
		return o, u, true
	case at != "":
		t, ok := s.authTokens[at]
		if !ok {
			writeError(w, http.StatusUnauthorized, "unauthorized: unknown auth token")
			return nil, nil, false
		}
		if !s.opts.Now().Before(t.expires) {
			delete(s.authTokens, at)
			writeError(w, http.StatusUnauthorized, "unauthorized: auth token expired")
			return nil, nil, false
		}
		o := s.orgs[t.org]
		if o == nil || o.users[t.username] == nil {
			writeError(w, http.StatusUnauthorized, "unauthorized: the token's user no longer exists")
			return nil, nil, false
		}
		return o, o.users[t.username], true
	}
	if s.gen2026() {
		writeError(w, http.StatusUnauthorized, "unauthorized: send "+headerAuthorization+": Bearer <access token> or the API-key headers")
		return nil, nil, false
	}
	writeError(w, http.StatusUnauthorized, "unauthorized: send "+headerAuthToken+" or the API-key headers")
	return nil, nil, false
}

// orgMissing is the 401 message for credentials naming an organization that does not exist.
func orgMissing(name string) string {
	return "unauthorized: organization '" + name + "' does not exist"
}

// requireAdmin checks the Edge administrator token of /be/v1/orgs: the 2025 header, or in 2026
// Authorization: Bearer <admin token>.
func (s *Server) requireAdmin(w http.ResponseWriter, r *http.Request) bool {
	got := r.Header.Get(headerAuthToken)
	if s.gen2026() {
		got = bearerToken(r)
	}
	if !equalSecret(s.opts.AdminToken, got) {
		writeError(w, http.StatusUnauthorized, "unauthorized: missing or wrong administrator token")
		return false
	}
	return true
}

func equalSecret(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func bitName(bit int) string {
	names := []string{}
	for _, b := range []struct {
		bit  int
		name string
	}{{PermCreate, "create"}, {PermRead, "read"}, {PermUpdate, "update"}, {PermDelete, "delete"}, {PermExecute, "execute"}} {
		if bit&b.bit != 0 {
			names = append(names, b.name)
		}
	}
	return strings.Join(names, "+")
}

// sweepEvery is how often sweepTokens looks for expired tokens, at most.
const sweepEvery = time.Minute

// sweepTokens drops every expired session and auth token, at most once a sweepEvery, so that a
// long-running mock does not keep every token it ever issued. It runs whenever a token is
// issued, which is the only way the maps grow. The caller must hold s.mu.
func (s *Server) sweepTokens() {
	now := s.opts.Now()
	if now.Sub(s.lastSweep) < sweepEvery {
		return
	}
	s.lastSweep = now
	for _, m := range []map[string]*token{s.sessions, s.authTokens} {
		for k, t := range m {
			if !now.Before(t.expires) {
				delete(m, k)
			}
		}
	}
}
