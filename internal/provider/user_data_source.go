package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var _ datasource.DataSourceWithConfigure = &userDataSource{}

// NewUserDataSource is the rockit_user data source.
func NewUserDataSource() datasource.DataSource {
	return &userDataSource{}
}

type userDataSource struct {
	client *client.Client
}

// userDataModel is a user or machine user as the rockit_user data source and the items of
// rockit_users hold it. It never holds secrets: the API returns them only once.
type userDataModel struct {
	ID        types.String `tfsdk:"id"`
	Username  types.String `tfsdk:"username"`
	Type      types.String `tfsdk:"type"`
	Email     types.String `tfsdk:"email"`
	Firstname types.String `tfsdk:"firstname"`
	Surname   types.String `tfsdk:"surname"`
	Title     types.String `tfsdk:"title"`
	Label     types.String `tfsdk:"label"`
	Roles     types.Set    `tfsdk:"roles"`
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

// userDataSourceAttributes are the attributes of one user, in rockit_user and in the items of
// rockit_users.
func userDataSourceAttributes(usernameRequired bool) map[string]schema.Attribute {
	username := schema.StringAttribute{MarkdownDescription: "Username.", Computed: true}
	if usernameRequired {
		username = schema.StringAttribute{
			MarkdownDescription: "Username of the user or machine user to read.",
			Required:            true,
			Validators:          []validator.String{validators.Name()},
		}
	}
	return map[string]schema.Attribute{
		"id":        schema.StringAttribute{MarkdownDescription: "The username.", Computed: true},
		"username":  username,
		"type":      schema.StringAttribute{MarkdownDescription: "`user` for a human backend user, `machine` for a machine user.", Computed: true},
		"email":     schema.StringAttribute{MarkdownDescription: "Email address (human users; null for machine users).", Computed: true},
		"firstname": schema.StringAttribute{MarkdownDescription: "First name (human users).", Computed: true},
		"surname":   schema.StringAttribute{MarkdownDescription: "Surname (human users).", Computed: true},
		"title":     schema.StringAttribute{MarkdownDescription: "Title (human users), null when none.", Computed: true},
		"label":     schema.StringAttribute{MarkdownDescription: "Label (machine users; null for human users).", Computed: true},
		"roles": schema.SetAttribute{
			MarkdownDescription: "Names of the roles the user holds.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one backend user or machine user of the organization. Secrets (passwords, API keys) are " +
			"never readable." + dataSourceBootstrapNote,
		Attributes: userDataSourceAttributes(true),
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m userDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	u, err := d.client.ReadUser(ctx, m.Username.ValueString())
	if err != nil {
		addClientError(&resp.Diagnostics, "Error reading user "+m.Username.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(userDataFromAPI(u, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// userDataFromAPI fills the data source model from a user of the API; fields that do not
// apply to the user's type are null.
func userDataFromAPI(u *client.User, m *userDataModel) diag.Diagnostics {
	m.ID = types.StringValue(u.Username)
	m.Username = types.StringValue(u.Username)
	m.Type = types.StringValue(u.Type)
	m.Email = stringOrNull(u.Email)
	m.Firstname = stringOrNull(u.Firstname)
	m.Surname = stringOrNull(u.Surname)
	m.Title = stringOrNull(u.Title)
	m.Label = stringOrNull(u.Label)
	roles, diags := rolesFromAPI(u.Roles)
	m.Roles = roles
	return diags
}

// sortAccessByName sorts items by a name, for stable lists in plural data sources.
func sortAccessByName[T any](items []T, name func(T) string) {
	sort.SliceStable(items, func(i, j int) bool { return name(items[i]) < name(items[j]) })
}
