package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

// The four actions of contract section 11 (Terraform 1.14+) share one implementation: each
// names its target in one attribute (app_name or task_name), makes one API call and reports
// the task it answers. The two that start work (process_traces, retry_task) can also wait for
// the task to finish (wait_timeout), reporting each status change as progress.

var (
	_ action.ActionWithConfigure = &taskAction{}
)

// taskAction is one of the task actions.
type taskAction struct {
	client *client.Client
	spec   taskActionSpec
}

// taskActionSpec says what distinguishes one task action from the others.
type taskActionSpec struct {
	typeName    string // after the provider's, e.g. "_process_traces"
	description string
	// target is the attribute naming what the action works on, with its description and rule.
	target     string
	targetDesc string
	targetRule validator.String
	// canWait adds wait_timeout: the action started work whose end is worth waiting for.
	canWait bool
	// call makes the API call (a method expression of the client).
	call func(c *client.Client, ctx context.Context, name string) (*client.Task, error)
	// done says what happened, for the progress event after the call.
	done func(name string, t *client.Task) string
	// summary heads the error diagnostic; taskActionHints adds what an API error means.
	summary string
}

// taskActionModel holds every attribute a task action may have; actions without a wait leave
// WaitTimeout out of their schema and the model is read attribute by attribute.
type taskActionModel struct {
	Target      types.String
	WaitTimeout types.String
}

const waitTimeoutAttr = "wait_timeout"

// NewProcessTracesAction is the rockit_process_traces action.
func NewProcessTracesAction() action.Action {
	return &taskAction{spec: taskActionSpec{
		typeName: "_process_traces",
		description: "Starts the processing of the traces collected for an app (`POST /be/v1/trigger`, type `processTraces`), " +
			"which decides whether a new image is built. The new `mkraw` task's name is reported as progress. " +
			"Needs the `execute` permission on `tasks`. Terraform 1.14 or later.",
		target:     "app_name",
		targetDesc: "Name of the app whose traces to process.",
		targetRule: validators.Name(),
		canWait:    true,
		call:       (*client.Client).ProcessTraces,
		done: func(name string, t *client.Task) string {
			return fmt.Sprintf("Trace processing of app %q started: task %q is %s.", name, t.Name, t.Status)
		},
		summary: "Error processing traces",
	}}
}

// NewRetryTaskAction is the rockit_retry_task action.
func NewRetryTaskAction() action.Action {
	return &taskAction{spec: taskActionSpec{
		typeName: "_retry_task",
		description: "Retries a failed task after its cause was fixed (`POST /be/v1/trigger`, type `retryTask`), e.g. a " +
			"`deploy` task after the deployment's credentials were corrected. Only a `failed` task can be retried; it " +
			"becomes `pending` again. Needs the `execute` permission on `tasks`. Terraform 1.14 or later.",
		target:     "task_name",
		targetDesc: "Name of the failed task to retry (data source `rockit_tasks` with `status = \"failed\"` lists them).",
		targetRule: validators.TaskName(),
		canWait:    true,
		call:       (*client.Client).RetryTask,
		done: func(name string, t *client.Task) string {
			return fmt.Sprintf("Task %q (%s of app %q) is retried: it is %s.", name, t.Type, t.AppName, t.Status)
		},
		summary: "Error retrying task",
	}}
}

// NewAcknowledgeTaskAction is the rockit_acknowledge_task action.
func NewAcknowledgeTaskAction() action.Action {
	return &taskAction{spec: taskActionSpec{
		typeName: "_acknowledge_task",
		description: "Acknowledges a task's warnings (`PATCH /be/v1/tasks` with `acknowledgeWarnings`): marks them as " +
			"reviewed. They stay visible until their cause is fixed; the task's `warnings_acknowledged` becomes `true`. " +
			"Needs the `update` permission on `tasks`. Terraform 1.14 or later.",
		target:     "task_name",
		targetDesc: "Name of the task whose warnings to acknowledge.",
		targetRule: validators.TaskName(),
		call:       (*client.Client).AcknowledgeTaskWarnings,
		done: func(name string, t *client.Task) string {
			return fmt.Sprintf("The %d warning(s) of task %q are acknowledged.", len(t.Warnings), name)
		},
		summary: "Error acknowledging task warnings",
	}}
}

