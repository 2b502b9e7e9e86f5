package client

import (
	"context"
	"encoding/json"
	"net/url"
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
// is still pending or running.
func (c *Client) ProcessTraces(ctx context.Context, appName string) (*Task, error) {
	var out Task
	if err := c.post(ctx, "/be/v1/trigger", triggerRequest{Type: "processTraces", AppName: appName}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RetryTask sets a failed task pending again (POST /be/v1/trigger retryTask). 404: no such
// task; 409: the task is not failed.
func (c *Client) RetryTask(ctx context.Context, taskName string) (*Task, error) {
	var out Task
	if err := c.post(ctx, "/be/v1/trigger", triggerRequest{Type: "retryTask", TaskName: taskName}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// patchTaskRequest is the body of PATCH /be/v1/tasks: the task and one operation.
type patchTaskRequest struct {
	Name                string `json:"name"`
	AcknowledgeWarnings bool   `json:"acknowledgeWarnings,omitempty"`
	Expire              bool   `json:"expire,omitempty"`
}

// AcknowledgeTaskWarnings marks a task's warnings as reviewed. 404: no such task; 400: the task
// has no warnings.
func (c *Client) AcknowledgeTaskWarnings(ctx context.Context, name string) (*Task, error) {
	var out Task
	if err := c.patch(ctx, "/be/v1/tasks", patchTaskRequest{Name: name, AcknowledgeWarnings: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ExpireTask ends an upload (dltar) task that is still pending or running. 404: no such task;
// 409: another type, or the task is done, failed or expired already.
func (c *Client) ExpireTask(ctx context.Context, name string) (*Task, error) {
	var out Task
	if err := c.patch(ctx, "/be/v1/tasks", patchTaskRequest{Name: name, Expire: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
