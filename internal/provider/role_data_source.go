package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var _ datasource.DataSourceWithConfigure = &roleDataSource{}

// NewRoleDataSource is the rockit_role data source.
func NewRoleDataSource() datasource.DataSource {
	return &roleDataSource{}
}

type roleDataSource struct {
	client *client.Client
}

func (d *roleDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role"
}

// roleDataSourceAttributes are the attributes of one role, in rockit_role and in the items of
// rockit_roles.
func roleDataSourceAttributes(nameRequired bool) map[string]schema.Attribute {
	name := schema.StringAttribute{MarkdownDescription: "Name of the role.", Computed: true}
	if nameRequired {
		name = schema.StringAttribute{
			MarkdownDescription: "Name of the role to read, e.g. `Administrators`.",
			Required:            true,
			Validators:          []validator.String{validators.Name()},
		}
	}
	return map[string]schema.Attribute{
		"id":   schema.StringAttribute{MarkdownDescription: "The role's name.", Computed: true},
		"name": name,
		"permissions": schema.MapAttribute{
			MarkdownDescription: permissionsDescription(),
			ElementType:         permissionsType.ElemType,
			Computed:            true,
		},
	}
}

func (d *roleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one role of the organization, including the built-in `Administrators` role." + dataSourceBootstrapNote,
		Attributes:          roleDataSourceAttributes(true),
	}
}

func (d *roleDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *roleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m roleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ro, err := d.client.ReadRole(ctx, m.Name.ValueString())
	if err != nil {
		addClientError(&resp.Diagnostics, "Error reading role "+m.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(roleFromAPI(ro, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
