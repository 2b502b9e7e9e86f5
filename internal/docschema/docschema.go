// Package docschema writes the provider's schemas in the format of `terraform providers schema
// -json`, read straight from the provider server. tfplugindocs renders docs from that JSON;
// the terraform CLI that the development machines have (1.11) leaves out what newer Terraform
// versions know (actions 1.14, list resources 1.14, resource identity 1.12), so `make generate`
// hands tfplugindocs this JSON instead (--providers-schema).
package docschema

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// FromServer reads every schema of a provider server and returns them under providerName
// (e.g. "rockit").
func FromServer(ctx context.Context, srv tfprotov6.ProviderServer, providerName string) (*tfjson.ProviderSchemas, error) {
	resp, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnostics(resp.Diagnostics); err != nil {
		return nil, err
	}
	ps := &tfjson.ProviderSchema{
		ResourceSchemas:          map[string]*tfjson.Schema{},
		DataSourceSchemas:        map[string]*tfjson.Schema{},
		EphemeralResourceSchemas: map[string]*tfjson.Schema{},
		ListResourceSchemas:      map[string]*tfjson.Schema{},
		ActionSchemas:            map[string]*tfjson.ActionSchema{},
		Functions:                map[string]*tfjson.FunctionSignature{},
	}
	if ps.ConfigSchema, err = schema(resp.Provider); err != nil {
		return nil, err
	}
	for _, group := range []struct {
		in  map[string]*tfprotov6.Schema
		out map[string]*tfjson.Schema
	}{
		{resp.ResourceSchemas, ps.ResourceSchemas},
		{resp.DataSourceSchemas, ps.DataSourceSchemas},
		{resp.EphemeralResourceSchemas, ps.EphemeralResourceSchemas},
		{resp.ListResourceSchemas, ps.ListResourceSchemas},
	} {
		for name, s := range group.in {
			if group.out[name], err = schema(s); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	for name, a := range resp.ActionSchemas {
		s, err := schema(a.Schema)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ps.ActionSchemas[name] = &tfjson.ActionSchema{Block: s.Block}
	}
	for name, f := range resp.Functions {
		if ps.Functions[name], err = function(f); err != nil {
			return nil, fmt.Errorf("function %s: %w", name, err)
		}
	}
	ids, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnostics(ids.Diagnostics); err != nil {
		return nil, err
	}
	if len(ids.IdentitySchemas) > 0 {
		ps.ResourceIdentitySchemas = map[string]*tfjson.IdentitySchema{}
		for name, s := range ids.IdentitySchemas {
			is := &tfjson.IdentitySchema{Version: count(s.Version), Attributes: map[string]*tfjson.IdentityAttribute{}}
			for _, a := range s.IdentityAttributes {
				t, err := ctyType(a.Type)
				if err != nil {
					return nil, fmt.Errorf("identity of %s: %w", name, err)
				}
				is.Attributes[a.Name] = &tfjson.IdentityAttribute{
					IdentityType: t, Description: a.Description,
					RequiredForImport: a.RequiredForImport, OptionalForImport: a.OptionalForImport,
				}
			}
			ps.ResourceIdentitySchemas[name] = is
		}
	}
	return &tfjson.ProviderSchemas{FormatVersion: "1.0", Schemas: map[string]*tfjson.ProviderSchema{providerName: ps}}, nil
}

func diagnostics(diags []*tfprotov6.Diagnostic) error {
	var errs []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d.Summary+": "+d.Detail)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

func schema(s *tfprotov6.Schema) (*tfjson.Schema, error) {
	if s == nil {
		return nil, nil
	}
	b, err := block(s.Block)
	if err != nil {
		return nil, err
	}
	return &tfjson.Schema{Version: count(s.Version), Block: b}, nil
}

func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

func block(b *tfprotov6.SchemaBlock) (*tfjson.SchemaBlock, error) {
	if b == nil {
		return &tfjson.SchemaBlock{}, nil
	}
	out := &tfjson.SchemaBlock{
		Description: b.Description, DescriptionKind: descriptionKind(b.DescriptionKind), Deprecated: b.Deprecated,
	}
	if len(b.Attributes) > 0 {
		out.Attributes = map[string]*tfjson.SchemaAttribute{}
		for _, a := range b.Attributes {
			sa, err := attribute(a)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			out.Attributes[a.Name] = sa
		}
	}
	if len(b.BlockTypes) > 0 {
		out.NestedBlocks = map[string]*tfjson.SchemaBlockType{}
		for _, nb := range b.BlockTypes {
			inner, err := block(nb.Block)
			if err != nil {
				return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
			}
			out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
				NestingMode: blockNesting(nb.Nesting), Block: inner,
				MinItems: count(nb.MinItems), MaxItems: count(nb.MaxItems),
			}
		}
	}
	return out, nil
}

func attribute(a *tfprotov6.SchemaAttribute) (*tfjson.SchemaAttribute, error) {
	out := &tfjson.SchemaAttribute{
		Description: a.Description, DescriptionKind: descriptionKind(a.DescriptionKind), Deprecated: a.Deprecated,
		Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive, WriteOnly: a.WriteOnly,
	}
	if a.NestedType != nil {
		nt := &tfjson.SchemaNestedAttributeType{
			NestingMode: objectNesting(a.NestedType.Nesting), Attributes: map[string]*tfjson.SchemaAttribute{},
		}
		for _, na := range a.NestedType.Attributes {
			sa, err := attribute(na)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", na.Name, err)
			}
			nt.Attributes[na.Name] = sa
		}
		out.AttributeNestedType = nt
		return out, nil
	}
	t, err := ctyType(a.Type)
	if err != nil {
		return nil, err
	}
	out.AttributeType = t
	return out, nil
}

