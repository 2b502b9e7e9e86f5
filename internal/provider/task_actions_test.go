package provider

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Every action is in the provider's schema with its attributes, each described.
func TestAccActions_Schemas(t *testing.T) {
	p := actionServer(t)
	want := map[string][]string{
		"rockit_process_traces":   {"app_name", "wait_timeout"},
		"rockit_retry_task":       {"task_name", "wait_timeout"},
		"rockit_acknowledge_task": {"task_name"},
		"rockit_expire_task":      {"task_name"},
	}
	if len(p.schemas.ActionSchemas) != len(want) {
		t.Errorf("action schemas: got %d, want %d", len(p.schemas.ActionSchemas), len(want))
	}
	for name, attrs := range want {
		s := p.schemas.ActionSchemas[name]
		if s == nil {
			t.Errorf("no action %s", name)
			continue
		}
		if s.Schema.Block.DescriptionKind != 1 || s.Schema.Block.Description == "" {
			t.Errorf("%s has no markdown description", name)
		}
		got := []string{}
		for _, a := range s.Schema.Block.Attributes {
			got = append(got, a.Name)
			if a.Description == "" {
				t.Errorf("%s.%s has no description", name, a.Name)
			}
			if (a.Name == "app_name" || a.Name == "task_name") != a.Required {
				t.Errorf("%s.%s: required = %t", name, a.Name, a.Required)
			}
		}
		if strings.Join(got, ",") != strings.Join(attrs, ",") {
			t.Errorf("%s attributes %v, want %v", name, got, attrs)
		}
	}
}

// Bad names and durations fail validation, naming the attribute and the rule, before any API
// call; unknown values (known only at apply) pass.
func TestAccActions_ValidateConfig(t *testing.T) {
	ts := newTestServer(t)
	p := actionServer(t)
	p.configure(ts, "Act_Validate")
	ts.ResetRequests()
	cases := []struct {
		action string
		vals   map[string]any
		at     string
		rule   string
	}{
		{"rockit_process_traces", map[string]any{"app_name": "my-game"}, `AttributeName("app_name")`, "2 to 50 characters of letters, digits and underscores"},
		{"rockit_process_traces", map[string]any{"app_name": "Game_A", "wait_timeout": "soon"}, `AttributeName("wait_timeout")`, "must be a positive duration"},
		{"rockit_retry_task", map[string]any{"task_name": "a task"}, `AttributeName("task_name")`, "without white space or slashes"},
		{"rockit_acknowledge_task", map[string]any{"task_name": ""}, `AttributeName("task_name")`, "1 to 100 characters"},
		{"rockit_expire_task", map[string]any{"task_name": "a/b"}, `AttributeName("task_name")`, "without white space or slashes"},
	}
	for _, c := range cases {
		diags := p.validate(c.action, c.vals)
		msg := actionError(t, diags)
		if at := actionErrorAt(t, diags); at != c.at || !strings.Contains(msg, c.rule) {
			t.Errorf("%s %v: error at %s: %s; want at %s with %q", c.action, c.vals, at, msg, c.at, c.rule)
		}
	}
	for _, c := range []struct {
		action string
		vals   map[string]any
	}{
		{"rockit_process_traces", map[string]any{"app_name": "Game_A", "wait_timeout": "30m"}},
		{"rockit_process_traces", map[string]any{"app_name": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}},
		{"rockit_retry_task", map[string]any{"task_name": "deploy-2026_01"}},
		{"rockit_expire_task", map[string]any{"task_name": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}},
	} {
		protoNoErrors(t, c.action+" validate", p.validate(c.action, c.vals))
		protoNoErrors(t, c.action+" plan", p.plan(c.action, c.vals))
	}
	if reqs := ts.Requests(); len(reqs) > 0 {
		t.Fatalf("validation and planning sent requests: %s", describeRequests(reqs))
	}
}

