package mockserver

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// Header names of the contract.
const (
	headerAuthToken    = "x-rockit-beauth-token"
	headerSessionToken = "x-rockit-besession-token"
	headerOrgName      = "x-rockit-orgname"
	headerUsername     = "x-rockit-username"
	headerAPIKey       = "x-rockit-api-key"
)

func (s *Server) authRoutes() {
	s.mux.HandleFunc("POST /be/v1/login", s.handleLogin)
	s.mux.HandleFunc("POST /be/v1/auth", s.handleAuth)
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
		// Contract decision (DESIGN.md): a login to an organization that does not exist says so,
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

// authenticate identifies the caller of an org-scoped request. The caller must hold s.mu.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*org, *user, bool) {
	key := r.Header.Get(headerAPIKey)
	at := r.Header.Get(headerAuthToken)
	switch {
	case key != "" && at != "":
		writeError(w, http.StatusBadRequest, "invalid parameter: the API-key headers cannot be combined with "+headerAuthToken)
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
	writeError(w, http.StatusUnauthorized, "unauthorized: send "+headerAuthToken+" or the API-key headers")
	return nil, nil, false
}

// orgMissing is the 401 message for credentials naming an organization that does not exist.
func orgMissing(name string) string {
	return "unauthorized: organization '" + name + "' does not exist"
}

// requireAdmin checks the Edge administrator token of /be/v1/orgs.
func (s *Server) requireAdmin(w http.ResponseWriter, r *http.Request) bool {
	if !equalSecret(s.opts.AdminToken, r.Header.Get(headerAuthToken)) {
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
