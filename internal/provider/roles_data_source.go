package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

var _ datasource.DataSourceWithConfigure = &rolesDataSource{}

// NewRolesDataSource is the rockit_roles data source.
func NewRolesDataSource() datasource.DataSource {
	return &rolesDataSource{}
}

type rolesDataSource struct {
	client *client.Client
}

type rolesDataSourceModel struct {
	Roles []roleModel `tfsdk:"roles"`
}

func (d *rolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_roles"
}

func (d *rolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every role of the organization (paging through the whole list), sorted by name." + dataSourceBootstrapNote,
		Attributes: map[string]schema.Attribute{
			"roles": schema.ListNestedAttribute{
				MarkdownDescription: "The roles, sorted by name.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: roleDataSourceAttributes(false)},
			},
		},
	}
}

func (d *rolesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *rolesDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	roles, err := d.client.ReadRoles(ctx)
	if err != nil {
		addClientError(&resp.Diagnostics, "Error listing roles", err)
		return
	}
	m := rolesDataSourceModel{Roles: make([]roleModel, len(roles))}
	for i := range roles {
		resp.Diagnostics.Append(roleFromAPI(&roles[i], &m.Roles[i])...)
	}
	sortAccessByName(m.Roles, func(r roleModel) string { return r.Name.ValueString() })
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
