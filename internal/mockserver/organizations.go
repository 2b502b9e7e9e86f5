package mockserver

import (
	"crypto/rsa"
	"net/http"
	"strings"

	"github.com/rockitplay/terraform-provider-rockit/internal/rsaoaep"
)

func (s *Server) orgRoutes() {
	s.mux.HandleFunc("POST /be/v1/orgs", s.handleCreateOrg)
	s.mux.HandleFunc("DELETE /be/v1/orgs/{name}", s.handleDeleteOrg)
	s.mux.HandleFunc("POST /_mock/orgs/{name}/accept-invitation", s.handleAcceptInvitation)
}

// handleAcceptInvitation: POST /_mock/orgs/{name}/accept-invitation[?username=...] (test-only,
// no auth) does what the invited first administrator of an organization created by an
// invitation host (Options.OrgInvitations) does after following the e-mail: it sets a password
// and answers it, {"data": {"orgName", "username", "password"}}, so that a person can finish
// the two-apply bootstrap by hand. Without username it is the one human user of the
// organization without a password. 404: no such organization or user; 409: the user has a
// password already (no invitation pending).
func (s *Server) handleAcceptInvitation(w http.ResponseWriter, r *http.Request) {
	name, username := r.PathValue("name"), r.URL.Query().Get("username")
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[name]
	if o == nil {
		writeError(w, http.StatusNotFound, "organization '"+name+"' not found")
		return
	}
	if username == "" {
		for _, u := range o.users {
			if u.Type == UserTypeHuman && u.password == "" {
				username = u.Username
			}
		}
	}
	u := o.users[username]
	switch {
	case u == nil || u.Type != UserTypeHuman:
		writeError(w, http.StatusNotFound, "no invited user '"+username+"' in organization '"+name+"'")
		return
	case u.password != "":
		writeError(w, http.StatusConflict, "user '"+username+"' has a password already: no invitation is pending")
		return
	}
	u.password = newSecret("pw_", 12)
	writeData(w, http.StatusOK, map[string]any{"orgName": name, "username": username, "password": u.password})
}

type createOrgBody struct {
	Name          string `json:"name"`
	AdminUsername string `json:"adminUsername"`
	AdminEmail    string `json:"adminEmail"`
	PublicKey     string `json:"publicKey"`
}

// handleCreateOrg: POST /be/v1/orgs (admin token).
func (s *Server) handleCreateOrg(w http.ResponseWriter, r *http.Request) {
	if !s.requireAdmin(w, r) {
		return
	}
	var in createOrgBody
	if !decodeBody(w, r, &in) {
		return
	}
	if in.AdminUsername == "" {
		in.AdminUsername = "admin"
	}
	if !checkName(w, "name", in.Name, nameRE) || !checkName(w, "adminUsername", in.AdminUsername, nameRE) {
		return
	}
	if in.AdminEmail != "" && !validEmail(in.AdminEmail) {
		writeError(w, http.StatusBadRequest, "invalid parameter 'adminEmail': not an email address")
		return
	}
	var pub *rsa.PublicKey
	if in.PublicKey != "" {
		var err error
		if pub, err = rsaoaep.ParsePublicKey(in.PublicKey); err != nil {
			writeError(w, http.StatusBadRequest, "invalid parameter 'publicKey': "+err.Error())
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.orgs[in.Name]; exists {
		writeError(w, http.StatusConflict, "organization '"+in.Name+"' already exists")
		return
	}
	password := newSecret("pw_", 12)
	out := map[string]any{"name": in.Name, "adminUsername": in.AdminUsername}
	switch {
	case s.opts.OrgInvitations:
		// The invitation generation: an e-mail goes to adminEmail, no password comes back,
		// and the account has none (no login) until the invitation is accepted.
		password = ""
	case pub != nil:
		ct, err := rsaoaep.Encrypt(pub, password)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid parameter 'publicKey': "+err.Error())
			return
		}
		out["initialPasswordEncrypted"] = ct
	default:
		out["initialPassword"] = password
	}
	now := s.opts.Now()
	o := newOrg(in.Name, now)
	o.users[in.AdminUsername] = &user{
		Username: in.AdminUsername, Type: UserTypeHuman, Email: in.AdminEmail,
		Roles: []string{AdministratorsRole}, Created: now, Updated: now, password: password,
	}
	s.orgs[in.Name] = o
	writeData(w, http.StatusOK, out)
}

// handleDeleteOrg: DELETE /be/v1/orgs/{name}?prune=true|false (admin token).
func (s *Server) handleDeleteOrg(w http.ResponseWriter, r *http.Request) {
	if !s.requireAdmin(w, r) {
		return
	}
	name := r.PathValue("name")
	if !checkName(w, "ORG_NAME", name, nameRE) {
		return
	}
	switch r.URL.Query().Get("prune") {
	case "", "true", "false":
	default:
		writeError(w, http.StatusBadRequest, "invalid parameter 'prune': must be true or false")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orgs[name]; !ok {
		writeError(w, http.StatusNotFound, "organization '"+name+"' not found")
		return
	}
	delete(s.orgs, name)
	for _, m := range []map[string]*token{s.sessions, s.authTokens} {
		for k, t := range m {
			if t.org == name {
				delete(m, k)
			}
		}
	}
	writeMessage(w, "organization deleted")
}

func validEmail(s string) bool {
	at := strings.LastIndex(s, "@")
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n") && strings.Contains(s[at:], ".")
}

// --- Go helpers for tests (in-process) ---

// OrgExists reports whether the organization exists.
func (s *Server) OrgExists(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.orgs[name]
	return ok
}

// SeedOrg creates an organization with its Administrators role and an administrator user and
// returns the administrator's password, as POST /be/v1/orgs would, without a request.
func (s *Server) SeedOrg(name, adminUsername string) (password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	o := newOrg(name, now)
	password = newSecret("pw_", 12)
	o.users[adminUsername] = &user{
		Username: adminUsername, Type: UserTypeHuman, Roles: []string{AdministratorsRole},
		Created: now, Updated: now, password: password,
	}
	s.orgs[name] = o
	return password
}

// AcceptInvitation does what the first administrator of an organization created by an
// invitation host (Options.OrgInvitations) does after following the e-mail: it sets a password,
// returned here, and the account can log in. False when there is no such user.
func (s *Server) AcceptInvitation(orgName, username string) (password string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil || o.users[username] == nil {
		return "", false
	}
	o.users[username].password = newSecret("pw_", 12)
	return o.users[username].password, true
}

// UserPassword returns the current password of a human user, as the mock stores it.
func (s *Server) UserPassword(orgName, username string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgs[orgName]; o != nil {
		if u := o.users[username]; u != nil {
			return u.password, true
		}
	}
	return "", false
}
