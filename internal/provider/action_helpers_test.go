package provider

// Helpers for testing actions at the protocol level: the terraform CLI here (1.11) cannot run
// actions (1.14+), so the tests talk to the provider server as Terraform 1.14 would:
// GetProviderSchema, ConfigureProvider, then ValidateActionConfig, PlanAction and InvokeAction.

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// actionProvider is a protocol-6 provider server with its schemas, configured against a mock.
type actionProvider struct {
	t       *testing.T
	srv     tfprotov6.ProviderServerWithActions //nolint:staticcheck // how Terraform 1.14 reaches actions in plugin-go v0.31
	schemas *tfprotov6.GetProviderSchemaResponse
}

// actionServer starts the provider at the protocol level and reads its schemas.
func actionServer(t *testing.T) *actionProvider {
	t.Helper()
	s, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	srv, ok := s.(tfprotov6.ProviderServerWithActions) //nolint:staticcheck // see actionProvider.srv
	if !ok {
		t.Fatalf("the provider server %T does not serve actions", s)
	}
	schemas, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	actionNoErrors(t, "GetProviderSchema", schemas.Diagnostics)
	return &actionProvider{t: t, srv: srv, schemas: schemas}
}

// actionValue encodes an object of the schema's type; attributes not in vals are null.
// A vals entry may be a string, a bool, an int or a ready tftypes.Value.
func actionValue(t *testing.T, s *tfprotov6.Schema, vals map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	typ := s.ValueType().(tftypes.Object)
	fields := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		switch v := vals[name].(type) {
		case nil:
			fields[name] = tftypes.NewValue(at, nil)
		case tftypes.Value:
			fields[name] = v
		default:
			fields[name] = tftypes.NewValue(at, v)
		}
	}
	for name := range vals {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("the schema has no attribute %q", name)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, fields))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// configure sends ConfigureProvider with the provider block of ts's organization org, acting as
// its administrator (password login), and returns the diagnostics.
func (p *actionProvider) configure(ts *testServer, org string) {
	p.t.Helper()
	pw := ts.SeedOrg(org, "admin")
	p.configureWith(map[string]any{
		"endpoint": ts.URL, "org_name": org, "username": "admin", "password": pw, "max_retries": 0,
	})
}

// configureWith sends ConfigureProvider with these provider attributes and fails on errors.
func (p *actionProvider) configureWith(vals map[string]any) {
	p.t.Helper()
	resp, err := p.srv.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0",
		Config:           actionValue(p.t, p.schemas.Provider, vals),
	})
	if err != nil {
		p.t.Fatal(err)
	}
	actionNoErrors(p.t, "ConfigureProvider", resp.Diagnostics)
}

// config encodes an action's configuration.
func (p *actionProvider) config(actionType string, vals map[string]any) *tfprotov6.DynamicValue {
	p.t.Helper()
	s, ok := p.schemas.ActionSchemas[actionType]
	if !ok {
		p.t.Fatalf("no action schema %q", actionType)
	}
	return actionValue(p.t, s.Schema, vals)
}

// validate sends ValidateActionConfig and returns its diagnostics.
func (p *actionProvider) validate(actionType string, vals map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.srv.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{
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
	resp, err := p.srv.PlanAction(context.Background(), &tfprotov6.PlanActionRequest{
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
	stream, err := p.srv.InvokeAction(context.Background(), &tfprotov6.InvokeActionRequest{
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

// actionNoErrors fails when diags hold an error.
func actionNoErrors(t *testing.T, what string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s: %s", what, d.Summary, d.Detail)
		}
	}
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