// rockit_process_traces starts a mkraw task, reports its name, and explains 404 and 409.
func TestAccProcessTracesAction(t *testing.T) {
	ts := newTestServer(t)
	p := actionServer(t)
	p.configure(ts, "Act_Traces")
	ts.SeedApp("Act_Traces", "Game_A", "A", 0, 0)
	ts.ResetRequests()

	progress, diags := p.invoke("rockit_process_traces", map[string]any{"app_name": "Game_A"})
	protoNoErrors(t, "invoke", diags)
	triggers := ts.requestsMatching("POST", "/be/v1/trigger")
	if len(triggers) != 1 || string(triggers[0].Body) != `{"type":"processTraces","appName":"Game_A"}` || triggers[0].Status != 200 {
		t.Fatalf("requests: %s", describeRequests(ts.Requests()))
	}
	tasks := ts.tasksOf("Act_Traces", "Game_A", "mkraw")
	if len(tasks) != 1 {
		t.Fatalf("%d mkraw tasks, want 1", len(tasks))
	}
	task := tasks[0]
	if task.Status != "pending" || task.Type != "mkraw" {
		t.Fatalf("the new task: %+v", task)
	}
	if len(progress) != 1 || progress[0] != `Trace processing of app "Game_A" started: task "`+task.Name+`" is pending.` {
		t.Fatalf("progress %q", progress)
	}

	// A second start while the task is pending: 409, explained.
	_, diags = p.invoke("rockit_process_traces", map[string]any{"app_name": "Game_A"})
	msg := actionError(t, diags)
	for _, want := range []string{
		"Error processing traces", "HTTP 409", "app 'Game_A' is already processing traces: task '" + task.Name + "' is pending",
		"one task at a time", "Wait until that task is done", `app_name = "Game_A"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("409 error %q lacks %q", msg, want)
		}
	}
	// An unknown app: 404, explained.
	_, diags = p.invoke("rockit_process_traces", map[string]any{"app_name": "Nope"})
	msg = actionError(t, diags)
	for _, want := range []string{"HTTP 404", `The app "Nope" does not exist in organization "Act_Traces"`, "Check `app_name`"} {
		if !strings.Contains(msg, want) {
			t.Errorf("404 error %q lacks %q", msg, want)
		}
	}
	if n := len(ts.requestsMatching("POST", "/be/v1/trigger")); n != 3 {
		t.Errorf("%d trigger requests, want 3", n)
	}
}

// tasksOf returns an app's tasks of a type as the mock holds them.
func (ts *testServer) tasksOf(org, app, typ string) []mockserver.Task {
	var out []mockserver.Task
	for _, name := range ts.TaskNames(org) {
		if task, ok := ts.Task(org, name); ok && task.AppName == app && task.Type == typ {
			out = append(out, task)
		}
	}
	return out
}

// rockit_process_traces with wait_timeout follows the task to its end, reporting each status.
func TestAccProcessTracesAction_Wait(t *testing.T) {
	ts := newTestServer(t)
	p := actionServer(t)
	p.configure(ts, "Act_Wait")
	ts.SeedApp("Act_Wait", "Game_A", "A", 0, 0)
	ts.SeedApp("Act_Wait", "Game_B", "B", 0, 0)
	ts.SeedApp("Act_Wait", "Game_C", "C", 0, 0)

	// The server works the task off: running, then done (Game_A) or failed (Game_B), each
	// step once the action has read the task again since the last step (event-driven, no
	// timing: every status is seen by a read, however slow the machine).
	work := func(app, end string, exception json.RawMessage) {
		go func() {
			readsAtLastStep := 0
			for _, status := range []string{"running", end} {
				for t.Context().Err() == nil {
					tasks := ts.tasksOf("Act_Wait", app, "mkraw")
					reads := func() int { return len(ts.requestsMatching("GET", "/be/v1/tasks/"+tasks[0].Name)) }
					if len(tasks) == 1 && reads() > readsAtLastStep {
						task := tasks[0]
						task.Status = status
						task.Exception = exception
						_ = ts.SeedTask("Act_Wait", task)
						readsAtLastStep = reads()
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
		}()
	}
	work("Game_A", "done", nil)
	progress, diags := p.invoke("rockit_process_traces", map[string]any{"app_name": "Game_A", "wait_timeout": "10s"})
	protoNoErrors(t, "invoke", diags)
	task := ts.tasksOf("Act_Wait", "Game_A", "mkraw")[0]
	running, done := `Task "`+task.Name+`" is running.`, `Task "`+task.Name+`" is done.`
	if len(progress) < 2 || progress[len(progress)-2] != running || progress[len(progress)-1] != done {
		t.Fatalf("progress %q, want it to end with %q, %q", progress, running, done)
	}
	if n := len(ts.requestsMatching("GET", "/be/v1/tasks/"+task.Name)); n < 3 {
		t.Fatalf("%d reads of the task while waiting, want at least 3 (pending, running, done)", n)
	}

	work("Game_B", "failed", json.RawMessage(`{"code":"E_TRACES","message":"no traces"}`))
	_, diags = p.invoke("rockit_process_traces", map[string]any{"app_name": "Game_B", "wait_timeout": "20s"})
	msg := actionError(t, diags)
	for _, want := range []string{"Task did not finish", "ended with status failed", `"code":"E_TRACES"`, "rockit_retry_task"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failed-task error %q lacks %q", msg, want)
		}
	}

	// Nobody works on Game_C's task: the wait ends after wait_timeout, the task goes on.
	start := time.Now()
	_, diags = p.invoke("rockit_process_traces", map[string]any{"app_name": "Game_C", "wait_timeout": "1s"})
	msg = actionError(t, diags)
	if !strings.Contains(msg, "is still pending after waiting 1s (wait_timeout)") || time.Since(start) > 5*time.Second {
		t.Errorf("timeout error %q after %s", msg, time.Since(start))
	}
}

// rockit_retry_task retries a failed task and explains 404 and 409.
func TestAccRetryTaskAction(t *testing.T) {
	ts := newTestServer(t)
	p := actionServer(t)
	p.configure(ts, "Act_Retry")
	seedTasks(t, ts, "Act_Retry",
		mockserver.Task{Name: "deploy_1", Type: "deploy", AppName: "Game_A", Status: "failed", Exception: json.RawMessage(`{"code":"E_ORIGIN"}`)},
		mockserver.Task{Name: "deploy_2", Type: "deploy", AppName: "Game_A", Status: "done"},
	)
	ts.ResetRequests()
	progress, diags := p.invoke("rockit_retry_task", map[string]any{"task_name": "deploy_1"})
	protoNoErrors(t, "invoke", diags)
	reqs := ts.requestsMatching("POST", "/be/v1/trigger")
	if len(reqs) != 1 || string(reqs[0].Body) != `{"type":"retryTask","taskName":"deploy_1"}` {
		t.Fatalf("requests: %s", describeRequests(ts.Requests()))
	}
	if task, _ := ts.Task("Act_Retry", "deploy_1"); task.Status != "pending" {
		t.Fatalf("after the retry: %+v", task)
	}
	if len(progress) != 1 || progress[0] != `Task "deploy_1" (deploy of app "Game_A") is retried: it is pending.` {
		t.Fatalf("progress %q", progress)
	}
	_, diags = p.invoke("rockit_retry_task", map[string]any{"task_name": "deploy_2"})
	msg := actionError(t, diags)
	for _, want := range []string{"Error retrying task", "HTTP 409", "task 'deploy_2' is done: only a failed task can be retried", "Only a failed task can be retried"} {
		if !strings.Contains(msg, want) {
			t.Errorf("409 error %q lacks %q", msg, want)
		}
	}
	_, diags = p.invoke("rockit_retry_task", map[string]any{"task_name": "gone"})
	msg = actionError(t, diags)
	for _, want := range []string{"HTTP 404", `The task "gone" does not exist in organization "Act_Retry"`, "`rockit_tasks` lists"} {
		if !strings.Contains(msg, want) {
			t.Errorf("404 error %q lacks %q", msg, want)
		}
	}
}

// rockit_acknowledge_task marks the warnings reviewed, and explains a task without warnings.
func TestAccAcknowledgeTaskAction(t *testing.T) {
	ts := newTestServer(t)
	p := actionServer(t)
	p.configure(ts, "Act_Ack")
	seedTasks(t, ts, "Act_Ack",
		mockserver.Task{Name: "mk_1", Type: "mkraw", AppName: "Game_A", Status: "done", Warnings: []string{"slow origin", "large patch"}},
		mockserver.Task{Name: "mk_2", Type: "mkraw", AppName: "Game_A", Status: "done"},
	)
	ts.ResetRequests()
	progress, diags := p.invoke("rockit_acknowledge_task", map[string]any{"task_name": "mk_1"})
	protoNoErrors(t, "invoke", diags)
	reqs := ts.requestsMatching("PATCH", "/be/v1/tasks")
	if len(reqs) != 1 || string(reqs[0].Body) != `{"name":"mk_1","acknowledgeWarnings":true}` {
		t.Fatalf("requests: %s", describeRequests(ts.Requests()))
	}
	if task, _ := ts.Task("Act_Ack", "mk_1"); !task.WarningsAcknowledged || len(task.Warnings) != 2 {
		t.Fatalf("after acknowledging: %+v", task)
	}
	if len(progress) != 1 || progress[0] != `The 2 warning(s) of task "mk_1" are acknowledged.` {
		t.Fatalf("progress %q", progress)
	}
	_, diags = p.invoke("rockit_acknowledge_task", map[string]any{"task_name": "mk_2"})
	msg := actionError(t, diags)
	for _, want := range []string{"Error acknowledging task warnings", "HTTP 400", `Task "mk_2" has no warnings, so there is nothing to acknowledge`} {
		if !strings.Contains(msg, want) {
			t.Errorf("400 error %q lacks %q", msg, want)
		}
	}
	_, diags = p.invoke("rockit_acknowledge_task", map[string]any{"task_name": "gone"})
	if msg := actionError(t, diags); !strings.Contains(msg, `The task "gone" does not exist`) {
		t.Errorf("404 error %q", msg)
	}
}

// rockit_expire_task ends a running upload, and explains 409 for other tasks.
func TestAccExpireTaskAction(t *testing.T) {
	ts := newTestServer(t)
	p := actionServer(t)
	p.configure(ts, "Act_Expire")
	seedTasks(t, ts, "Act_Expire",
		mockserver.Task{Name: "up_1", Type: "dltar", AppName: "Game_A", Status: "running"},
		mockserver.Task{Name: "up_2", Type: "dltar", AppName: "Game_A", Status: "failed"},
		mockserver.Task{Name: "mk_1", Type: "mkraw", AppName: "Game_A", Status: "running"},
	)
	ts.ResetRequests()
	progress, diags := p.invoke("rockit_expire_task", map[string]any{"task_name": "up_1"})
	protoNoErrors(t, "invoke", diags)
	reqs := ts.requestsMatching("PATCH", "/be/v1/tasks")
	if len(reqs) != 1 || string(reqs[0].Body) != `{"name":"up_1","expire":true}` {
		t.Fatalf("requests: %s", describeRequests(ts.Requests()))
	}
	if task, _ := ts.Task("Act_Expire", "up_1"); task.Status != "expired" {
		t.Fatalf("after expiring: %+v", task)
	}
	if len(progress) != 1 || progress[0] != `Upload task "up_1" of app "Game_A" is expired.` {
		t.Fatalf("progress %q", progress)
	}
	for name, server := range map[string]string{
		"up_1": "task 'up_1' is already expired",
		"up_2": "task 'up_2' is already failed",
		"mk_1": "task 'mk_1' is a mkraw task: only upload tasks (dltar) can be expired",
	} {
		_, diags = p.invoke("rockit_expire_task", map[string]any{"task_name": name})
		msg := actionError(t, diags)
		for _, want := range []string{"Error expiring task", "HTTP 409", server, "Only an upload task (type `dltar`) that is still pending or running can be expired"} {
			if !strings.Contains(msg, want) {
				t.Errorf("409 error %q lacks %q", msg, want)
			}
		}
	}
	if task, _ := ts.Task("Act_Expire", "mk_1"); task.Status != "running" {
		t.Fatalf("a refused expiry changed the task: %+v", task)
	}
}

// A user without tasks eXecute is told which permission the trigger needs.
func TestAccActions_Forbidden(t *testing.T) {
	ts := newTestServer(t)
	p := actionServer(t)
	ts.SeedOrg("Act_Perm", "admin")
	ts.SeedApp("Act_Perm", "Game_A", "A", 0, 0)
	ts.SeedRole("Act_Perm", "TaskReader", map[string]int{"tasks": 2})
	pw := ts.SeedUser("Act_Perm", "reader", false, "TaskReader")
	p.protoConfigure(map[string]any{"endpoint": ts.URL, "org_name": "Act_Perm", "username": "reader", "password": pw, "max_retries": 0})
	_, diags := p.invoke("rockit_process_traces", map[string]any{"app_name": "Game_A"})
	msg := actionError(t, diags)
	if !strings.Contains(msg, "HTTP 403") || !strings.Contains(msg, "`execute` permission (16) on `tasks`") {
		t.Errorf("403 error %q", msg)
	}
}

// seedTasks adds tasks to an organization of the mock.
func seedTasks(t *testing.T, ts *testServer, org string, tasks ...mockserver.Task) {
	t.Helper()
	for _, task := range tasks {
		if err := ts.SeedTask(org, task); err != nil {
			t.Fatal(err)
		}
	}
}

// Every action has hints for 404 and 403 in the one table, and each hint renders with the
// target and the organization and without fmt's complaints.
func TestTaskActionHints(t *testing.T) {
	for _, newAction := range []func() action.Action{NewProcessTracesAction, NewRetryTaskAction, NewAcknowledgeTaskAction, NewExpireTaskAction} {
		typ := newAction().(*taskAction).spec.typeName
		hints := taskActionHints[typ]
		if hints[http.StatusNotFound] == "" || hints[http.StatusForbidden] == "" {
			t.Errorf("%s: no hint for 404 or 403: %v", typ, hints)
		}
		for status := range hints {
			got := taskActionHint(typ, "Target_X", "Org_Y", status)
			if strings.Contains(got, "%!") || strings.Contains(got, "%[") {
				t.Errorf("%s %d: %q", typ, status, got)
			}
			if status != http.StatusForbidden && !strings.Contains(got, `"Target_X"`) {
				t.Errorf("%s %d: %q does not name the target", typ, status, got)
			}
		}
		if got := taskActionHint(typ, "Target_X", "Org_Y", http.StatusTeapot); got != "" {
			t.Errorf("%s: a hint for 418: %q", typ, got)
		}
	}
}

// A task operation whose answer is lost after the server carried it out is retried, and the
// retry answers 409 ("is pending", "already expired", "already processing"): the action reads
// the task and succeeds, since the task is in the state the operation asked for and changed
// after the operation was first sent. The answer of that one request is lost, nothing else.
func TestProtoTaskActions_LostAnswerSettledByReading(t *testing.T) {
	long := time.Now().Add(-time.Hour)
	for _, tc := range []struct {
		action, attr, value, method, path string
		seed                              []mockserver.Task
		progress                          string // its start; the task's name follows for processTraces
		check                             func(t *testing.T, ts *testServer)
	}{
		{
			action: "rockit_retry_task", attr: "task_name", value: "deploy_1", method: http.MethodPost, path: "/be/v1/trigger",
			seed:     []mockserver.Task{{Name: "deploy_1", Type: "deploy", AppName: "Game_A", Status: "failed", Created: long, Updated: long}},
			progress: `Task "deploy_1" (deploy of app "Game_A") is retried: it is pending.`,
			check: func(t *testing.T, ts *testServer) {
				if task, _ := ts.Task("Act_Lost", "deploy_1"); task.Status != "pending" {
					t.Errorf("after the retry: %+v", task)
				}
			},
		},
		{
			action: "rockit_expire_task", attr: "task_name", value: "up_1", method: http.MethodPatch, path: "/be/v1/tasks",
			seed:     []mockserver.Task{{Name: "up_1", Type: "dltar", AppName: "Game_A", Status: "running", Created: long, Updated: long}},
			progress: `Upload task "up_1" of app "Game_A" is expired.`,
			check: func(t *testing.T, ts *testServer) {
				if task, _ := ts.Task("Act_Lost", "up_1"); task.Status != "expired" {
					t.Errorf("after expiring: %+v", task)
				}
			},
		},
		{
			action: "rockit_process_traces", attr: "app_name", value: "Game_A", method: http.MethodPost, path: "/be/v1/trigger",
			// an older run of the app, done: not the one this action started
			seed:     []mockserver.Task{{Name: "mkraw_old", Type: "mkraw", AppName: "Game_A", Status: "done", Created: long, Updated: long}},
			progress: `Trace processing of app "Game_A" started: task "mkraw_`,
			check: func(t *testing.T, ts *testServer) {
				if n := len(ts.tasksOf("Act_Lost", "Game_A", "mkraw")); n != 2 {
					t.Errorf("%d mkraw tasks, want the old one and the one started", n)
				}
			},
		},
	} {
		t.Run(tc.action, func(t *testing.T) {
			var lost atomic.Bool
			ts := newTestServerBehind(t, func(mock http.Handler) http.Handler {
				return losingAnswers(mock, func(r *http.Request, status int) bool {
					return r.Method == tc.method && r.URL.Path == tc.path && status == http.StatusOK && lost.CompareAndSwap(false, true)
				})
			})
			ts.SeedOrg("Act_Lost", "admin")
			ts.SeedApp("Act_Lost", "Game_A", "A", 0, 0)
			seedTasks(t, ts, "Act_Lost", tc.seed...)
			p := actionServer(t)
			pw := ts.SeedUser("Act_Lost", "ops", false, "Administrators")
			p.protoConfigure(map[string]any{"endpoint": ts.URL, "org_name": "Act_Lost", "username": "ops", "password": pw, "max_retries": 2})
			ts.ResetRequests()

			progress, diags := p.invoke(tc.action, map[string]any{tc.attr: tc.value})
			if errs := protoErrors(diags); errs != "" {
				t.Fatalf("the action failed although the server carried it out: %s\nrequests: %s", errs, describeRequests(ts.Requests()))
			}
			writes := ts.requestsMatching(tc.method, tc.path)
			if len(writes) != 2 || writes[0].Status != http.StatusOK || writes[1].Status != http.StatusConflict {
				t.Errorf("%s %s: %s, want the one whose answer was lost (200) and the retry's 409", tc.method, tc.path, describeRequests(writes))
			}
			if len(progress) != 1 || !strings.HasPrefix(progress[0], tc.progress) {
				t.Errorf("progress %q, want %q", progress, tc.progress)
			}
			tc.check(t, ts)
		})
	}
}

