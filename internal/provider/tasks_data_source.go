package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var _ datasource.DataSourceWithConfigure = &tasksDataSource{}

// NewTasksDataSource is the rockit_tasks data source.
func NewTasksDataSource() datasource.DataSource {
	return &tasksDataSource{}
}

type tasksDataSource struct {
	client *client.Client
}

type tasksDataSourceModel struct {
	AppName types.String `tfsdk:"app_name"`
	Status  types.String `tfsdk:"status"`
	Type    types.String `tfsdk:"type"`
	Tasks   []taskModel  `tfsdk:"tasks"`
}

func (d *tasksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tasks"
}

func (d *tasksDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's processing tasks, newest first, optionally filtered by app, status and type " +
			"(the provider pages through the whole list)." + dataSourceBootstrapNote,
		Attributes: map[string]schema.Attribute{
			"app_name": schema.StringAttribute{
				MarkdownDescription: "Only tasks of this app.",
				Optional:            true,
				Validators:          []validator.String{validators.Name()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only tasks with this status: `pending`, `running`, `done`, `failed` or `expired`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(taskStatuses...)},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Only tasks of this type: `dltar`, `mkraw` or `deploy`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(taskTypes...)},
			},
			"tasks": schema.ListNestedAttribute{
				MarkdownDescription: "The matching tasks, newest first.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: taskDataAttributes()},
			},
		},
	}
}

func (d *tasksDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *tasksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tasksDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := d.client.ListTasks(ctx, client.TaskFilter{
		AppName: m.AppName.ValueString(), Status: m.Status.ValueString(), Type: m.Type.ValueString(),
	})
	if err != nil {
		addClientError(&resp.Diagnostics, "Error listing tasks", err)
		return
	}
	m.Tasks = make([]taskModel, len(all))
	for i := range all {
		resp.Diagnostics.Append(taskFromAPI(ctx, &all[i], &m.Tasks[i])...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
