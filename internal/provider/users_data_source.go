package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

var _ datasource.DataSourceWithConfigure = &usersDataSource{}

// NewUsersDataSource is the rockit_users data source.
func NewUsersDataSource() datasource.DataSource {
	return &usersDataSource{}
}

type usersDataSource struct {
	client *client.Client
}

type usersDataSourceModel struct {
	Type  types.String    `tfsdk:"type"`
	Users []userDataModel `tfsdk:"users"`
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the backend users and machine users of the organization (paging through the whole list), " +
			"optionally only those of one type, sorted by username. Secrets are never readable." + dataSourceBootstrapNote,
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "Only users of this type: `user` (human backend users) or `machine` (machine users). All when unset.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.UserTypeHuman, client.UserTypeMachine)},
			},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The users, sorted by username.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: userDataSourceAttributes(false)},
			},
		},
	}
}

func (d *usersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m usersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	users, err := d.client.ReadUsers(ctx, client.ListUsersOptions{Type: m.Type.ValueString()})
	if err != nil {
		addClientError(&resp.Diagnostics, "Error listing users", err)
		return
	}
	m.Users = make([]userDataModel, len(users))
	for i := range users {
		resp.Diagnostics.Append(userDataFromAPI(&users[i], &m.Users[i])...)
	}
	sortAccessByName(m.Users, func(u userDataModel) string { return u.Username.ValueString() })
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
