package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// publishingSecrets are the attribute names that hold secrets in the publishing types.
var publishingSecrets = map[string]bool{
	"secret_access_key": true, "secret_access_key_wo": true, "key": true, "key_wo": true, "secret": true,
}

// Every attribute (nested ones too) of the publishing types has a description, and exactly the
// secrets are sensitive; the write-only variants are write-only.
func TestPublishingSchemas(t *testing.T) {
	ctx := context.Background()
	for _, newRes := range []func() fwresource.Resource{NewDeploymentResource, NewAppResource, NewSubscriptionResource} {
		r := newRes()
		var meta fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "rockit"}, &meta)
		var resp fwresource.SchemaResponse
		r.Schema(ctx, fwresource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no description", meta.TypeName)
		}
		checkResourceAttributes(t, meta.TypeName, resp.Schema.Attributes)
	}
	for _, newDS := range []func() datasource.DataSource{NewAppDataSource, NewAppsDataSource, NewDeploymentDataSource,
		NewDeploymentsDataSource, NewSubscriptionsDataSource, NewTaskDataSource, NewTasksDataSource} {
		d := newDS()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "rockit"}, &meta)
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no description", meta.TypeName)
		}
		checkDataSourceAttributes(t, meta.TypeName, resp.Schema.Attributes)
	}
}

func checkResourceAttributes(t *testing.T, at string, attrs map[string]schema.Attribute) {
	t.Helper()
	for name, a := range attrs {
		p := at + "." + name
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s has no description", p)
		}
		if publishingSecrets[name] != a.IsSensitive() {
			t.Errorf("%s: sensitive = %t", p, a.IsSensitive())
		}
		if wo := len(name) > 3 && name[len(name)-3:] == "_wo"; wo != a.IsWriteOnly() {
			t.Errorf("%s: write-only = %t", p, a.IsWriteOnly())
		}
		switch n := a.(type) {
		case schema.SingleNestedAttribute:
			checkResourceAttributes(t, p, n.Attributes)
		case schema.SetNestedAttribute:
			checkResourceAttributes(t, p, n.NestedObject.Attributes)
		}
	}
}

func checkDataSourceAttributes(t *testing.T, at string, attrs map[string]dsschema.Attribute) {
	t.Helper()
	for name, a := range attrs {
		p := at + "." + name
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s has no description", p)
		}
		if publishingSecrets[name] {
			t.Errorf("%s: a data source must not expose a secret", p)
		}
		switch n := a.(type) {
		case dsschema.SingleNestedAttribute:
			checkDataSourceAttributes(t, p, n.Attributes)
		case dsschema.ListNestedAttribute:
			checkDataSourceAttributes(t, p, n.NestedObject.Attributes)
		case dsschema.SetNestedAttribute:
			checkDataSourceAttributes(t, p, n.NestedObject.Attributes)
		}
	}
}
