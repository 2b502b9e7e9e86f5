package provider

// Helpers for protocol-level tests: they drive the provider server the way Terraform 1.12+
// does (identity, list resources), which the terraform CLI of the test machines (1.11) cannot.
// Every helper is named proto...; values go in and come out as plain Go values (string, int64,
// float64, bool, nil, []any, map[string]any).

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// protoServer is the provider served over protocol 6, configured against one test's mock.
type protoServer struct {
	t          *testing.T
	srv        tfprotov6.ProviderServer
	schemas    *tfprotov6.GetProviderSchemaResponse
	identities *tfprotov6.GetResourceIdentitySchemasResponse
}

// protoUnknown stands for an unknown value in decoded results.
const protoUnknown = "<unknown>"

// protoNewServer starts the provider, fetches its schemas and identity schemas and configures
// it with the given provider block attributes (as Terraform does before any resource call).
func protoNewServer(t *testing.T, providerConfig map[string]any) *protoServer {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatalf("provider server: %v", err)
	}
	ctx := context.Background()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	protoNoErrors(t, "GetProviderSchema", schemas.Diagnostics)
	identities, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatalf("GetResourceIdentitySchemas: %v", err)
	}
	protoNoErrors(t, "GetResourceIdentitySchemas", identities.Diagnostics)
	p := &protoServer{t: t, srv: srv, schemas: schemas, identities: identities}
	if providerConfig != nil {
		p.protoConfigure(providerConfig)
	}
	return p
}

// protoConfigure sends ConfigureProvider with these provider block attributes and fails the
// test on error diagnostics.
func (p *protoServer) protoConfigure(providerConfig map[string]any) {
	p.t.Helper()
	protoNoErrors(p.t, "ConfigureProvider", p.protoConfigureDiags(providerConfig))
}

// protoConfigureDiags sends ConfigureProvider and returns its diagnostics (warnings included).
func (p *protoServer) protoConfigureDiags(providerConfig map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.srv.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0",
		Config:           protoDynamic(p.t, p.schemas.Provider.ValueType(), providerConfig),
	})
	if err != nil {
		p.t.Fatalf("ConfigureProvider: %v", err)
	}
	return resp.Diagnostics
}

// protoOrgServer seeds the organization org with an administrator and configures the provider
// to manage it as that administrator.
func protoOrgServer(t *testing.T, ts *testServer, org string) *protoServer {
	t.Helper()
	pw := ts.SeedOrg(org, "admin")
	return protoNewServer(t, map[string]any{
		"endpoint": ts.URL, "admin_token": testAdminToken, "org_name": org,
		"username": "admin", "password": pw, "max_retries": int64(0),
	})
}

// resourceType is the value type of a resource's state.
func (p *protoServer) resourceType(typeName string) tftypes.Type {
	s, ok := p.schemas.ResourceSchemas[typeName]
	if !ok {
		p.t.Fatalf("no resource schema %q", typeName)
	}
	return s.ValueType()
}

// identityType is the value type of a resource's identity.
func (p *protoServer) identityType(typeName string) tftypes.Type {
	s, ok := p.identities.IdentitySchemas[typeName]
	if !ok {
		p.t.Fatalf("no identity schema %q", typeName)
	}
	return s.ValueType()
}

// protoIdentity builds the identity data of a resource from a map.
func (p *protoServer) protoIdentity(typeName string, m map[string]any) *tfprotov6.ResourceIdentityData {
	return &tfprotov6.ResourceIdentityData{IdentityData: protoDynamic(p.t, p.identityType(typeName), m)}
}

// protoImport imports by ID (id != "") or by identity and fails the test on error diagnostics.
func (p *protoServer) protoImport(typeName, id string, identity map[string]any) *tfprotov6.ImportedResource {
	p.t.Helper()
	resp := p.protoImportResponse(typeName, id, identity)
	protoNoErrors(p.t, "ImportResourceState", resp.Diagnostics)
	if len(resp.ImportedResources) != 1 {
		p.t.Fatalf("ImportResourceState: %d imported resources, want 1", len(resp.ImportedResources))
	}
	return resp.ImportedResources[0]
}

// protoImportResponse is ImportResourceState's whole answer.
func (p *protoServer) protoImportResponse(typeName, id string, identity map[string]any) *tfprotov6.ImportResourceStateResponse {
	p.t.Helper()
	req := &tfprotov6.ImportResourceStateRequest{TypeName: typeName, ID: id}
	if identity != nil {
		req.Identity = p.protoIdentity(typeName, identity)
	}
	resp, err := p.srv.ImportResourceState(context.Background(), req)
	if err != nil {
		p.t.Fatalf("ImportResourceState: %v", err)
	}
	return resp
}

