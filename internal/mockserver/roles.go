package mockserver

import "net/http"

func (s *Server) roleRoutes() {
	s.mux.HandleFunc("GET /be/v1/roles", s.handleListRoles)
	s.mux.HandleFunc("GET /be/v1/roles/{name}", s.handleGetRole)
}

// handleListRoles: GET /be/v1/roles (roles Read).
func (s *Server) handleListRoles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	o, _, ok := s.authorize(w, r, "roles", PermRead)
	if !ok {
		s.mu.Unlock()
		return
	}
	items := make([]role, 0, len(o.roles))
	for _, name := range sortedKeys(o.roles) {
		items = append(items, o.roles[name].copy())
	}
	s.mu.Unlock()
	writePage(w, r, items)
}

// handleGetRole: GET /be/v1/roles/{name} (roles Read).
func (s *Server) handleGetRole(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, _, ok := s.authorize(w, r, "roles", PermRead)
	if !ok {
		return
	}
	ro := o.roles[r.PathValue("name")]
	if ro == nil {
		writeError(w, http.StatusNotFound, "role '"+r.PathValue("name")+"' not found")
		return
	}
	writeData(w, http.StatusOK, ro.copy())
}
