package mockserver

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTriggerProcessTraces(t *testing.T) {
	s, _, admin := newOrgMock(t)
	s.SeedApp("Org", "Game_A", "A", 0, 0)
	a := admin.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "Game_A"}).expect(t, 200, "")
	var task Task
	_ = json.Unmarshal(a.Data, &task)
	if task.Type != "mkraw" || task.AppName != "Game_A" || task.Status != "pending" || !nameRE.MatchString(task.Name) {
		t.Fatalf("new task %s", a.Data)
	}
	if stored, ok := s.Task("Org", task.Name); !ok || stored.Status != "pending" {
		t.Fatalf("stored %+v %v", stored, ok)
	}
	// While it is pending (then running) a second trigger is refused.
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "Game_A"}).
		expect(t, 409, "app 'Game_A' is already processing traces: task '"+task.Name+"' is pending")
	task.Status = "running"
	if err := s.SeedTask("Org", task); err != nil {
		t.Fatal(err)
	}
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "Game_A"}).expect(t, 409, "is running")
	task.Status = "done"
	_ = s.SeedTask("Org", task)
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "Game_A"}).expect(t, 200, "")
	// A pending upload or deploy task does not block it.
	s.SeedApp("Org", "Game_B", "B", 0, 0)
	_ = s.SeedTask("Org", Task{Name: "up_b", Type: "dltar", AppName: "Game_B", Status: "pending"})
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "Game_B"}).expect(t, 200, "")

	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "Nope"}).expect(t, 404, "app 'Nope' not found")
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "a b"}).expect(t, 400, "'appName'")
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "rebuild", "appName": "Game_A"}).expect(t, 400, "invalid parameter 'type': must be one of processTraces, retryTask")
}

func TestTriggerRetryTask(t *testing.T) {
	s, _, admin := newOrgMock(t)
	_ = s.SeedTask("Org", Task{Name: "deploy_1", Type: "deploy", AppName: "A", Status: "failed", Exception: json.RawMessage(`{"code":"E"}`)})
	_ = s.SeedTask("Org", Task{Name: "deploy_2", Type: "deploy", AppName: "A", Status: "done"})
	a := admin.do("POST", "/be/v1/trigger", map[string]any{"type": "retryTask", "taskName": "deploy_1"}).expect(t, 200, "")
	var task Task
	_ = json.Unmarshal(a.Data, &task)
	if task.Name != "deploy_1" || task.Status != "pending" || len(task.Exception) != 0 {
		t.Fatalf("retried %s", a.Data)
	}
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "retryTask", "taskName": "deploy_1"}).
		expect(t, 409, "task 'deploy_1' is pending: only a failed task can be retried")
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "retryTask", "taskName": "deploy_2"}).expect(t, 409, "is done")
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "retryTask", "taskName": "none"}).expect(t, 404, "task 'none' not found")
	admin.do("POST", "/be/v1/trigger", map[string]any{"type": "retryTask"}).expect(t, 400, "'taskName'")
}

func TestPatchTask(t *testing.T) {
	s, _, admin := newOrgMock(t)
	_ = s.SeedTask("Org", Task{Name: "warned", Type: "mkraw", AppName: "A", Status: "done", Warnings: []string{"slow"}})
	_ = s.SeedTask("Org", Task{Name: "clean", Type: "mkraw", AppName: "A", Status: "done"})
	_ = s.SeedTask("Org", Task{Name: "upload", Type: "dltar", AppName: "A", Status: "running"})
	_ = s.SeedTask("Org", Task{Name: "upload_failed", Type: "dltar", AppName: "A", Status: "failed"})

	a := admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "warned", "acknowledgeWarnings": true}).expect(t, 200, "")
	var task Task
	_ = json.Unmarshal(a.Data, &task)
	if !task.WarningsAcknowledged || len(task.Warnings) != 1 {
		t.Fatalf("acknowledged %s", a.Data)
	}
	admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "warned", "acknowledgeWarnings": true}).expect(t, 200, "")
	admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "clean", "acknowledgeWarnings": true}).expect(t, 400, "task 'clean' has no warnings")

	a = admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "upload", "expire": true}).expect(t, 200, "")
	task = Task{}
	_ = json.Unmarshal(a.Data, &task)
	if task.Status != "expired" {
		t.Fatalf("expired %s", a.Data)
	}
	admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "upload", "expire": true}).expect(t, 409, "task 'upload' is already expired")
	admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "upload_failed", "expire": true}).expect(t, 409, "is already failed")
	admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "clean", "expire": true}).expect(t, 409, "task 'clean' is a mkraw task: only upload tasks (dltar) can be expired")
	admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "none", "expire": true}).expect(t, 404, "task 'none' not found")
	admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "warned"}).expect(t, 400, "exactly one of")
	admin.do("PATCH", "/be/v1/tasks", map[string]any{"name": "upload", "expire": true, "acknowledgeWarnings": true}).expect(t, 400, "exactly one of")
	// The status filter knows expired.
	if a := admin.do("GET", "/be/v1/tasks?status=expired", nil).expect(t, 200, ""); a.Total != 1 {
		t.Fatalf("status=expired: %s", a.Data)
	}
}

