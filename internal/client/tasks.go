package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Task is a processing task of an app as the API returns it.
type Task struct {
	Name string `json:"name"`
	// Type is "dltar", "mkraw" or "deploy".
	Type    string `json:"type"`
	AppName string `json:"appName"`
	// Status is "pending", "running", "done", "failed" or "expired".
	Status   string   `json:"status"`
	Warnings []string `json:"warnings"`
	// WarningsAcknowledged says that someone reviewed the warnings (PATCH acknowledgeWarnings).
	WarningsAcknowledged bool `json:"warningsAcknowledged"`
	// Exception is the error detail of a failed task, as JSON; empty without one.
	Exception json.RawMessage `json:"exception,omitempty"`
	Created   string          `json:"created,omitempty"`
	Updated   string          `json:"updated,omitempty"`
}

// TaskFilter narrows a task list; empty fields do not filter.
type TaskFilter struct {
	AppName string
	Status  string
	Type    string
}

// GetTask reads one task.
func (c *Client) GetTask(ctx context.Context, name string) (*Task, error) {
	var out Task
	if err := c.get(ctx, "/be/v1/tasks/"+seg(name), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListTasks pages through the organization's tasks that match the filter, newest first.
func (c *Client) ListTasks(ctx context.Context, f TaskFilter) ([]Task, error) {
	q := url.Values{"order[]": []string{"-created", "name"}}
	for k, v := range map[string]string{"appName": f.AppName, "status": f.Status, "type": f.Type} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return listAll[Task](ctx, c, "/be/v1/tasks", q)
}

// triggerRequest is the body of POST /be/v1/trigger.
type triggerRequest struct {
	Type     string `json:"type"`
	AppName  string `json:"appName,omitempty"`
	TaskName string `json:"taskName,omitempty"`
}

// ProcessTraces starts the processing of an app's collected traces (POST /be/v1/trigger
// processTraces) and returns the new mkraw task. 404: no such app; 409: a mkraw task of the app
// is still pending or running. A 409 after an attempt whose answer was lost is settled by
// reading: a pending or running mkraw task of the app created at or after the first attempt
// left (less adoptionClockSkew) is the one that attempt started (see taskOperation).
func (c *Client) ProcessTraces(ctx context.Context, appName string) (*Task, error) {
	return c.taskOperation(ctx, http.MethodPost, "/be/v1/trigger", triggerRequest{Type: "processTraces", AppName: appName},
		func(ctx context.Context, notBefore time.Time) (*Task, error) {
			tasks, err := c.ListTasks(ctx, TaskFilter{AppName: appName, Type: "mkraw"})
			if err != nil {
				return nil, err
			}
			for _, t := range tasks { // newest first
				if (t.Status == "pending" || t.Status == "running") && timeAtOrAfter(t.Created, notBefore) {
					return &t, nil
				}
			}
			return nil, nil
		})
}

// RetryTask sets a failed task pending again (POST /be/v1/trigger retryTask). 404: no such
// task; 409: the task is not failed. A 409 after an attempt whose answer was lost is settled by
// reading the task: pending or running, changed at or after the first attempt left (less
// adoptionClockSkew), it was retried by that attempt.
func (c *Client) RetryTask(ctx context.Context, taskName string) (*Task, error) {
	return c.taskOperation(ctx, http.MethodPost, "/be/v1/trigger", triggerRequest{Type: "retryTask", TaskName: taskName},
		c.taskIn(taskName, "pending", "running"))
}

// patchTaskRequest is the body of PATCH /be/v1/tasks: the task and one operation.
type patchTaskRequest struct {
	Name                string `json:"name"`
	AcknowledgeWarnings bool   `json:"acknowledgeWarnings,omitempty"`
	Expire              bool   `json:"expire,omitempty"`
}

// AcknowledgeTaskWarnings marks a task's warnings as reviewed. 404: no such task; 400: the task
// has no warnings. Acknowledging twice answers 200, so a retry after a lost answer needs nothing
// more.
func (c *Client) AcknowledgeTaskWarnings(ctx context.Context, name string) (*Task, error) {
	var out Task
	if err := c.patch(ctx, "/be/v1/tasks", patchTaskRequest{Name: name, AcknowledgeWarnings: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ExpireTask ends an upload (dltar) task that is still pending or running. 404: no such task;
// 409: another type, or the task is done, failed or expired already. Expiring is not
// repeatable (the second answers 409 "already expired"), so a 409 after an attempt whose answer
// was lost is settled by reading the task: expired at or after the first attempt left (less
// adoptionClockSkew), it was expired by that attempt.
func (c *Client) ExpireTask(ctx context.Context, name string) (*Task, error) {
	return c.taskOperation(ctx, http.MethodPatch, "/be/v1/tasks", patchTaskRequest{Name: name, Expire: true},
		c.taskIn(name, "expired"))
}

// taskOperation sends a task operation that is not repeatable: a second retryTask,
// processTraces or expire answers 409 where the first succeeded. When an attempt may have been
// carried out without its answer arriving and a retry then answers 409, the operation may have
// succeeded after all: settle reads the server and returns the task that proves it (nil: no
// proof), given the time the first attempt left less adoptionClockSkew. Proven, the task is
// returned with a warning in the log; otherwise the 409 is returned, saying that the outcome
// was checked.
func (c *Client) taskOperation(ctx context.Context, method, path string, body any,
	settle func(ctx context.Context, notBefore time.Time) (*Task, error),
) (*Task, error) {
	var sent time.Time
	var out Task
	_, err := c.do(ctx, request{method: method, path: path, body: body, auth: authOrg, onSend: func(t time.Time) {
		if sent.IsZero() {
			sent = t
		}
	}}, &out)
	if err == nil {
		return &out, nil
	}
	var apiErr *APIError
	if !IsConflict(err) || !errors.As(err, &apiErr) || !apiErr.MayHaveActed || sent.IsZero() {
		return nil, err
	}
	t, serr := settle(ctx, sent.Add(-adoptionClockSkew))
	if serr != nil {
		return nil, fmt.Errorf("%w (an earlier attempt's answer was lost, and reading the task to see whether it was carried out failed: %w)", err, serr)
	}
	if t == nil {
		return nil, fmt.Errorf("%w (an earlier attempt's answer was lost; the task does not show that it was carried out)", err)
	}
	c.logWarn(ctx, "ROCKIT Edge task operation answer was lost; the retry's 409 is its own result, as the task shows", map[string]any{
		"method": method, "path": path, "task": t.Name, "status": t.Status,
	})
	return t, nil
}

// taskIn returns a settle function for taskOperation: the task name, read, has one of the
// statuses and was changed (updated) at or after notBefore.
func (c *Client) taskIn(name string, statuses ...string) func(context.Context, time.Time) (*Task, error) {
	return func(ctx context.Context, notBefore time.Time) (*Task, error) {
		t, err := c.GetTask(ctx, name)
		if err != nil {
			return nil, err
		}
		for _, s := range statuses {
			if t.Status == s && timeAtOrAfter(t.Updated, notBefore) {
				return t, nil
			}
		}
		return nil, nil
	}
}

// timeAtOrAfter reports whether the RFC 3339 time s is not before t; a missing or unreadable
// time proves nothing (false).
func timeAtOrAfter(s string, t time.Time) bool {
	at, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && !at.Before(t)
}
