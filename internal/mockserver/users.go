package mockserver

import (
	"encoding/json"
	"net/http"
	"sort"
)

func (s *Server) userRoutes() {
	s.mux.HandleFunc("GET /be/v1/users", s.handleListUsers)
	s.mux.HandleFunc("GET /be/v1/users/{username}", s.asCaller(s.handleGetUser))
	s.mux.HandleFunc("POST /be/v1/users", s.permitted("beUsers", PermCreate, s.handleCreateUser))
	s.mux.HandleFunc("PATCH /be/v1/users", s.asCaller(s.handleUpdateUser))
	s.mux.HandleFunc("DELETE /be/v1/users/{username}", s.permitted("beUsers", PermDelete, s.handleDeleteUser))
}

// handleListUsers: GET /be/v1/users[?type=user|machine] (beUsers Read).
func (s *Server) handleListUsers(w http.ResponseWriter, r *http.Request) {
	typ := r.URL.Query().Get("type")
	if typ != "" && typ != UserTypeHuman && typ != UserTypeMachine {
		writeError(w, http.StatusBadRequest, "invalid parameter 'type': must be user or machine")
		return
	}
	items := []user{}
	if s.asPermitted(w, r, "beUsers", PermRead, func(o *org) {
		for _, u := range snapshots(o.users) {
			if typ == "" || u.Type == typ {
				items = append(items, u)
			}
		}
	}) {
		writePage(w, r, s.opts, items)
	}
}

// handleGetUser: GET /be/v1/users/{username} (beUsers Read; a user may always read itself).
func (s *Server) handleGetUser(w http.ResponseWriter, r *http.Request, o *org, caller *user) {
	name := r.PathValue("username")
	if name != caller.Username && o.permissions(caller)["beUsers"]&PermRead == 0 {
		writeError(w, http.StatusForbidden, "forbidden: the caller's roles lack the read permission on 'beUsers'")
		return
	}
	u, found := lookup(w, o.users, "user", name)
	if !found {
		return
	}
	writeData(w, http.StatusOK, u.copy())
}

type createUserBody struct {
	Username  string   `json:"username"`
	Email     string   `json:"email"`
	Firstname string   `json:"firstname"`
	Surname   string   `json:"surname"`
	Title     string   `json:"title"`
	Label     string   `json:"label"`
	Roles     []string `json:"roles"`
}

// userAnswer is a user object with its new secret, as create and resetCreds answer.
type userAnswer struct {
	user
	InitialPassword string `json:"initialPassword,omitempty"`
	APIKey          string `json:"apiKey,omitempty"`
}

// issueCredentials gives u a new password or API key and ends its sessions; it returns the
// answer carrying the new secret.
func (s *Server) issueCredentials(o *org, u *user) userAnswer {
	out := userAnswer{}
	if u.Type == UserTypeMachine {
		u.apiKey = newSecret("key_", 24)
		out.APIKey = u.apiKey
	} else {
		u.password = newSecret("pw_", 12)
		out.InitialPassword = u.password
	}
	s.dropTokens(o.name, u.Username)
	out.user = u.copy()
	return out
}

// dropTokens ends every session and auth token of a user. The caller must hold s.mu.
func (s *Server) dropTokens(orgName, username string) {
	for _, m := range []map[string]*token{s.sessions, s.authTokens} {
		for k, t := range m {
			if t.org == orgName && t.username == username {
				delete(m, k)
			}
		}
	}
}

// checkRoles answers 400 naming the first role that does not exist.
func checkRoles(w http.ResponseWriter, o *org, roles []string) bool {
	for _, rn := range roles {
		if o.roles[rn] == nil {
			writeError(w, http.StatusBadRequest, "invalid parameter 'roles': role '"+rn+"' does not exist")
			return false
		}
	}
	return true
}

// normRoles returns the roles without duplicates, in order.
func normRoles(roles []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, rn := range roles {
		if !seen[rn] {
			seen[rn] = true
			out = append(out, rn)
		}
	}
	sort.Strings(out)
	return out
}

