package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

var _ datasource.DataSourceWithConfigure = &deploymentsDataSource{}

// NewDeploymentsDataSource is the rockit_deployments data source.
func NewDeploymentsDataSource() datasource.DataSource {
	return &deploymentsDataSource{}
}

type deploymentsDataSource struct {
	client *client.Client
}

type deploymentsDataSourceModel struct {
	Deployments []deploymentModel `tfsdk:"deployments"`
}

func (d *deploymentsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deployments"
}

func (d *deploymentsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "All deployments of the organization, sorted by name (the provider pages through the whole list)." + dataSourceBootstrapNote,
		Attributes: map[string]schema.Attribute{
			"deployments": schema.ListNestedAttribute{
				MarkdownDescription: "The deployments, sorted by name, without their secrets.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: deploymentDataAttributes()},
			},
		},
	}
}

func (d *deploymentsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *deploymentsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	all, err := d.client.ReadDeployments(ctx)
	if err != nil {
		addClientError(&resp.Diagnostics, "Error listing deployments", err)
		return
	}
	out := deploymentsDataSourceModel{Deployments: make([]deploymentModel, 0, len(all))}
	for i := range all {
		out.Deployments = append(out.Deployments, deploymentDataFromAPI(&all[i]))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
