package mockserver

import (
	"net/http"
)

// Task types and statuses the triggers and task operations (contract section 11) work with.
const (
	taskTypeUpload  = "dltar"
	taskTypeMkraw   = "mkraw"
	taskPending     = "pending"
	taskRunning     = "running"
	taskDone        = "done"
	taskFailed      = "failed"
	taskExpired     = "expired"
	triggerTraces   = "processTraces"
	triggerRetry    = "retryTask"
	triggerTypeList = triggerTraces + ", " + triggerRetry
)

// triggerBody is the body of POST /be/v1/trigger.
type triggerBody struct {
	Type     string `json:"type"`
	AppName  string `json:"appName"`
	TaskName string `json:"taskName"`
}

// handleTrigger: POST /be/v1/trigger (tasks eXecute). processTraces starts a mkraw task of an
// app; retryTask sets a failed task pending again. Both answer the task.
func (s *Server) handleTrigger(w http.ResponseWriter, r *http.Request, o *org, in triggerBody) {
	now := s.opts.Now()
	switch in.Type {
	case triggerTraces:
		if !checkName(w, "appName", in.AppName, nameRE) {
			return
		}
		if o.apps[in.AppName] == nil {
			writeError(w, http.StatusNotFound, "app '"+in.AppName+"' not found")
			return
		}
		for _, name := range sortedKeys(o.tasks) {
			t := o.tasks[name]
			if t.AppName == in.AppName && t.Type == taskTypeMkraw && (t.Status == taskPending || t.Status == taskRunning) {
				writeError(w, http.StatusConflict, "app '"+in.AppName+"' is already processing traces: task '"+t.Name+"' is "+t.Status)
				return
			}
		}
		t := &Task{
			Name: newSecret("mkraw_", 8), Type: taskTypeMkraw, AppName: in.AppName, Status: taskPending,
			Warnings: []string{}, Created: now, Updated: now,
		}
		o.tasks[t.Name] = t
		writeData(w, http.StatusOK, t.copy())
	case triggerRetry:
		if in.TaskName == "" {
			writeError(w, http.StatusBadRequest, "invalid parameter 'taskName': required")
			return
		}
		t := o.tasks[in.TaskName]
		if t == nil {
			writeError(w, http.StatusNotFound, "task '"+in.TaskName+"' not found")
			return
		}
		if t.Status != taskFailed {
			writeError(w, http.StatusConflict, "task '"+t.Name+"' is "+t.Status+": only a failed task can be retried")
			return
		}
		t.Status = taskPending
		t.Exception = nil
		t.Updated = now
		writeData(w, http.StatusOK, t.copy())
	default:
		writeError(w, http.StatusBadRequest, "invalid parameter 'type': must be one of "+triggerTypeList)
	}
}

// patchTaskBody is the body of PATCH /be/v1/tasks; exactly one operation is set.
type patchTaskBody struct {
	Name                string `json:"name"`
	AcknowledgeWarnings *bool  `json:"acknowledgeWarnings"`
	Expire              *bool  `json:"expire"`
}

// handlePatchTask: PATCH /be/v1/tasks (tasks Update): acknowledge a task's warnings or expire
// an upload task.
func (s *Server) handlePatchTask(w http.ResponseWriter, r *http.Request, o *org, in patchTaskBody) {
	ack := in.AcknowledgeWarnings != nil && *in.AcknowledgeWarnings
	expire := in.Expire != nil && *in.Expire
	switch {
	case in.Name == "":
		writeError(w, http.StatusBadRequest, "invalid parameter 'name': required")
		return
	case ack == expire:
		writeError(w, http.StatusBadRequest, "invalid parameter: send exactly one of 'acknowledgeWarnings': true or 'expire': true")
		return
	}
	t, found := lookup(w, o.tasks, "task", in.Name)
	if !found {
		return
	}
	if ack {
		if len(t.Warnings) == 0 {
			writeError(w, http.StatusBadRequest, "invalid parameter 'acknowledgeWarnings': task '"+t.Name+"' has no warnings")
			return
		}
		t.WarningsAcknowledged = true
	} else {
		switch {
		case t.Type != taskTypeUpload:
			writeError(w, http.StatusConflict, "task '"+t.Name+"' is a "+t.Type+" task: only upload tasks (dltar) can be expired")
			return
		case t.Status == taskDone || t.Status == taskFailed || t.Status == taskExpired:
			writeError(w, http.StatusConflict, "task '"+t.Name+"' is already "+t.Status+": only a pending or running upload can be expired")
			return
		}
		t.Status = taskExpired
	}
	t.Updated = s.opts.Now()
	writeData(w, http.StatusOK, t.copy())
}

// Task returns a copy of a task of an organization, for tests.
func (s *Server) Task(orgName, name string) (Task, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil || o.tasks[name] == nil {
		return Task{}, false
	}
	return o.tasks[name].copy(), true
}

// TaskNames returns the names of an organization's tasks, sorted, for tests.
func (s *Server) TaskNames(orgName string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgs[orgName]; o != nil {
		return sortedKeys(o.tasks)
	}
	return nil
}