// NewExpireTaskAction is the rockit_expire_task action.
func NewExpireTaskAction() action.Action {
	return &taskAction{spec: taskActionSpec{
		typeName: "_expire_task",
		description: "Expires an upload task that went wrong (`PATCH /be/v1/tasks` with `expire`): an upload (`dltar`) " +
			"task that is still `pending` or `running` ends with status `expired`. Needs the `update` permission on " +
			"`tasks`. Terraform 1.14 or later.",
		target:     "task_name",
		targetDesc: "Name of the upload (`dltar`) task to expire.",
		targetRule: validators.TaskName(),
		call:       (*client.Client).ExpireTask,
		done: func(name string, t *client.Task) string {
			return fmt.Sprintf("Upload task %q of app %q is %s.", name, t.AppName, t.Status)
		},
		summary: "Error expiring task",
	}}
}

// taskNotFoundHint explains a 404 of the actions that name a task.
const taskNotFoundHint = "The task %[1]q does not exist in organization %[2]q. Check `task_name`; the data source " +
	"`rockit_tasks` lists the organization's tasks."

// taskActionHints says, per action (its type name suffix) and API error status, what the
// error means and what to do. In the texts %[1]q is the target's name and %[2]q the
// organization.
var taskActionHints = map[string]map[int]string{
	"_process_traces": {
		http.StatusNotFound: "The app %[1]q does not exist in organization %[2]q. Check `app_name`: it names an app of the " +
			"organization the provider is configured for (`org_name`).",
		http.StatusConflict: "The traces of app %[1]q are being processed already, and an app processes its traces in one " +
			"task at a time. Wait until that task is done (data source `rockit_tasks` with `app_name = %[1]q` and " +
			"`type = \"mkraw\"` shows it) and invoke the action again.",
		http.StatusForbidden: "Starting a task needs the `execute` permission (16) on `tasks` in one of the user's roles.",
	},
	"_retry_task": {
		http.StatusNotFound: taskNotFoundHint,
		http.StatusConflict: "Only a failed task can be retried, and task %[1]q is not failed. A pending or running task " +
			"needs no retry; a done task has nothing left to do. Read its status with the data source `rockit_task`.",
		http.StatusForbidden: "Retrying a task needs the `execute` permission (16) on `tasks` in one of the user's roles.",
	},
	"_acknowledge_task": {
		http.StatusNotFound: taskNotFoundHint,
		http.StatusBadRequest: "Task %[1]q has no warnings, so there is nothing to acknowledge. Remove the action or " +
			"point `task_name` at a task whose `warnings` are not empty.",
		http.StatusForbidden: "Acknowledging warnings needs the `update` permission (4) on `tasks` in one of the user's roles.",
	},
	"_expire_task": {
		http.StatusNotFound: taskNotFoundHint,
		http.StatusConflict: "Only an upload task (type `dltar`) that is still pending or running can be expired; " +
			"task %[1]q is not one (see the message above). A task that is done, failed or expired has ended already.",
		http.StatusForbidden: "Expiring a task needs the `update` permission (4) on `tasks` in one of the user's roles.",
	},
}

// taskActionHint returns the hint of taskActionHints for an action and status, with the
// target's name and the organization filled in; "" when there is none.
func taskActionHint(typeName, name, org string, status int) string {
	hint := taskActionHints[typeName][status]
	if !strings.Contains(hint, "%[") {
		return hint // no verbs: Sprintf would append the unused arguments
	}
	return fmt.Sprintf(hint, name, org)
}

func (a *taskAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + a.spec.typeName
}

