package docschema

import (
	"context"
	"encoding/json"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/zclconf/go-cty/cty"

	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
)

// The JSON reads back as `terraform providers schema -json` output (tfjson validates the
// format version) and carries what the 1.11 CLI leaves out, with the attribute flags intact.
func TestFromServer(t *testing.T) {
	srv, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := FromServer(context.Background(), srv, "rockit")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(schemas)
	if err != nil {
		t.Fatal(err)
	}
	var back tfjson.ProviderSchemas
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("the JSON does not read back: %v", err)
	}
	ps := back.Schemas["rockit"]
	if ps == nil || ps.ConfigSchema == nil || ps.ConfigSchema.Block.Attributes["password"] == nil || !ps.ConfigSchema.Block.Attributes["password"].Sensitive {
		t.Fatalf("provider schema: %+v", ps)
	}
	pt := ps.ActionSchemas["rockit_process_traces"]
	if pt == nil || !pt.Block.Attributes["app_name"].Required || !pt.Block.Attributes["wait_timeout"].Optional ||
		pt.Block.DescriptionKind != tfjson.SchemaDescriptionKindMarkdown {
		t.Fatalf("action rockit_process_traces: %+v", pt)
	}
	if tok := ps.EphemeralResourceSchemas["rockit_auth_token"]; tok == nil || !tok.Block.Attributes["token"].Sensitive || !tok.Block.Attributes["token"].Computed {
		t.Fatalf("ephemeral rockit_auth_token: %+v", tok)
	}
	fn := ps.Functions["permissions_from_bits"]
	if fn == nil || !fn.ReturnType.Equals(cty.Map(cty.Set(cty.String))) || len(fn.Parameters) != 1 || !fn.Parameters[0].Type.Equals(cty.Map(cty.Number)) {
		t.Fatalf("function permissions_from_bits: %+v", fn)
	}
	dep := ps.ResourceSchemas["rockit_deployment"]
	origin := dep.Block.Attributes["origin"]
	if origin == nil || origin.AttributeNestedType == nil || origin.AttributeNestedType.NestingMode != tfjson.SchemaNestingModeSingle {
		t.Fatalf("rockit_deployment.origin: %+v", origin)
	}
	wo := origin.AttributeNestedType.Attributes["secret_access_key_wo"]
	if wo == nil || !wo.WriteOnly || !wo.Sensitive || !wo.AttributeType.Equals(cty.String) {
		t.Fatalf("rockit_deployment.origin.secret_access_key_wo: %+v", wo)
	}
	if tasks := ps.DataSourceSchemas["rockit_tasks"].Block.Attributes["tasks"]; tasks.AttributeNestedType.NestingMode != tfjson.SchemaNestingModeList {
		t.Fatalf("rockit_tasks.tasks: %+v", tasks)
	}
}
