package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The conventions every resource and data source follows, checked over the provider's own
// registries so that a new type cannot skip them: a description on the type and on every
// attribute (nested ones included), an example for the docs, and for resources import by name
// with an import.sh.
func TestConventionsOfEveryType(t *testing.T) {
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("test")())()
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("provider schema: %s: %s", d.Summary, d.Detail)
	}
	examples := filepath.Join("..", "..", "examples")

	checkDescriptions(t, "provider", resp.Provider.Block)
	if len(resp.ResourceSchemas) == 0 || len(resp.DataSourceSchemas) == 0 {
		t.Fatal("the provider registers no resources or no data sources")
	}
	for name, s := range resp.ResourceSchemas {
		checkDescriptions(t, name, s.Block)
		for _, f := range []string{"resource.tf", "import.sh", "import-by-identity.tf"} {
			p := filepath.Join(examples, "resources", name, f)
			if b, err := os.ReadFile(p); err != nil || len(strings.TrimSpace(string(b))) == 0 {
				t.Errorf("%s has no %s", name, p)
			}
		}
	}
	if len(resp.ListResourceSchemas) != len(resp.ResourceSchemas)-1 {
		t.Errorf("%d list resources for %d resources: every resource but rockit_organization has one", len(resp.ListResourceSchemas), len(resp.ResourceSchemas))
	}
	for name, s := range resp.ListResourceSchemas {
		checkDescriptions(t, "list "+name, s.Block)
		p := filepath.Join(examples, "list-resources", name, "list-resource.tfquery.hcl")
		if b, err := os.ReadFile(p); err != nil || len(strings.TrimSpace(string(b))) == 0 {
			t.Errorf("list resource %s has no %s", name, p)
		}
	}
	for name, s := range resp.DataSourceSchemas {
		checkDescriptions(t, name, s.Block)
		p := filepath.Join(examples, "data-sources", name, "data-source.tf")
		if b, err := os.ReadFile(p); err != nil || len(strings.TrimSpace(string(b))) == 0 {
			t.Errorf("%s has no %s", name, p)
		}
	}

	var p rockitProvider
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "rockit"}, &meta)
		if _, ok := r.(resource.ResourceWithImportState); !ok {
			t.Errorf("%s cannot be imported", meta.TypeName)
		}
		if _, ok := r.(resource.ResourceWithConfigure); !ok {
			t.Errorf("%s does not take the provider's client in Configure", meta.TypeName)
		}
	}
}

func checkDescriptions(t *testing.T, at string, b *tfprotov6.SchemaBlock) {
	t.Helper()
	if b == nil {
		return
	}
	if at != "provider" && !strings.Contains(at, ".") && strings.TrimSpace(b.Description) == "" {
		t.Errorf("%s has no description", at)
	}
	for _, a := range b.Attributes {
		checkAttributeDescription(t, at+"."+a.Name, a)
	}
	for _, nb := range b.BlockTypes {
		checkDescriptions(t, at+"."+nb.TypeName, nb.Block)
	}
}

func checkAttributeDescription(t *testing.T, at string, a *tfprotov6.SchemaAttribute) {
	t.Helper()
	if strings.TrimSpace(a.Description) == "" || a.DescriptionKind != tfprotov6.StringKindMarkdown {
		t.Errorf("%s has no MarkdownDescription", at)
	}
	if a.NestedType != nil {
		for _, n := range a.NestedType.Attributes {
			checkAttributeDescription(t, at+"."+n.Name, n)
		}
	}
}
