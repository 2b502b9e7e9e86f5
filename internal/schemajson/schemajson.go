// Package schemajson writes a provider's schemas in the format of `terraform providers schema
// -json`, read straight from the provider's protocol 6 server.
//
// The docs are generated from that file (tfplugindocs --providers-schema) instead of from the
// terraform CLI, because the CLI on the development machines (1.11) leaves out what Terraform
// 1.12+ added to the protocol: resource identity, list resources and actions. Taking the schema
// from the server also makes the docs independent of the CLI version (the 1.8.5 fallback renders
// the same pages). A test compares the parts that Terraform 1.11 prints with its own output.
package schemajson

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// FormatVersion is the format version of `terraform providers schema -json` this package writes.
const FormatVersion = "1.0"

type providerSchemas struct {
	FormatVersion string                     `json:"format_version"`
	Schemas       map[string]*providerSchema `json:"provider_schemas"`
}

type providerSchema struct {
	Provider                 *schema                    `json:"provider,omitempty"`
	ResourceSchemas          map[string]*schema         `json:"resource_schemas,omitempty"`
	DataSourceSchemas        map[string]*schema         `json:"data_source_schemas,omitempty"`
	EphemeralResourceSchemas map[string]*schema         `json:"ephemeral_resource_schemas,omitempty"`
	Functions                map[string]*function       `json:"functions,omitempty"`
	ResourceIdentitySchemas  map[string]*identitySchema `json:"resource_identity_schemas,omitempty"`
	ListResourceSchemas      map[string]*schema         `json:"list_resource_schemas,omitempty"`
	ActionSchemas            map[string]*actionSchema   `json:"action_schemas,omitempty"`
}

type schema struct {
	Version int64  `json:"version"`
	Block   *block `json:"block"`
}

type actionSchema struct {
	Block *block `json:"block"`
}

type block struct {
	Attributes      map[string]*attribute `json:"attributes,omitempty"`
	BlockTypes      map[string]*blockType `json:"block_types,omitempty"`
	Description     string                `json:"description,omitempty"`
	DescriptionKind string                `json:"description_kind,omitempty"`
	Deprecated      bool                  `json:"deprecated,omitempty"`
}

type attribute struct {
	AttributeType       json.RawMessage `json:"type,omitempty"`
	AttributeNestedType *nestedType     `json:"nested_type,omitempty"`
	Description         string          `json:"description,omitempty"`
	DescriptionKind     string          `json:"description_kind,omitempty"`
	Deprecated          bool            `json:"deprecated,omitempty"`
	Required            bool            `json:"required,omitempty"`
	Optional            bool            `json:"optional,omitempty"`
	Computed            bool            `json:"computed,omitempty"`
	Sensitive           bool            `json:"sensitive,omitempty"`
	WriteOnly           bool            `json:"write_only,omitempty"`
}

type nestedType struct {
	Attributes  map[string]*attribute `json:"attributes,omitempty"`
	NestingMode string                `json:"nesting_mode,omitempty"`
}

type blockType struct {
	NestingMode string `json:"nesting_mode,omitempty"`
	Block       *block `json:"block,omitempty"`
	MinItems    int64  `json:"min_items,omitempty"`
	MaxItems    int64  `json:"max_items,omitempty"`
}

type identitySchema struct {
	Version    int64                         `json:"version"`
	Attributes map[string]*identityAttribute `json:"attributes,omitempty"`
}

type identityAttribute struct {
	IdentityType      json.RawMessage `json:"type,omitempty"`
	Description       string          `json:"description,omitempty"`
	RequiredForImport bool            `json:"required_for_import,omitempty"`
	OptionalForImport bool            `json:"optional_for_import,omitempty"`
}

type function struct {
	Description        string          `json:"description,omitempty"`
	Summary            string          `json:"summary,omitempty"`
	DeprecationMessage string          `json:"deprecation_message,omitempty"`
	ReturnType         json.RawMessage `json:"return_type"`
	Parameters         []*parameter    `json:"parameters,omitempty"`
	VariadicParameter  *parameter      `json:"variadic_parameter,omitempty"`
}

type parameter struct {
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	IsNullable  bool            `json:"is_nullable,omitempty"`
	Type        json.RawMessage `json:"type"`
}

