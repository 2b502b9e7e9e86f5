// Command noop is the benchmark's plugin floor: a terraform-plugin-framework provider with one
// resource, noop_thing, that makes no API calls and uses the framework's defaults everywhere.
// It pays the same plugin-protocol cost as terraform-provider-rockit (process start, gRPC,
// schema, state encoding) and nothing else. The harness in internal/bench builds it and serves
// it under dev_overrides as registry.terraform.io/bench/noop.
//
// It also serves a second, shaped floor: for every resource type of the rockit provider a
// noop_<name> twin (noop_role, noop_user, ...) with the very same schema (attributes,
// validators, plan modifiers, defaults, sensitivity) whose Create and Update store the plan,
// Read and Delete do nothing. Ours against the shaped floor is what our client, authentication,
// HTTP and mapping cost; the shaped floor against noop_thing is what the width of our schemas
// costs in Terraform and the framework.
package main

import (
	"context"
	"log"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	rockit "github.com/rockitplay/terraform-provider-rockit/internal/provider"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &noopProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/bench/noop"})
	if err != nil {
		log.Fatal(err)
	}
}

type noopProvider struct{}

func (p *noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (p *noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *noopProvider) Resources(ctx context.Context) []func() resource.Resource {
	out := []func() resource.Resource{func() resource.Resource { return &thingResource{} }}
	for _, f := range rockit.New("noop")().Resources(ctx) {
		var md resource.MetadataResponse
		f().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "rockit"}, &md)
		typ := "noop_" + strings.TrimPrefix(md.TypeName, "rockit_")
		out = append(out, func() resource.Resource { return &shapedResource{inner: f(), typ: typ} })
	}
	return out
}

func (p *noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// thingResource stores what it is given; its id is its name.
type thingResource struct{}

type thingModel struct {
	ID    types.String `tfsdk:"id"`
	Name  types.String `tfsdk:"name"`
	Value types.String `tfsdk:"value"`
}

func (r *thingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (r *thingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"value": schema.StringAttribute{Optional: true},
		},
	}
}

func (r *thingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = m.Name
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *thingResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *thingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *thingResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// shapedResource has the schema of one of our resources and no behaviour: Create and Update
// store the plan with unknown (computed) values as null, Read and Delete do nothing.
type shapedResource struct {
	inner resource.Resource
	typ   string
}

func (r *shapedResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.typ
}

func (r *shapedResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.inner.Schema(ctx, req, resp)
}

func (r *shapedResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = knownOrNull(req.Plan.Raw)
}

func (r *shapedResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *shapedResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = knownOrNull(req.Plan.Raw)
}

func (r *shapedResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// knownOrNull replaces every unknown value with null.
func knownOrNull(v tftypes.Value) tftypes.Value {
	out, err := tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		return v
	}
	return out
}
