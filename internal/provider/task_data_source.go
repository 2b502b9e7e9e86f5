package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

var _ datasource.DataSourceWithConfigure = &taskDataSource{}

// NewTaskDataSource is the rockit_task data source.
func NewTaskDataSource() datasource.DataSource {
	return &taskDataSource{}
}

type taskDataSource struct {
	client *client.Client
}

// taskModel is a task as the data sources show it.
type taskModel struct {
	Name     types.String `tfsdk:"name"`
	Type     types.String `tfsdk:"type"`
	AppName  types.String `tfsdk:"app_name"`
	Status   types.String `tfsdk:"status"`
	Warnings types.List   `tfsdk:"warnings"`
	// WarningsAcknowledged: see the rockit_acknowledge_task action.
	WarningsAcknowledged types.Bool   `tfsdk:"warnings_acknowledged"`
	Exception            types.String `tfsdk:"exception"`
	Created              types.String `tfsdk:"created"`
	Updated              types.String `tfsdk:"updated"`
}

func (d *taskDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_task"
}

func (d *taskDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := taskDataAttributes()
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: "Name of the task.",
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One processing task of the organization's apps, by name: its type, status, warnings and exception." + dataSourceBootstrapNote,
		Attributes:          attrs,
	}
}

func (d *taskDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *taskDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m taskModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t, err := d.client.GetTask(ctx, m.Name.ValueString())
	if err != nil {
		addClientError(&resp.Diagnostics, "Error reading task", err)
		return
	}
	resp.Diagnostics.Append(taskFromAPI(ctx, t, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// taskFromAPI fills the model from the API's task.
func taskFromAPI(ctx context.Context, t *client.Task, m *taskModel) diag.Diagnostics {
	m.Name = types.StringValue(t.Name)
	m.Type = types.StringValue(t.Type)
	m.AppName = stringOrNull(t.AppName)
	m.Status = types.StringValue(t.Status)
	m.WarningsAcknowledged = types.BoolValue(t.WarningsAcknowledged)
	m.Created = stringOrNull(t.Created)
	m.Updated = stringOrNull(t.Updated)
	m.Exception = types.StringNull()
	if e := string(t.Exception); e != "" && e != "null" {
		m.Exception = types.StringValue(e)
	}
	warnings := t.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	var diags diag.Diagnostics
	m.Warnings, diags = types.ListValueFrom(ctx, types.StringType, warnings)
	return diags
}

// taskDataAttributes are the computed attributes of a task in the data sources.
func taskDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":     schema.StringAttribute{MarkdownDescription: "Name of the task.", Computed: true},
		"type":     schema.StringAttribute{MarkdownDescription: "Task type: `dltar`, `mkraw` or `deploy`.", Computed: true},
		"app_name": schema.StringAttribute{MarkdownDescription: "Name of the app the task belongs to.", Computed: true},
		"status": schema.StringAttribute{
			MarkdownDescription: "`pending`, `running`, `done`, `failed` or `expired` (an upload ended with the action `rockit_expire_task`).",
			Computed:            true,
		},
		"warnings": schema.ListAttribute{
			MarkdownDescription: "Warnings the task reported.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"warnings_acknowledged": schema.BoolAttribute{
			MarkdownDescription: "Whether the warnings were reviewed (the action `rockit_acknowledge_task`); they stay in `warnings` until their cause is fixed.",
			Computed:            true,
		},
		"exception": schema.StringAttribute{
			MarkdownDescription: "The error detail of a failed task as a JSON document (decode it with `jsondecode`); null without one.",
			Computed:            true,
		},
		"created": schema.StringAttribute{MarkdownDescription: "When the task was created (RFC 3339).", Computed: true},
		"updated": schema.StringAttribute{MarkdownDescription: "When the task last changed (RFC 3339).", Computed: true},
	}
}
