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

var _ datasource.DataSourceWithConfigure = &deploymentDataSource{}

// NewDeploymentDataSource is the rockit_deployment data source.
func NewDeploymentDataSource() datasource.DataSource {
	return &deploymentDataSource{}
}

type deploymentDataSource struct {
	client *client.Client
}

// deploymentModel is a deployment as the data sources show it: everything but the secrets.
type deploymentModel struct {
	Name         types.String                 `tfsdk:"name"`
	Origin       *deploymentOriginModel       `tfsdk:"origin"`
	DownloadAuth *deploymentDownloadAuthModel `tfsdk:"download_auth"`
	Status       types.String                 `tfsdk:"status"`
	Message      types.String                 `tfsdk:"message"`
}

func (d *deploymentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deployment"
}

func (d *deploymentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := deploymentDataAttributes()
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "Name of the deployment.",
		Required:            true,
		Validators:          []validator.String{validators.DeploymentName()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One deployment of the organization, by name. The API never returns the storage secret or the " +
			"download authentication key, so they are not here." + dataSourceBootstrapNote,
		Attributes: attrs,
	}
}

func (d *deploymentDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *deploymentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg deploymentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	dep, err := d.client.ReadDeployment(ctx, cfg.Name.ValueString())
	if err != nil {
		addClientError(&resp.Diagnostics, "Error reading deployment", err)
		return
	}
	out := deploymentDataFromAPI(dep)
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}

// deploymentDataFromAPI maps an API deployment through the resource's deploymentFromAPI and
// leaves out the secrets.
func deploymentDataFromAPI(dep *client.Deployment) deploymentModel {
	var m deploymentResourceModel
	deploymentFromAPI(dep, &m)
	out := deploymentModel{Name: m.Name, Origin: &m.Origin.deploymentOriginModel, Status: m.Status, Message: m.Message}
	if m.DownloadAuth != nil {
		out.DownloadAuth = &m.DownloadAuth.deploymentDownloadAuthModel
	}
	return out
}

// deploymentDataAttributes are the computed attributes of a deployment in the data sources.
func deploymentDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{MarkdownDescription: "Name of the deployment.", Computed: true},
		"origin": schema.SingleNestedAttribute{
			MarkdownDescription: "The origin storage (without its secret).",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"type":          schema.StringAttribute{MarkdownDescription: "Storage type (`s3`).", Computed: true},
				"endpoint":      schema.StringAttribute{MarkdownDescription: "S3 endpoint host name.", Computed: true},
				"bucket":        schema.StringAttribute{MarkdownDescription: "S3 bucket.", Computed: true},
				"prefix":        schema.StringAttribute{MarkdownDescription: "Key prefix inside the bucket.", Computed: true},
				"access_key_id": schema.StringAttribute{MarkdownDescription: "Access key ID of the storage credentials.", Computed: true},
			},
		},
		"download_auth": schema.SingleNestedAttribute{
			MarkdownDescription: "CDN download authentication (without its key); null when there is none.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"provider": schema.StringAttribute{MarkdownDescription: "CDN provider: `akamai` or `gcore`.", Computed: true},
			},
		},
		"status":  schema.StringAttribute{MarkdownDescription: "Status of the deployment, e.g. `ready`.", Computed: true},
		"message": schema.StringAttribute{MarkdownDescription: "The API's description of the status.", Computed: true},
	}
}
