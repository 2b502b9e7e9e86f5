package mockserver

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

func (s *Server) roleRoutes() {
	s.mux.HandleFunc("GET /be/v1/roles", s.handleListRoles)
	s.mux.HandleFunc("GET /be/v1/roles/{name}", s.permitted("roles", PermRead, s.handleGetRole))
	s.mux.HandleFunc("POST /be/v1/roles", s.permitted("roles", PermCreate, s.handleCreateRole))
	s.mux.HandleFunc("PATCH /be/v1/roles", s.permitted("roles", PermUpdate, s.handleUpdateRole))
	s.mux.HandleFunc("DELETE /be/v1/roles/{name}", s.permitted("roles", PermDelete, s.handleDeleteRole))
}

// handleListRoles: GET /be/v1/roles (roles Read).
func (s *Server) handleListRoles(w http.ResponseWriter, r *http.Request) {
	var items []role
	if s.asPermitted(w, r, "roles", PermRead, func(o *org) { items = snapshots(o.roles) }) {
		writePage(w, r, s.opts, items)
	}
}

// handleGetRole: GET /be/v1/roles/{name} (roles Read).
func (s *Server) handleGetRole(w http.ResponseWriter, r *http.Request, o *org) {
	ro, found := lookup(w, o.roles, "role", r.PathValue("name"))
	if !found {
		return
	}
	writeData(w, http.StatusOK, ro.copy())
}

type roleBody struct {
	Name        string          `json:"name"`
	Permissions json.RawMessage `json:"permissions"`
}

// parsePermissions checks a permissions object of a role body: known resource ids, integer
// bitmasks, only the bits each resource allows. It answers 400 naming the parameter.
func parsePermissions(w http.ResponseWriter, raw json.RawMessage) (map[string]int, bool) {
	perms := map[string]int{}
	if len(raw) == 0 || string(raw) == "null" {
		return perms, true
	}
	var in map[string]json.Number
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid parameter 'permissions': must be an object of resource id to bitmask")
		return nil, false
	}
	for _, res := range sortedKeys(in) {
		allowed, known := ResourceMaxBits[res]
		if !known {
			writeError(w, http.StatusBadRequest, "invalid parameter 'permissions."+res+"': unknown resource id")
			return nil, false
		}
		n, err := in[res].Int64()
		if err != nil || n < 0 || int(n)&^allowed != 0 {
			writeError(w, http.StatusBadRequest, "invalid parameter 'permissions."+res+"': bitmask "+in[res].String()+
				" holds bits the resource does not allow (allowed: "+bitName(allowed)+")")
			return nil, false
		}
		perms[res] = int(n)
	}
	return perms, true
}

// handleCreateRole: POST /be/v1/roles (roles Create).
func (s *Server) handleCreateRole(w http.ResponseWriter, r *http.Request, o *org) {
	var in roleBody
	if !decodeBody(w, r, &in) || !checkName(w, "name", in.Name, nameRE) {
		return
	}
	perms, ok := parsePermissions(w, in.Permissions)
	if !ok {
		return
	}
	if _, exists := o.roles[in.Name]; exists {
		writeError(w, http.StatusConflict, "role '"+in.Name+"' already exists")
		return
	}
	now := s.opts.Now()
	ro := &role{Name: in.Name, Permissions: perms, Created: now, Updated: now}
	o.roles[in.Name] = ro
	writeData(w, http.StatusOK, ro.copy())
}

// handleUpdateRole: PATCH /be/v1/roles with {"name", "permissions"} (roles Update); the given
// permissions replace the old ones.
func (s *Server) handleUpdateRole(w http.ResponseWriter, r *http.Request, o *org) {
	var in roleBody
	if !decodeBody(w, r, &in) {
		return
	}
	if in.Name == "" {
		writeError(w, http.StatusBadRequest, "invalid parameter 'name': required")
		return
	}
	perms, ok := parsePermissions(w, in.Permissions)
	if !ok {
		return
	}
	ro := o.roles[in.Name]
	switch {
	case ro == nil:
		writeError(w, http.StatusNotFound, "role '"+in.Name+"' not found")
		return
	case in.Name == AdministratorsRole:
		writeError(w, http.StatusForbidden, "forbidden: the built-in role '"+AdministratorsRole+"' cannot be modified")
		return
	}
	if in.Permissions != nil {
		ro.Permissions = perms
	}
	ro.Updated = s.opts.Now()
	writeData(w, http.StatusOK, ro.copy())
}

// handleDeleteRole: DELETE /be/v1/roles/{name} (roles Delete); 409 naming the users that
// still hold the role.
func (s *Server) handleDeleteRole(w http.ResponseWriter, r *http.Request, o *org) {
	name := r.PathValue("name")
	if _, found := lookup(w, o.roles, "role", name); !found {
		return
	}
	if name == AdministratorsRole {
		writeError(w, http.StatusForbidden, "forbidden: the built-in role '"+AdministratorsRole+"' cannot be deleted")
		return
	}
	if holders := o.roleHolders(name); len(holders) > 0 {
		writeError(w, http.StatusConflict, "role '"+name+"' is still held by users: "+strings.Join(holders, ", "))
		return
	}
	delete(o.roles, name)
	writeMessage(w, "role deleted")
}

// roleHolders returns the usernames holding a role, in order.
func (o *org) roleHolders(name string) []string {
	var holders []string
	for _, un := range sortedKeys(o.users) {
		for _, rn := range o.users[un].Roles {
			if rn == name {
				holders = append(holders, un)
				break
			}
		}
	}
	sort.Strings(holders)
	return holders
}

// --- Go helpers for tests (in-process) ---

// SeedRole creates or replaces a role with the given bitmasks, without a request.
func (s *Server) SeedRole(orgName, name string, perms map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil {
		panic("SeedRole: no organization " + orgName)
	}
	now := s.opts.Now()
	p := map[string]int{}
	for k, v := range perms {
		p[k] = v
	}
	o.roles[name] = &role{Name: name, Permissions: p, Created: now, Updated: now}
}

// RolePermissions returns the bitmasks of a role (all twelve resource ids), or false when it
// does not exist.
func (s *Server) RolePermissions(orgName, name string) (map[string]int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgs[orgName]; o != nil {
		if ro := o.roles[name]; ro != nil {
			return ro.copy().Permissions, true
		}
	}
	return nil, false
}

// RemoveRole deletes a role out of band (as another tool would) and takes it from the users
// holding it; it reports whether the role existed.
func (s *Server) RemoveRole(orgName, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil || o.roles[name] == nil {
		return false
	}
	delete(o.roles, name)
	for _, u := range o.users {
		kept := u.Roles[:0]
		for _, rn := range u.Roles {
			if rn != name {
				kept = append(kept, rn)
			}
		}
		u.Roles = kept
	}
	return true
}
