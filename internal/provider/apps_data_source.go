package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

var _ datasource.DataSourceWithConfigure = &appsDataSource{}

// NewAppsDataSource is the rockit_apps data source.
func NewAppsDataSource() datasource.DataSource {
	return &appsDataSource{}
}

type appsDataSource struct {
	client *client.Client
}

type appsDataSourceModel struct {
	Apps []appModel `tfsdk:"apps"`
}

func (d *appsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_apps"
}

func (d *appsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "All apps of the organization, sorted by name (the provider pages through the whole list)." + dataSourceBootstrapNote,
		Attributes: map[string]schema.Attribute{
			"apps": schema.ListNestedAttribute{
				MarkdownDescription: "The apps, sorted by name.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: appDataAttributes()},
			},
		},
	}
}

func (d *appsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *appsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	all, err := d.client.ReadApps(ctx)
	if err != nil {
		addClientError(&resp.Diagnostics, "Error listing apps", err)
		return
	}
	out := appsDataSourceModel{Apps: make([]appModel, len(all))}
	for i := range all {
		resp.Diagnostics.Append(appFromAPI(ctx, &all[i], &out.Apps[i])...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