func blockNesting(n tfprotov6.SchemaNestedBlockNestingMode) tfjson.SchemaNestingMode {
	switch n {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return tfjson.SchemaNestingModeSingle
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return tfjson.SchemaNestingModeGroup
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return tfjson.SchemaNestingModeSet
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return tfjson.SchemaNestingModeMap
	}
	return tfjson.SchemaNestingModeList
}

func objectNesting(n tfprotov6.SchemaObjectNestingMode) tfjson.SchemaNestingMode {
	switch n {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return tfjson.SchemaNestingModeSingle
	case tfprotov6.SchemaObjectNestingModeSet:
		return tfjson.SchemaNestingModeSet
	case tfprotov6.SchemaObjectNestingModeMap:
		return tfjson.SchemaNestingModeMap
	}
	return tfjson.SchemaNestingModeList
}

func function(f *tfprotov6.Function) (*tfjson.FunctionSignature, error) {
	ret, err := ctyType(f.Return.Type)
	if err != nil {
		return nil, err
	}
	out := &tfjson.FunctionSignature{
		Description: f.Description, Summary: f.Summary, DeprecationMessage: f.DeprecationMessage, ReturnType: ret,
	}
	param := func(p *tfprotov6.FunctionParameter) (*tfjson.FunctionParameter, error) {
		t, err := ctyType(p.Type)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		return &tfjson.FunctionParameter{Name: p.Name, Description: p.Description, IsNullable: p.AllowNullValue, Type: t}, nil
	}
	for _, p := range f.Parameters {
		fp, err := param(p)
		if err != nil {
			return nil, err
		}
		out.Parameters = append(out.Parameters, fp)
	}
	if f.VariadicParameter != nil {
		if out.VariadicParameter, err = param(f.VariadicParameter); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ctyType converts a wire type: both sides share Terraform's JSON type notation.
func ctyType(t tftypes.Type) (cty.Type, error) {
	if t == nil {
		return cty.NilType, nil
	}
	b, err := json.Marshal(t)
	if err != nil {
		return cty.NilType, err
	}
	var out cty.Type
	if err := out.UnmarshalJSON(b); err != nil {
		return cty.NilType, fmt.Errorf("type %s: %w", b, err)
	}
	return out, nil
}

// count converts a non-negative wire number; negative ones (never sent) count as 0.
func count(v int64) uint64 {
	if v < 0 {
		return 0
	}
	return uint64(v)
}