func (a *taskAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		a.spec.target: schema.StringAttribute{
			MarkdownDescription: a.spec.targetDesc,
			Required:            true,
			Validators:          []validator.String{a.spec.targetRule},
		},
	}
	if a.spec.canWait {
		attrs[waitTimeoutAttr] = schema.StringAttribute{
			MarkdownDescription: "How long to wait for the task to finish, as a Go duration such as `30m`. While waiting, " +
				"each status change is reported as progress; a task that fails or expires fails the action with its " +
				"exception, and a task still running when the time is up fails it too (the task goes on). " +
				"Unset: the action returns as soon as the task was started.",
			Optional:   true,
			Validators: []validator.String{validators.Duration()},
		}
	}
	resp.Schema = schema.Schema{MarkdownDescription: a.spec.description, Attributes: attrs}
}

func (a *taskAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (a *taskAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m taskActionModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(a.spec.target), &m.Target)...)
	if a.spec.canWait {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(waitTimeoutAttr), &m.WaitTimeout)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if a.client == nil {
		resp.Diagnostics.AddError(a.spec.summary, "The provider is not configured; this is a bug in the provider.")
		return
	}
	name := m.Target.ValueString()
	t, err := a.spec.call(a.client, ctx, name)
	if err != nil {
		a.addError(&resp.Diagnostics, name, err)
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: a.spec.done(name, t)})
	if m.WaitTimeout.IsNull() {
		return
	}
	timeout, _ := time.ParseDuration(m.WaitTimeout.ValueString()) // checked by the validator
	waitForTask(ctx, a.client, t, timeout, resp)
}

// addError reports an API error with what it means for this action.
func (a *taskAction) addError(diags *diag.Diagnostics, name string, err error) {
	if hint := taskActionHint(a.spec.typeName, name, a.client.OrgName(), client.StatusOf(err)); hint != "" {
		diags.AddError(a.spec.summary, err.Error()+"\n\n"+hint)
		return
	}
	addClientError(diags, a.spec.summary, err)
}

// taskPollInterval is how often waitForTask reads the task: a twentieth of the timeout, at
// least 200 ms and at most 10 s.
func taskPollInterval(timeout time.Duration) time.Duration {
	return min(max(timeout/20, 200*time.Millisecond), 10*time.Second)
}

// waitForTask reads the task until it is no longer pending or running, reporting each status
// it sees. done ends the wait; failed or expired is an error with the task's exception; a
// task still at work after timeout is an error too.
func waitForTask(ctx context.Context, c *client.Client, t *client.Task, timeout time.Duration, resp *action.InvokeResponse) {
	deadline := time.Now().Add(timeout)
	interval := taskPollInterval(timeout)
	last := t.Status
	for {
		switch t.Status {
		case "done":
			return
		case "failed", "expired":
			detail := fmt.Sprintf("Task %q (%s of app %q) ended with status %s.", t.Name, t.Type, t.AppName, t.Status)
			if e := string(t.Exception); e != "" && e != "null" {
				detail += " Its exception: " + e
			}
			resp.Diagnostics.AddError("Task did not finish", detail+
				"\n\nFix the cause (the exception and the data source `rockit_task` tell it) and retry the task with the action `rockit_retry_task`.")
			return
		}
		if !time.Now().Add(interval).Before(deadline) {
			resp.Diagnostics.AddError("Task still at work",
				fmt.Sprintf("Task %q is still %s after waiting %s (wait_timeout). It goes on on the server: read its status "+
					"with the data source `rockit_task`, or give the action a longer `wait_timeout`.", t.Name, t.Status, timeout))
			return
		}
		select {
		case <-ctx.Done():
			resp.Diagnostics.AddError("Waiting for the task was cancelled",
				fmt.Sprintf("Task %q was %s when Terraform cancelled the wait; it goes on on the server.", t.Name, t.Status))
			return
		case <-time.After(interval):
		}
		next, err := c.GetTask(ctx, t.Name)
		if err != nil {
			addClientError(&resp.Diagnostics, "Error reading task "+t.Name, err)
			return
		}
		t = next
		if t.Status != last {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Task %q is %s.", t.Name, t.Status)})
			last = t.Status
		}
	}
}
