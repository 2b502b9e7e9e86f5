package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

var _ datasource.DataSourceWithConfigure = &subscriptionsDataSource{}

// NewSubscriptionsDataSource is the rockit_subscriptions data source.
func NewSubscriptionsDataSource() datasource.DataSource {
	return &subscriptionsDataSource{}
}

type subscriptionsDataSource struct {
	client *client.Client
}

type subscriptionsDataSourceModel struct {
	Subscriptions []subscriptionModel `tfsdk:"subscriptions"`
}

func (d *subscriptionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_subscriptions"
}

func (d *subscriptionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "All event subscriptions of the organization, sorted by name (the provider pages through the " +
			"whole list). Their secrets are returned only when subscribing, so they are not here." + dataSourceBootstrapNote,
		Attributes: map[string]schema.Attribute{
			"subscriptions": schema.ListNestedAttribute{
				MarkdownDescription: "The subscriptions, sorted by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{MarkdownDescription: "Name of the subscription.", Computed: true},
					"type": schema.StringAttribute{MarkdownDescription: "`webhook` or `slack`.", Computed: true},
					"url":  schema.StringAttribute{MarkdownDescription: "The URL that is notified.", Computed: true},
					"events": schema.SetNestedAttribute{
						MarkdownDescription: "The subscribed events; null means all events.",
						Computed:            true,
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"type":  schema.StringAttribute{MarkdownDescription: "Task type: `dltar`, `mkraw` or `deploy`.", Computed: true},
							"event": schema.StringAttribute{MarkdownDescription: "`submit`, `begin`, `end` or `error`.", Computed: true},
						}},
					},
				}},
			},
		},
	}
}

func (d *subscriptionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (d *subscriptionsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	all, err := d.client.ReadSubscriptions(ctx)
	if err != nil {
		addClientError(&resp.Diagnostics, "Error listing subscriptions", err)
		return
	}
	out := subscriptionsDataSourceModel{Subscriptions: make([]subscriptionModel, 0, len(all))}
	for i := range all {
		m := subscriptionResourceModel{Secret: types.StringNull(), SecretEnc: types.StringNull()}
		resp.Diagnostics.Append(subscriptionFromAPI(&all[i], &m, secretsKey{})...)
		out.Subscriptions = append(out.Subscriptions, m.subscriptionModel)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
