package provider

// Helpers for testing actions at the protocol level: the terraform CLI here (1.11) cannot run
// actions (1.14+), so the tests talk to the provider server as Terraform 1.14 would:
// GetProviderSchema, ConfigureProvider, then ValidateActionConfig, PlanAction and InvokeAction.

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// actionProvider is the protocol-level provider server (protocol_helpers_test.go) with its
// action calls.
type actionProvider struct {
	*protoServer
	actions tfprotov6.ProviderServerWithActions //nolint:staticcheck // how Terraform 1.14 reaches actions in plugin-go v0.31
}

// actionServer starts the provider at the protocol level and reads its schemas.
func actionServer(t *testing.T) *actionProvider {
	t.Helper()
	p := protoNewServer(t, nil)
	actions, ok := p.srv.(tfprotov6.ProviderServerWithActions) //nolint:staticcheck // see actionProvider.actions
	if !ok {
		t.Fatalf("the provider server %T does not serve actions", p.srv)
	}
	return &actionProvider{protoServer: p, actions: actions}
}

// configure configures the provider for ts's organization org, acting as its administrator
// (password login).
func (p *actionProvider) configure(ts *testServer, org string) {
	p.t.Helper()
	pw := ts.SeedOrg(org, "admin")
	p.protoConfigure(map[string]any{
		"endpoint": ts.URL, "org_name": org, "username": "admin", "password": pw, "max_retries": 0,
	})
}

// config encodes an action's configuration.
func (p *actionProvider) config(actionType string, vals map[string]any) *tfprotov6.DynamicValue {
	p.t.Helper()
	s, ok := p.schemas.ActionSchemas[actionType]
	if !ok {
		p.t.Fatalf("no action schema %q", actionType)
	}
	if vals == nil {
		vals = map[string]any{}
	}
	return protoDynamic(p.t, s.Schema.ValueType(), vals)
}

// validate sends ValidateActionConfig and returns its diagnostics.
func (p *actionProvider) validate(actionType string, vals map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.actions.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{
		ActionType: actionType, Config: p.config(actionType, vals),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// plan sends PlanAction and returns its diagnostics.
func (p *actionProvider) plan(actionType string, vals map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.actions.PlanAction(context.Background(), &tfprotov6.PlanActionRequest{
		ActionType: actionType, Config: p.config(actionType, vals),
		ClientCapabilities: &tfprotov6.PlanActionClientCapabilities{DeferralAllowed: true},
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

// invoke sends InvokeAction and reads the event stream: the progress messages in order and
// the diagnostics of the completed event (which must come last, exactly once).
func (p *actionProvider) invoke(actionType string, vals map[string]any) (progress []string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	stream, err := p.actions.InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{
		ActionType: actionType, Config: p.config(actionType, vals),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	completed := 0
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			if completed > 0 {
				p.t.Fatalf("progress %q after the completed event", e.Message)
			}
			progress = append(progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			diags = e.Diagnostics
		default:
			p.t.Fatalf("unexpected event %T", e)
		}
	}
	if completed != 1 {
		p.t.Fatalf("%d completed events, want 1", completed)
	}
	return progress, diags
}

// actionError returns the one error of diags as "summary: detail", failing unless there is
// exactly one.
func actionError(t *testing.T, diags []*tfprotov6.Diagnostic) string {
	t.Helper()
	var errs []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d.Summary+": "+d.Detail)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("want exactly one error, got %d: %s", len(errs), strings.Join(errs, " | "))
	}
	return errs[0]
}

// actionErrorAt returns the attribute path of diags' one error.
func actionErrorAt(t *testing.T, diags []*tfprotov6.Diagnostic) string {
	t.Helper()
	actionError(t, diags)
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute != nil {
			return d.Attribute.String()
		}
	}
	return ""
}
