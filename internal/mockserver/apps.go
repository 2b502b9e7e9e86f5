package mockserver

import (
	"fmt"
	"net/http"
	"sort"
	"time"
)

const appsResourceName = "apps"

// app is a game whose builds are turned into images and patches and published.
type app struct {
	Name       string `json:"name"`
	Label      string `json:"label"`
	MaxBuilds  int    `json:"maxBuilds"`
	ICurBuild  int    `json:"iCurBuild"`
	Processing bool   `json:"processing"`
	Exporting  bool   `json:"exporting"`
	SizeBytes  int64  `json:"sizeBytes"`
	// Deployments are the registered deployment names; none means all deployments.
	Deployments []string  `json:"deployments"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

func (a *app) copy() app {
	c := *a
	c.Deployments = append([]string{}, a.Deployments...)
	sort.Strings(c.Deployments)
	return c
}

func (s *Server) appRoutes() {
	s.mux.HandleFunc("POST /be/v1/apps", permittedBody(s, appsResourceName, PermCreate, s.handleCreateApp))
	s.mux.HandleFunc("GET /be/v1/apps", s.handleListApps)
	s.mux.HandleFunc("GET /be/v1/apps/{name}", s.permitted(appsResourceName, PermRead, s.handleGetApp))
	s.mux.HandleFunc("PATCH /be/v1/apps", permittedBody(s, appsResourceName, PermUpdate, s.handleUpdateApp))
	s.mux.HandleFunc("DELETE /be/v1/apps/{name}", s.permitted(appsResourceName, PermDelete, s.handleDeleteApp))
}

// appBody is a create or PATCH body; nil fields were not sent.
type appBody struct {
	Name        string    `json:"name"`
	Label       *string   `json:"label"`
	MaxBuilds   *int      `json:"maxBuilds"`
	Deployments *[]string `json:"deployments"`
}

// applyApp validates the sent fields and writes them to a; it answers 400 and returns false.
func applyApp(w http.ResponseWriter, o *org, a *app, in appBody) bool {
	if in.Label != nil {
		if *in.Label == "" {
			writeError(w, http.StatusBadRequest, "invalid parameter 'label': must not be empty")
			return false
		}
		a.Label = *in.Label
	}
	if in.MaxBuilds != nil {
		if *in.MaxBuilds < 1 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid parameter 'maxBuilds': must be >= 1, got %d", *in.MaxBuilds))
			return false
		}
		a.MaxBuilds = *in.MaxBuilds
	}
	if in.Deployments != nil {
		seen := map[string]bool{}
		names := []string{}
		for _, d := range *in.Deployments {
			if o.deployments[d] == nil {
				writeError(w, http.StatusBadRequest, "invalid parameter 'deployments': deployment '"+d+"' does not exist")
				return false
			}
			if !seen[d] {
				seen[d] = true
				names = append(names, d)
			}
		}
		sort.Strings(names)
		a.Deployments = names
	}
	return true
}

// handleCreateApp: POST /be/v1/apps (apps Create). Body {name, label, maxBuilds}.
func (s *Server) handleCreateApp(w http.ResponseWriter, r *http.Request, o *org, in appBody) {
	if !checkName(w, "name", in.Name, nameRE) {
		return
	}
	if in.Label == nil {
		writeError(w, http.StatusBadRequest, "invalid parameter 'label': required")
		return
	}
	a := &app{Name: in.Name, MaxBuilds: 5, Deployments: []string{}}
	if !applyApp(w, o, a, in) {
		return
	}
	if _, exists := o.apps[in.Name]; exists {
		writeError(w, http.StatusConflict, "app '"+in.Name+"' already exists")
		return
	}
	a.Created = s.opts.Now()
	a.Updated = a.Created
	o.apps[in.Name] = a
	writeData(w, http.StatusOK, a.copy())
}

// handleListApps: GET /be/v1/apps (apps Read).
func (s *Server) handleListApps(w http.ResponseWriter, r *http.Request) {
	var items []app
	if s.asPermitted(w, r, appsResourceName, PermRead, func(o *org) { items = snapshots(o.apps) }) {
		writePage(w, r, s.opts, items)
	}
}

// handleGetApp: GET /be/v1/apps/{name} (apps Read).
func (s *Server) handleGetApp(w http.ResponseWriter, r *http.Request, o *org) {
	a, found := lookup(w, o.apps, "app", r.PathValue("name"))
	if !found {
		return
	}
	writeData(w, http.StatusOK, a.copy())
}

// handleUpdateApp: PATCH /be/v1/apps (apps Update): label, maxBuilds and the full list of
// registered deployments.
func (s *Server) handleUpdateApp(w http.ResponseWriter, r *http.Request, o *org, in appBody) {
	if !checkName(w, "name", in.Name, nameRE) {
		return
	}
	cur, found := lookup(w, o.apps, "app", in.Name)
	if !found {
		return
	}
	next := cur.copy()
	if !applyApp(w, o, &next, in) {
		return
	}
	next.Updated = s.opts.Now()
	*cur = next
	writeData(w, http.StatusOK, cur.copy())
}

// handleDeleteApp: DELETE /be/v1/apps/{name} (apps Delete).
func (s *Server) handleDeleteApp(w http.ResponseWriter, r *http.Request, o *org) {
	name := r.PathValue("name")
	if _, found := lookup(w, o.apps, "app", name); !found {
		return
	}
	delete(o.apps, name)
	writeMessage(w, "app deleted")
}

// --- Go helpers for tests (in-process) ---

// AppExists reports whether the organization has the app.
func (s *Server) AppExists(orgName, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	return o != nil && o.apps[name] != nil
}

// AppDeployments returns the deployments the app is registered to (none: all deployments) and
// whether the app exists.
func (s *Server) AppDeployments(orgName, name string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil || o.apps[name] == nil {
		return nil, false
	}
	return append([]string{}, o.apps[name].Deployments...), true
}

// SeedApp creates an app without a request, as if it had iCurBuild builds of sizeBytes.
func (s *Server) SeedApp(orgName, name, label string, iCurBuild int, sizeBytes int64, deployments ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	s.orgs[orgName].apps[name] = &app{
		Name: name, Label: label, MaxBuilds: 5, ICurBuild: iCurBuild, SizeBytes: sizeBytes,
		Deployments: append([]string{}, deployments...), Created: now, Updated: now,
	}
}

// SetAppBuild gives an existing app a new current build and size without a request, as an
// upload outside Terraform would.
func (s *Server) SetAppBuild(orgName, name string, iCurBuild int, sizeBytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.orgs[orgName].apps[name]; a != nil {
		a.ICurBuild, a.SizeBytes, a.Updated = iCurBuild, sizeBytes, s.opts.Now()
	}
}

// RemoveApp deletes an app without a request (an out-of-band delete).
func (s *Server) RemoveApp(orgName, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgs[orgName]; o != nil {
		delete(o.apps, name)
	}
}