// handleCreateUser: POST /be/v1/users (beUsers Create). A body with label and without email
// creates a machine user.
func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request, o *org) {
	var in createUserBody
	if !decodeBody(w, r, &in) || !checkName(w, "username", in.Username, nameRE) {
		return
	}
	now := s.opts.Now()
	u := &user{Username: in.Username, Roles: normRoles(in.Roles), Created: now, Updated: now}
	switch {
	case in.Label != "" && in.Email == "":
		if in.Firstname != "" || in.Surname != "" || in.Title != "" {
			writeError(w, http.StatusBadRequest, "invalid parameter 'firstname': machine users have a label, not a name")
			return
		}
		u.Type, u.Label = UserTypeMachine, in.Label
	case in.Label != "":
		writeError(w, http.StatusBadRequest, "invalid parameter 'label': only machine users (without email) have a label")
		return
	default:
		for param, v := range map[string]string{"email": in.Email, "firstname": in.Firstname, "surname": in.Surname} {
			if v == "" {
				writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': required (or 'label' for a machine user)")
				return
			}
		}
		if !validEmail(in.Email) {
			writeError(w, http.StatusBadRequest, "invalid parameter 'email': not an email address")
			return
		}
		u.Type, u.Email, u.Firstname, u.Surname, u.Title = UserTypeHuman, in.Email, in.Firstname, in.Surname, in.Title
	}
	if !checkRoles(w, o, u.Roles) {
		return
	}
	if o.users[in.Username] != nil {
		writeError(w, http.StatusConflict, "user '"+in.Username+"' already exists")
		return
	}
	o.users[in.Username] = u
	writeData(w, http.StatusOK, s.issueCredentials(o, u))
}

// handleUpdateUser: PATCH /be/v1/users with {"username": <target>, ...changes}. Profile fields
// (email, firstname, surname, title) and the own password (oldPW + newPW) need beUsers Update
// unless the caller changes itself; roles and label always need beUsers Update; resetCreds
// needs full beUsers permission. null clears title (the only optional field).
func (s *Server) handleUpdateUser(w http.ResponseWriter, r *http.Request, o *org, caller *user) {
	var in map[string]json.RawMessage
	if !decodeBody(w, r, &in) {
		return
	}
	var target string
	if err := json.Unmarshal(in["username"], &target); err != nil || target == "" {
		writeError(w, http.StatusBadRequest, "invalid parameter 'username': required, the user to modify")
		return
	}
	perm := o.permissions(caller)["beUsers"]
	self := target == caller.Username
	_, changesRoles := in["roles"]
	_, changesLabel := in["label"]
	var reset bool
	if raw, ok := in["resetCreds"]; ok {
		if err := json.Unmarshal(raw, &reset); err != nil {
			writeError(w, http.StatusBadRequest, "invalid parameter 'resetCreds': must be a boolean")
			return
		}
	}
	switch {
	case reset && perm != ResourceMaxBits["beUsers"]:
		writeError(w, http.StatusForbidden, "forbidden: resetCreds needs full permission on 'beUsers'")
		return
	case (changesRoles || changesLabel || !self) && perm&PermUpdate == 0:
		writeError(w, http.StatusForbidden, "forbidden: the caller's roles lack the update permission on 'beUsers'")
		return
	}
	u := o.users[target]
	if u == nil {
		writeError(w, http.StatusNotFound, "user '"+target+"' not found")
		return
	}
	// Validate everything before changing anything.
	next := *u
	next.Roles = append([]string(nil), u.Roles...)
	for param, raw := range in {
		var isNull = string(raw) == "null"
		var str string
		switch param {
		case "username", "resetCreds", "oldPW", "newPW":
			continue
		case "roles":
			var roles []string
			if err := json.Unmarshal(raw, &roles); err != nil {
				writeError(w, http.StatusBadRequest, "invalid parameter 'roles': must be an array of role names")
				return
			}
			if !checkRoles(w, o, roles) {
				return
			}
			next.Roles = normRoles(roles)
			continue
		case "email", "firstname", "surname", "title", "label":
			if !isNull {
				if err := json.Unmarshal(raw, &str); err != nil {
					writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': must be a string or null")
					return
				}
			}
		default:
			writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': unknown field")
			return
		}
		machineField := param == "label"
		if machineField != (u.Type == UserTypeMachine) {
			writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': does not apply to a user of type "+u.Type)
			return
		}
		if str == "" && param != "title" {
			writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': required, cannot be cleared")
			return
		}
		switch param {
		case "email":
			if !validEmail(str) {
				writeError(w, http.StatusBadRequest, "invalid parameter 'email': not an email address")
				return
			}
			next.Email = str
		case "firstname":
			next.Firstname = str
		case "surname":
			next.Surname = str
		case "title":
			next.Title = str
		case "label":
			next.Label = str
		}
	}
	if _, ok := in["newPW"]; ok {
		var oldPW, newPW string
		_ = json.Unmarshal(in["oldPW"], &oldPW)
		_ = json.Unmarshal(in["newPW"], &newPW)
		switch {
		case !self || u.Type != UserTypeHuman:
			writeError(w, http.StatusBadRequest, "invalid parameter 'newPW': only a human user changes its own password")
			return
		case len(newPW) < 8:
			writeError(w, http.StatusBadRequest, "invalid parameter 'newPW': at least 8 characters")
			return
		case !equalSecret(u.password, oldPW):
			writeError(w, http.StatusBadRequest, "invalid parameter 'oldPW': wrong password")
			return
		}
		next.password = newPW
	}
	next.Updated = s.opts.Now()
	*u = next
	if reset {
		writeData(w, http.StatusOK, s.issueCredentials(o, u))
		return
	}
	writeData(w, http.StatusOK, u.copy())
}

