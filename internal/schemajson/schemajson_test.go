package schemajson

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// stubServer serves fixed schemas; every other method of the interface is left nil.
type stubServer struct {
	tfprotov6.ProviderServer
	schema *tfprotov6.GetProviderSchemaResponse
	ids    *tfprotov6.GetResourceIdentitySchemasResponse
}

func (s stubServer) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return s.schema, nil
}

func (s stubServer) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return s.ids, nil
}

func nameSchema(desc string) *tfprotov6.Schema {
	return &tfprotov6.Schema{Version: 1, Block: &tfprotov6.SchemaBlock{
		Description: desc, DescriptionKind: tfprotov6.StringKindMarkdown,
		Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "name", Type: tftypes.String, Required: true, Description: "The name.", DescriptionKind: tfprotov6.StringKindMarkdown},
			{Name: "events", NestedType: &tfprotov6.SchemaObject{Nesting: tfprotov6.SchemaObjectNestingModeSet, Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "type", Type: tftypes.String, Required: true},
			}}, Optional: true},
			{Name: "tags", Type: tftypes.Map{ElementType: tftypes.Set{ElementType: tftypes.String}}, Computed: true, Sensitive: true},
		},
	}}
}

// The parts that Terraform 1.11 cannot print (identity, list resources, actions) and functions
// come out in the shape that tfplugindocs reads.
func TestGenerateWritesIdentityListActionAndFunctionSchemas(t *testing.T) {
	srv := stubServer{
		schema: &tfprotov6.GetProviderSchemaResponse{
			Provider:            &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{}},
			ResourceSchemas:     map[string]*tfprotov6.Schema{"x_role": nameSchema("A role.")},
			ListResourceSchemas: map[string]*tfprotov6.Schema{"x_role": nameSchema("Lists roles.")},
			ActionSchemas:       map[string]*tfprotov6.ActionSchema{"x_retry": {Schema: nameSchema("Retries.")}},
			Functions: map[string]*tfprotov6.Function{"to_bits": {
				Summary: "Converts.", Description: "Converts a map.",
				Parameters: []*tfprotov6.FunctionParameter{{Name: "permissions", Type: tftypes.Map{ElementType: tftypes.Number}, AllowNullValue: true}},
				Return:     &tfprotov6.FunctionReturn{Type: tftypes.Map{ElementType: tftypes.Number}},
			}},
		},
		ids: &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{
			"x_role": {Version: 0, IdentityAttributes: []*tfprotov6.ResourceIdentitySchemaAttribute{
				{Name: "name", Type: tftypes.String, RequiredForImport: true, Description: "Role name."},
				{Name: "org_name", Type: tftypes.String, OptionalForImport: true},
			}},
		}},
	}
	out, err := Generate(context.Background(), srv, "x")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"format_version":"1.0","provider_schemas":{"x":{
	  "provider":{"version":0,"block":{"description_kind":"plain"}},
	  "resource_schemas":{"x_role":` + nameJSON("A role.") + `},
	  "list_resource_schemas":{"x_role":` + nameJSON("Lists roles.") + `},
	  "action_schemas":{"x_retry":{"block":` + blockJSON("Retries.") + `}},
	  "functions":{"to_bits":{"summary":"Converts.","description":"Converts a map.","return_type":["map","number"],
	    "parameters":[{"name":"permissions","is_nullable":true,"type":["map","number"]}]}},
	  "resource_identity_schemas":{"x_role":{"version":0,"attributes":{
	    "name":{"type":"string","description":"Role name.","required_for_import":true},
	    "org_name":{"type":"string","optional_for_import":true}}}}
	}}}`
	var w map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	wb, _ := json.Marshal(w)
	if string(g) != string(wb) {
		t.Errorf("schema JSON\n got: %s\nwant: %s", g, wb)
	}
}

func blockJSON(desc string) string {
	return `{"description":"` + desc + `","description_kind":"markdown","attributes":{
	  "name":{"type":"string","description":"The name.","description_kind":"markdown","required":true},
	  "events":{"nested_type":{"nesting_mode":"set","attributes":{"type":{"type":"string","description_kind":"plain","required":true}}},"description_kind":"plain","optional":true},
	  "tags":{"type":["map",["set","string"]],"description_kind":"plain","computed":true,"sensitive":true}}}`
}

func nameJSON(desc string) string { return `{"version":1,"block":` + blockJSON(desc) + `}` }

// An error diagnostic from the server is an error, not an empty file.
func TestGenerateFailsOnSchemaErrors(t *testing.T) {
	srv := stubServer{
		schema: &tfprotov6.GetProviderSchemaResponse{Diagnostics: []*tfprotov6.Diagnostic{{
			Severity: tfprotov6.DiagnosticSeverityError, Summary: "Duplicate resource", Detail: "x_role twice",
		}}},
		ids: &tfprotov6.GetResourceIdentitySchemasResponse{},
	}
	if _, err := Generate(context.Background(), srv, "x"); err == nil || err.Error() != "provider schema: Duplicate resource: x_role twice" {
		t.Errorf("error %v", err)
	}
}