// Generate asks server for every schema it serves (GetProviderSchema and
// GetResourceIdentitySchemas) and returns them as `terraform providers schema -json` would,
// under the key providerKey (tfplugindocs looks the provider up by its short name).
func Generate(ctx context.Context, server tfprotov6.ProviderServer, providerKey string) ([]byte, error) {
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagError(resp.Diagnostics); err != nil {
		return nil, err
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagError(ids.Diagnostics); err != nil {
		return nil, err
	}

	ps := &providerSchema{
		Provider:                 marshalSchema(resp.Provider),
		ResourceSchemas:          marshalSchemas(resp.ResourceSchemas),
		DataSourceSchemas:        marshalSchemas(resp.DataSourceSchemas),
		EphemeralResourceSchemas: marshalSchemas(resp.EphemeralResourceSchemas),
		ListResourceSchemas:      marshalSchemas(resp.ListResourceSchemas),
	}
	if len(resp.ActionSchemas) > 0 {
		ps.ActionSchemas = map[string]*actionSchema{}
		for name, a := range resp.ActionSchemas {
			var b *block
			if a != nil {
				b = marshalBlock(a.Schema.Block)
			}
			ps.ActionSchemas[name] = &actionSchema{Block: b}
		}
	}
	if len(ids.IdentitySchemas) > 0 {
		ps.ResourceIdentitySchemas = map[string]*identitySchema{}
		for name, s := range ids.IdentitySchemas {
			is := &identitySchema{Version: s.Version, Attributes: map[string]*identityAttribute{}}
			for _, a := range s.IdentityAttributes {
				is.Attributes[a.Name] = &identityAttribute{
					IdentityType:      typeJSON(a.Type),
					Description:       a.Description,
					RequiredForImport: a.RequiredForImport,
					OptionalForImport: a.OptionalForImport,
				}
			}
			ps.ResourceIdentitySchemas[name] = is
		}
	}
	if len(resp.Functions) > 0 {
		ps.Functions = map[string]*function{}
		for name, f := range resp.Functions {
			fn := &function{
				Description:        f.Description,
				Summary:            f.Summary,
				DeprecationMessage: f.DeprecationMessage,
				VariadicParameter:  marshalParameter(f.VariadicParameter),
			}
			if f.Return != nil {
				fn.ReturnType = typeJSON(f.Return.Type)
			}
			for _, p := range f.Parameters {
				fn.Parameters = append(fn.Parameters, marshalParameter(p))
			}
			ps.Functions[name] = fn
		}
	}

	return json.Marshal(providerSchemas{
		FormatVersion: FormatVersion,
		Schemas:       map[string]*providerSchema{providerKey: ps},
	})
}

func diagError(diags []*tfprotov6.Diagnostic) error {
	var msgs []string
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			msgs = append(msgs, d.Summary+": "+d.Detail)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	sort.Strings(msgs)
	return fmt.Errorf("provider schema: %s", strings.Join(msgs, "; "))
}

func marshalSchemas(in map[string]*tfprotov6.Schema) map[string]*schema {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]*schema, len(in))
	for name, s := range in {
		out[name] = marshalSchema(s)
	}
	return out
}

func marshalSchema(s *tfprotov6.Schema) *schema {
	if s == nil {
		return nil
	}
	return &schema{Version: s.Version, Block: marshalBlock(s.Block)}
}

func marshalBlock(b *tfprotov6.SchemaBlock) *block {
	if b == nil {
		return &block{DescriptionKind: "plain"}
	}
	out := &block{
		Description:     b.Description,
		DescriptionKind: stringKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	if len(b.Attributes) > 0 {
		out.Attributes = marshalAttributes(b.Attributes)
	}
	if len(b.BlockTypes) > 0 {
		out.BlockTypes = map[string]*blockType{}
		for _, bt := range b.BlockTypes {
			out.BlockTypes[bt.TypeName] = &blockType{
				NestingMode: blockNesting(bt.Nesting),
				Block:       marshalBlock(bt.Block),
				MinItems:    bt.MinItems,
				MaxItems:    bt.MaxItems,
			}
		}
	}
	return out
}

func marshalAttributes(in []*tfprotov6.SchemaAttribute) map[string]*attribute {
	out := make(map[string]*attribute, len(in))
	for _, a := range in {
		attr := &attribute{
			Description:     a.Description,
			DescriptionKind: stringKind(a.DescriptionKind),
			Deprecated:      a.Deprecated,
			Required:        a.Required,
			Optional:        a.Optional,
			Computed:        a.Computed,
			Sensitive:       a.Sensitive,
			WriteOnly:       a.WriteOnly,
		}
		if a.NestedType != nil {
			attr.AttributeNestedType = &nestedType{
				Attributes:  marshalAttributes(a.NestedType.Attributes),
				NestingMode: objectNesting(a.NestedType.Nesting),
			}
		} else {
			attr.AttributeType = typeJSON(a.Type)
		}
		out[a.Name] = attr
	}
	return out
}

func marshalParameter(p *tfprotov6.FunctionParameter) *parameter {
	if p == nil {
		return nil
	}
	return &parameter{Name: p.Name, Description: p.Description, IsNullable: p.AllowNullValue, Type: typeJSON(p.Type)}
}

// typeJSON is the type constraint in cty's JSON form, which tftypes writes too.
func typeJSON(t tftypes.Type) json.RawMessage {
	if t == nil {
		return nil
	}
	b, err := t.MarshalJSON() //nolint:staticcheck // the one public way to the cty JSON form of a tftypes.Type; plugin-go uses it for the wire
	if err != nil {
		return nil
	}
	return b
}

func stringKind(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}

func objectNesting(n tfprotov6.SchemaObjectNestingMode) string {
	switch n {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return "single"
	case tfprotov6.SchemaObjectNestingModeList:
		return "list"
	case tfprotov6.SchemaObjectNestingModeSet:
		return "set"
	case tfprotov6.SchemaObjectNestingModeMap:
		return "map"
	default:
		return ""
	}
}

func blockNesting(n tfprotov6.SchemaNestedBlockNestingMode) string {
	switch n {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return "single"
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return "group"
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return "list"
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return "set"
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return "map"
	default:
		return ""
	}
}