// The reading proves nothing when the task was already so before the operation was first sent:
// the first attempt answered 503 (the server may have acted), the retry's 409 describes a task
// that has not changed since long before. The action fails with the 409, its hint, and says that
// the task was checked.
func TestProtoTaskActions_ConflictNotOwnAfterAmbiguousAttempt(t *testing.T) {
	long := time.Now().Add(-time.Hour)
	for _, tc := range []struct {
		action, attr, value, method, server string
		seed                                mockserver.Task
	}{
		{"rockit_retry_task", "task_name", "deploy_1", http.MethodPost, "task 'deploy_1' is pending",
			mockserver.Task{Name: "deploy_1", Type: "deploy", AppName: "Game_A", Status: "pending", Created: long, Updated: long}},
		{"rockit_expire_task", "task_name", "up_1", http.MethodPatch, "task 'up_1' is already expired",
			mockserver.Task{Name: "up_1", Type: "dltar", AppName: "Game_A", Status: "expired", Created: long, Updated: long}},
		{"rockit_process_traces", "app_name", "Game_A", http.MethodPost, "app 'Game_A' is already processing traces: task 'mkraw_old' is running",
			mockserver.Task{Name: "mkraw_old", Type: "mkraw", AppName: "Game_A", Status: "running", Created: long, Updated: long}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			var failed atomic.Bool
			ts := newTestServerBehind(t, func(mock http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == tc.method && r.URL.Path != "/be/v1/login" && r.URL.Path != "/be/v1/auth" && failed.CompareAndSwap(false, true) {
						writeAPIError(w, http.StatusServiceUnavailable, "busy") // may have acted, for all the client knows
						return
					}
					mock.ServeHTTP(w, r)
				})
			})
			ts.SeedOrg("Act_NotOwn", "admin")
			ts.SeedApp("Act_NotOwn", "Game_A", "A", 0, 0)
			seedTasks(t, ts, "Act_NotOwn", tc.seed)
			pw := ts.SeedUser("Act_NotOwn", "ops", false, "Administrators")
			p := actionServer(t)
			p.protoConfigure(map[string]any{"endpoint": ts.URL, "org_name": "Act_NotOwn", "username": "ops", "password": pw, "max_retries": 2})
			failed.Store(false)

			_, diags := p.invoke(tc.action, map[string]any{tc.attr: tc.value})
			msg := actionError(t, diags)
			for _, want := range []string{"HTTP 409", tc.server, "the task does not show that it was carried out"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if task, _ := ts.Task("Act_NotOwn", tc.seed.Name); task.Status != tc.seed.Status {
				t.Errorf("the task changed: %+v", task)
			}
		})
	}
}