func TestTaskOperationPermissions(t *testing.T) {
	s, url, _ := newOrgMock(t)
	s.SeedApp("Org", "Game_A", "A", 0, 0)
	_ = s.SeedTask("Org", Task{Name: "warned", Type: "mkraw", AppName: "A", Status: "done", Warnings: []string{"slow"}})
	s.SeedRole("Org", "TaskEditor", map[string]int{"tasks": PermRead | PermUpdate})
	s.SeedRole("Org", "TaskRunner", map[string]int{"tasks": PermRead | PermExecute})
	editor := login(t, url, "editor", s.SeedUser("Org", "editor", false, "TaskEditor"))
	runner := login(t, url, "runner", s.SeedUser("Org", "runner", false, "TaskRunner"))
	editor.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "Game_A"}).expect(t, 403, "execute permission on 'tasks'")
	runner.do("PATCH", "/be/v1/tasks", map[string]any{"name": "warned", "acknowledgeWarnings": true}).expect(t, 403, "update permission on 'tasks'")
	runner.do("POST", "/be/v1/trigger", map[string]any{"type": "processTraces", "appName": "Game_A"}).expect(t, 200, "")
	editor.do("PATCH", "/be/v1/tasks", map[string]any{"name": "warned", "acknowledgeWarnings": true}).expect(t, 200, "")
}

// POST /be/v1/auth with a current auth token of the session's user extends that token.
func TestAuthTokenExtension(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{AdminToken: "adm", Now: func() time.Time { return now }})
	pw := s.SeedOrg("Org", "admin")
	otherPW := s.SeedUser("Org", "other", false, AdministratorsRole)
	session := func(user, pw string) string {
		_, env := foundationCall(t, s, "POST", "/be/v1/login", nil, map[string]any{"orgName": "Org", "username": user, "password": pw})
		return env["data"].(map[string]any)["sessionToken"].(string)
	}
	sess, otherSess := session("admin", pw), session("other", otherPW)
	_, env := foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: sess}, nil)
	tok := env["data"].(map[string]any)["authToken"].(string)

	now = now.Add(4 * time.Minute)
	code, env := foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: sess, headerAuthToken: tok}, nil)
	expectEnvelope(t, code, env, 200, "")
	if got := env["data"].(map[string]any)["authToken"]; got != tok {
		t.Fatalf("extension answered %v, want the same token", got)
	}
	now = now.Add(4 * time.Minute) // 8 minutes after issue
	code, _ = foundationCall(t, s, "GET", "/be/v1/tasks", map[string]string{headerAuthToken: tok}, nil)
	if code != 200 {
		t.Fatalf("the extended token was refused: %d", code)
	}
	code, env = foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: otherSess, headerAuthToken: tok}, nil)
	expectEnvelope(t, code, env, 401, "belongs to another user")
	now = now.Add(2 * time.Minute)
	code, env = foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: sess, headerAuthToken: tok}, nil)
	expectEnvelope(t, code, env, 401, "unknown or expired")
}