// protoRead refreshes an imported (or otherwise obtained) state with its private data and
// identity, as Terraform does after an import, and fails the test on error diagnostics.
func (p *protoServer) protoRead(typeName string, state *tfprotov6.DynamicValue, private []byte,
	identity *tfprotov6.ResourceIdentityData,
) *tfprotov6.ReadResourceResponse {
	p.t.Helper()
	resp, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: typeName, CurrentState: state, Private: private, CurrentIdentity: identity,
	})
	if err != nil {
		p.t.Fatalf("ReadResource: %v", err)
	}
	protoNoErrors(p.t, "ReadResource", resp.Diagnostics)
	return resp
}

// protoCreate plans and applies the creation of a resource from its configuration, as
// terraform apply does, and returns the apply answer (new state and identity).
func (p *protoServer) protoCreate(typeName string, config map[string]any) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	resp := p.protoCreateUnder(context.Background(), typeName, config)
	protoNoErrors(p.t, "ApplyResourceChange", resp.Diagnostics)
	return resp
}

// protoCreateUnder is protoCreate whose apply runs under ctx (a test cancels it, as Terraform's
// graceful stop does), returning the answer with its diagnostics unchecked.
func (p *protoServer) protoCreateUnder(applyCtx context.Context, typeName string, config map[string]any) *tfprotov6.ApplyResourceChangeResponse {
	p.t.Helper()
	ctx := context.Background()
	typ := p.resourceType(typeName)
	cfg := protoDynamic(p.t, typ, config)
	prior := protoDynamic(p.t, typ, nil)
	plan, err := p.srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: prior, ProposedNewState: cfg, Config: cfg,
	})
	if err != nil {
		p.t.Fatalf("PlanResourceChange: %v", err)
	}
	protoNoErrors(p.t, "PlanResourceChange", plan.Diagnostics)
	resp, err := p.srv.ApplyResourceChange(applyCtx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: prior, PlannedState: plan.PlannedState, Config: cfg,
		PlannedPrivate: plan.PlannedPrivate, PlannedIdentity: plan.PlannedIdentity,
	})
	if err != nil {
		p.t.Fatalf("ApplyResourceChange: %v", err)
	}
	return resp
}

// protoList runs a list resource (terraform query) and collects every result.
func (p *protoServer) protoList(typeName string, config map[string]any, includeResource bool, limit int64) []tfprotov6.ListResourceResult {
	p.t.Helper()
	ls, ok := p.srv.(tfprotov6.ProviderServerWithListResource) //nolint:staticcheck // how Terraform 1.14 reaches list resources in plugin-go v0.31
	if !ok {
		p.t.Fatal("the provider server does not serve list resources")
	}
	s, ok := p.schemas.ListResourceSchemas[typeName]
	if !ok {
		p.t.Fatalf("no list resource schema %q", typeName)
	}
	stream, err := ls.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: typeName, Config: protoDynamic(p.t, s.ValueType(), config), IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		p.t.Fatalf("ListResource: %v", err)
	}
	var out []tfprotov6.ListResourceResult
	for r := range stream.Results {
		out = append(out, r)
	}
	return out
}

// protoDecodeState decodes a resource state.
func (p *protoServer) protoDecodeState(typeName string, dv *tfprotov6.DynamicValue) map[string]any {
	p.t.Helper()
	return protoDecodeMap(p.t, p.resourceType(typeName), dv)
}

// protoDecodeIdentity decodes a resource identity.
func (p *protoServer) protoDecodeIdentity(typeName string, id *tfprotov6.ResourceIdentityData) map[string]any {
	p.t.Helper()
	if id == nil {
		p.t.Fatalf("%s: no identity", typeName)
	}
	return protoDecodeMap(p.t, p.identityType(typeName), id.IdentityData)
}

// protoNoErrors fails the test when diagnostics hold an error.
func protoNoErrors(t *testing.T, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if msg := protoErrors(diags); msg != "" {
		t.Fatalf("%s: %s", call, msg)
	}
}

// protoErrors joins the summaries and details of the error diagnostics ("" for none).
func protoErrors(diags []*tfprotov6.Diagnostic) string {
	return protoDiags(diags, tfprotov6.DiagnosticSeverityError)
}