// handleDeleteUser: DELETE /be/v1/users/{username} (beUsers Delete).
func (s *Server) handleDeleteUser(w http.ResponseWriter, r *http.Request, o *org) {
	name := r.PathValue("username")
	if _, found := lookup(w, o.users, "user", name); !found {
		return
	}
	delete(o.users, name)
	s.dropTokens(o.name, name)
	writeMessage(w, "user deleted")
}

// --- Go helpers for tests (in-process) ---

// SeedUser creates a human user (machine false) or a machine user with the given roles,
// without a request, and returns its password or API key.
func (s *Server) SeedUser(orgName, username string, machine bool, roles ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil {
		panic("SeedUser: no organization " + orgName)
	}
	now := s.opts.Now()
	u := &user{Username: username, Type: UserTypeHuman, Roles: normRoles(roles), Created: now, Updated: now}
	if machine {
		u.Type, u.Label = UserTypeMachine, "Seeded "+username
	} else {
		u.Email, u.Firstname, u.Surname = username+"@example.com", "Seeded", username
	}
	o.users[username] = u
	a := s.issueCredentials(o, u)
	return a.InitialPassword + a.APIKey
}

// UserInfo returns a user as GET /be/v1/users/{username} shows it, or false.
func (s *Server) UserInfo(orgName, username string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil || o.users[username] == nil {
		return nil, false
	}
	b, _ := json.Marshal(o.users[username].copy())
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m, true
}

// UserAPIKey returns the current API key of a machine user.
func (s *Server) UserAPIKey(orgName, username string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgs[orgName]; o != nil {
		if u := o.users[username]; u != nil && u.Type == UserTypeMachine {
			return u.apiKey, true
		}
	}
	return "", false
}

// RemoveUser deletes a user out of band (as another tool would); it reports whether the user
// existed.
func (s *Server) RemoveUser(orgName, username string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil || o.users[username] == nil {
		return false
	}
	delete(o.users, username)
	s.dropTokens(orgName, username)
	return true
}
