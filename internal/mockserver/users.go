package mockserver

import "net/http"

func (s *Server) userRoutes() {
	s.mux.HandleFunc("GET /be/v1/users/{username}", s.handleGetUser)
}

// handleGetUser: GET /be/v1/users/{username} (beUsers Read; a user may always read itself).
func (s *Server) handleGetUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	name := r.PathValue("username")
	if name != caller.Username && o.permissions(caller)["beUsers"]&PermRead == 0 {
		writeError(w, http.StatusForbidden, "forbidden: the caller's roles lack the read permission on 'beUsers'")
		return
	}
	u := o.users[name]
	if u == nil {
		writeError(w, http.StatusNotFound, "user '"+name+"' not found")
		return
	}
	writeData(w, http.StatusOK, u.copy())
}