// protoDiags joins the summaries and details of the diagnostics of one severity.
func protoDiags(diags []*tfprotov6.Diagnostic, severity tfprotov6.DiagnosticSeverity) string {
	msg := ""
	for _, d := range diags {
		if d.Severity == severity {
			msg += d.Summary + ": " + d.Detail + "\n"
		}
	}
	return msg
}

// protoDynamic encodes a Go value (a map for an object; nil for null) as a DynamicValue of typ.
func protoDynamic(t *testing.T, typ tftypes.Type, v any) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, protoValue(t, typ, v))
	if err != nil {
		t.Fatalf("encoding %v: %v", v, err)
	}
	return &dv
}

// protoValue builds a tftypes value of typ from a Go value. Object attributes missing from the
// map are null; protoUnknown is an unknown value; a tftypes.Value is taken as it is.
func protoValue(t *testing.T, typ tftypes.Type, v any) tftypes.Value {
	t.Helper()
	if v == nil {
		return tftypes.NewValue(typ, nil)
	}
	if tv, ok := v.(tftypes.Value); ok {
		return tv
	}
	if s, ok := v.(string); ok && s == protoUnknown {
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	switch {
	case typ.Is(tftypes.Object{}):
		ot := typ.(tftypes.Object)
		m := v.(map[string]any)
		vals := map[string]tftypes.Value{}
		for name, at := range ot.AttributeTypes {
			vals[name] = protoValue(t, at, m[name])
		}
		for name := range m {
			if _, ok := ot.AttributeTypes[name]; !ok {
				t.Fatalf("no attribute %q in %s", name, typ)
			}
		}
		return tftypes.NewValue(typ, vals)
	case typ.Is(tftypes.Map{}):
		et := typ.(tftypes.Map).ElementType
		vals := map[string]tftypes.Value{}
		for k, e := range v.(map[string]any) {
			vals[k] = protoValue(t, et, e)
		}
		return tftypes.NewValue(typ, vals)
	case typ.Is(tftypes.List{}), typ.Is(tftypes.Set{}):
		var et tftypes.Type
		if l, ok := typ.(tftypes.List); ok {
			et = l.ElementType
		} else {
			et = typ.(tftypes.Set).ElementType
		}
		vals := []tftypes.Value{}
		switch elems := v.(type) {
		case []string:
			for _, e := range elems {
				vals = append(vals, protoValue(t, et, e))
			}
		case []any:
			for _, e := range elems {
				vals = append(vals, protoValue(t, et, e))
			}
		default:
			t.Fatalf("want a slice for %s, got %T", typ, v)
		}
		return tftypes.NewValue(typ, vals)
	case typ.Is(tftypes.Number):
		switch n := v.(type) {
		case int:
			return tftypes.NewValue(typ, big.NewFloat(float64(n)))
		case int64:
			return tftypes.NewValue(typ, big.NewFloat(float64(n)))
		case float64:
			return tftypes.NewValue(typ, big.NewFloat(n))
		}
	}
	return tftypes.NewValue(typ, v)
}

// protoDecodeMap decodes an object DynamicValue into a map.
func protoDecodeMap(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]any {
	t.Helper()
	if dv == nil {
		t.Fatal("no value to decode")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	m, ok := protoGo(t, v).(map[string]any)
	if !ok {
		return nil // null object
	}
	return m
}

// protoGo turns a tftypes value into Go values; sets come out sorted by their printed form.
func protoGo(t *testing.T, v tftypes.Value) any {
	t.Helper()
	if !v.IsKnown() {
		return protoUnknown
	}
	if v.IsNull() {
		return nil
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.Object{}), typ.Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for k, e := range m {
			out[k] = protoGo(t, e)
		}
		return out
	case typ.Is(tftypes.List{}), typ.Is(tftypes.Set{}), typ.Is(tftypes.Tuple{}):
		var l []tftypes.Value
		if err := v.As(&l); err != nil {
			t.Fatal(err)
		}
		out := []any{}
		for _, e := range l {
			out = append(out, protoGo(t, e))
		}
		if typ.Is(tftypes.Set{}) {
			sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
		}
		return out
	case typ.Is(tftypes.Number):
		var f big.Float
		if err := v.As(&f); err != nil {
			t.Fatal(err)
		}
		if f.IsInt() {
			i, _ := f.Int64()
			return i
		}
		x, _ := f.Float64()
		return x
	case typ.Is(tftypes.Bool):
		var b bool
		if err := v.As(&b); err != nil {
			t.Fatal(err)
		}
		return b
	default:
		var s string
		if err := v.As(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
}
