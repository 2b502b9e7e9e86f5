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
	// Status is "pending", "running", "done" or "failed".
	Status   string   `json:"status"`
	Warnings []string `json:"warnings"`
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
