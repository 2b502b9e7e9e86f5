package mockserver

import (
	"encoding/json"
	"net/http"
	"time"
)

const tasksResourceName = "tasks"

// Task is a processing task of an app (dltar, mkraw, deploy). The Backend API offers no way
// for this provider to create one, so tests seed them with SeedTask or POST /_mock/tasks.
type Task struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	AppName  string   `json:"appName"`
	Status   string   `json:"status"`
	Warnings []string `json:"warnings"`
	// WarningsAcknowledged is set by PATCH {"acknowledgeWarnings": true}.
	WarningsAcknowledged bool            `json:"warningsAcknowledged"`
	Exception            json.RawMessage `json:"exception,omitempty"`
	Created              time.Time       `json:"created"`
	Updated              time.Time       `json:"updated"`
}

func (t *Task) copy() Task {
	c := *t
	c.Warnings = append([]string{}, t.Warnings...)
	return c
}

func (s *Server) taskRoutes() {
	s.mux.HandleFunc("GET /be/v1/tasks", s.handleListTasks)
	s.mux.HandleFunc("GET /be/v1/tasks/{name}", s.permitted(tasksResourceName, PermRead, s.handleGetTask))
	s.mux.HandleFunc("PATCH /be/v1/tasks", permittedBody(s, tasksResourceName, PermUpdate, s.handlePatchTask))
	s.mux.HandleFunc("POST /be/v1/trigger", permittedBody(s, tasksResourceName, PermExecute, s.handleTrigger))
	s.mux.HandleFunc("POST /_mock/tasks", s.handleSeedTasks)
}

// handleListTasks: GET /be/v1/tasks?appName=&status=&type= (tasks Read).
func (s *Server) handleListTasks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var items []Task // nil after a 400
	s.asPermitted(w, r, tasksResourceName, PermRead, func(o *org) {
		if v := q.Get("status"); v != "" && !taskStatuses[v] {
			writeError(w, http.StatusBadRequest, "invalid parameter 'status': must be one of pending, running, done, failed, expired")
			return
		}
		if v := q.Get("type"); v != "" && !taskTypes[v] {
			writeError(w, http.StatusBadRequest, "invalid parameter 'type': must be one of dltar, mkraw, deploy")
			return
		}
		items = []Task{}
		for _, t := range snapshots(o.tasks) {
			if (q.Get("appName") == "" || t.AppName == q.Get("appName")) &&
				(q.Get("status") == "" || t.Status == q.Get("status")) &&
				(q.Get("type") == "" || t.Type == q.Get("type")) {
				items = append(items, t)
			}
		}
	})
	if items != nil {
		writePage(w, r, s.opts, items)
	}
}

// handleGetTask: GET /be/v1/tasks/{name} (tasks Read).
func (s *Server) handleGetTask(w http.ResponseWriter, r *http.Request, o *org) {
	t, found := lookup(w, o.tasks, "task", r.PathValue("name"))
	if !found {
		return
	}
	writeData(w, http.StatusOK, t.copy())
}

type seedTasksBody struct {
	OrgName string `json:"orgName"`
	Tasks   []Task `json:"tasks"`
}

// handleSeedTasks: POST /_mock/tasks {"orgName", "tasks": [...]} (test-only, no auth). A body
// of another shape (unknown fields, no orgName, no tasks list, a task of the wrong type) is a
// 400 and seeds nothing.
func (s *Server) handleSeedTasks(w http.ResponseWriter, r *http.Request) {
	var in seedTasksBody
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(&in)
	if err == nil && dec.More() {
		err = errString("more than one JSON value")
	}
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, `invalid body: want {"orgName": "...", "tasks": [...]}: `+err.Error())
		return
	case in.OrgName == "":
		writeError(w, http.StatusBadRequest, "invalid parameter 'orgName': required")
		return
	case in.Tasks == nil:
		writeError(w, http.StatusBadRequest, "invalid parameter 'tasks': required, a list of tasks")
		return
	}
	for _, t := range in.Tasks {
		if err := validateTask(t); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	for _, t := range in.Tasks {
		if err := s.SeedTask(in.OrgName, t); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	writeMessage(w, "tasks seeded")
}

// SeedTask adds (or replaces) a task of an organization. Type and status must be values of
// the contract; created and updated default to now.
func (s *Server) SeedTask(orgName string, t Task) error {
	if err := validateTask(t); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil {
		return errString("invalid parameter 'orgName': organization '" + orgName + "' does not exist")
	}
	if t.Created.IsZero() {
		t.Created = s.opts.Now()
	}
	if t.Updated.IsZero() {
		t.Updated = t.Created
	}
	if t.Warnings == nil {
		t.Warnings = []string{}
	}
	o.tasks[t.Name] = &t
	return nil
}

// validateTask checks a task to seed: a name, and a type and status of the contract.
func validateTask(t Task) error {
	switch {
	case t.Name == "":
		return errString("invalid parameter 'name': required")
	case !taskTypes[t.Type]:
		return errString("invalid parameter 'type': must be one of dltar, mkraw, deploy")
	case !taskStatuses[t.Status]:
		return errString("invalid parameter 'status': must be one of pending, running, done, failed, expired")
	}
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }
