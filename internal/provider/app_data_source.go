package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var _ datasource.DataSourceWithConfigure = &appDataSource{}

// NewAppDataSource is the rockit_app data source.
func NewAppDataSource() datasource.DataSource {
	return &appDataSource{}
}

type appDataSource struct {
	client *client.Client
}

func (d *appDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app"
}

func (d *appDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := appDataAttributes()
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "Name of the app.",
		Required:            true,
		Validators:          []validator.String{validators.Name()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One app of the organization, by name, with its current build and where it is published." + dataSourceBootstrapNote,
		Attributes:          attrs,
	}
}

func (d *appDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *appDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m appModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := d.client.ReadApp(ctx, m.Name.ValueString())
	if err != nil {
		addClientError(&resp.Diagnostics, "Error reading app", err)
		return
	}
	resp.Diagnostics.Append(appFromAPI(ctx, a, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// appDataAttributes are the computed attributes of an app in the data sources.
func appDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":       schema.StringAttribute{MarkdownDescription: "Name of the app.", Computed: true},
		"label":      schema.StringAttribute{MarkdownDescription: "Label of the app.", Computed: true},
		"max_builds": schema.Int64Attribute{MarkdownDescription: "How many builds the app keeps.", Computed: true},
		"deployments": schema.SetAttribute{
			MarkdownDescription: "Names of the deployments the app is published to; empty means all deployments.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"current_build": schema.Int64Attribute{MarkdownDescription: "Number of the current build (`iCurBuild`), 0 before the first.", Computed: true},
		"size_bytes":    schema.Int64Attribute{MarkdownDescription: "Storage the app's images and patches take, in bytes.", Computed: true},
		"processing":    schema.BoolAttribute{MarkdownDescription: "Whether a build is being processed.", Computed: true},
		"created":       schema.StringAttribute{MarkdownDescription: "When the app was created (RFC 3339).", Computed: true},
		"updated":       schema.StringAttribute{MarkdownDescription: "When the app was last changed (RFC 3339).", Computed: true},
	}
}
