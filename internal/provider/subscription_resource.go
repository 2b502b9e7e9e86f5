package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &subscriptionResource{}
	_ resource.ResourceWithModifyPlan  = &subscriptionResource{}
	_ resource.ResourceWithImportState = &subscriptionResource{}
	_ resource.ResourceWithIdentity    = &subscriptionResource{}
)

// NewSubscriptionResource is the rockit_subscription resource.
func NewSubscriptionResource() resource.Resource {
	return &subscriptionResource{}
}

type subscriptionResource struct {
	client     *client.Client
	mem        *runMemory // this configuration's run memory (run_memory.go)
	secretsKey secretsKey
}

// subscriptionModel holds the attributes the API returns in its list; the data source uses it
// as it is.
type subscriptionModel struct {
	Name   types.String `tfsdk:"name"`
	Type   types.String `tfsdk:"type"`
	URL    types.String `tfsdk:"url"`
	Events types.Set    `tfsdk:"events"`
}

type subscriptionResourceModel struct {
	subscriptionModel
	ID           types.String `tfsdk:"id"`
	Secret       types.String `tfsdk:"secret"`
	PublicKeyPEM types.String `tfsdk:"public_key_pem"`
	SecretEnc    types.String `tfsdk:"secret_encrypted"`
}

// subscriptionEventType is the object type of one element of events.
var subscriptionEventType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"type":  types.StringType,
	"event": types.StringType,
}}

// The enumerations of the contract (section 9).
var (
	subscriptionTypes = []string{"webhook", "slack"}
	taskTypes         = []string{"dltar", "mkraw", "deploy"}
	eventNames        = []string{"submit", "begin", "end", "error"}
	taskStatuses      = []string{"pending", "running", "done", "failed", "expired"}
)

func (r *subscriptionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_subscription"
}

func (r *subscriptionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An event subscription: ROCKIT Edge calls a webhook or posts to Slack when tasks of the " +
			"organization's apps (`dltar`, `mkraw`, `deploy`) are submitted, begin, end or fail.\n\n" +
			"The API cannot change a subscription: a change of any attribute but `public_key_pem` unsubscribes and subscribes " +
			"again, which issues a new `secret` (encrypted into `secret_encrypted` when a `public_key_pem` is set).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The subscription's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the subscription: 2 to 50 letters, digits and underscores. Changing it forces a new subscription.",
				Required:            true,
				Validators:          []validator.String{validators.Name()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Kind of receiver: `webhook` or `slack`. Changing it forces a new subscription.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(subscriptionTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "The https URL that is called (webhook) or posted to (Slack incoming webhook). Changing it forces a new subscription.",
				Required:            true,
				Validators:          []validator.String{validators.HTTPSURL()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"events": schema.SetNestedAttribute{
				MarkdownDescription: "The events to be notified of. Leave it out to be notified of all events. Changing it forces a new subscription.",
				Optional:            true,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1)},
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"type": schema.StringAttribute{
							MarkdownDescription: "Task type: `dltar`, `mkraw` or `deploy`.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.OneOf(taskTypes...)},
						},
						"event": schema.StringAttribute{
							MarkdownDescription: "Event of the task: `submit`, `begin`, `end` or `error`.",
							Required:            true,
							Validators:          []validator.String{stringvalidator.OneOf(eventNames...)},
						},
					},
				},
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "Secret with which the receiver verifies the JWT in the `x-rockit-subscriptions` header of each " +
					"webhook call, when no `public_key_pem` (nor the provider's `secrets_public_key_pem`) is set; null with a key. " +
					"The API returns it once, when subscribing: it is kept **in state in clear text** (sensitive), and is null " +
					"after an import.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"public_key_pem":   publicKeyAttribute("secret", "secret", "secret_encrypted", "the next subscription (a change that subscribes again)"),
			"secret_encrypted": encryptedSecretAttribute("secret"),
		},
	}
}

// IdentitySchema declares the identity: the name and the organization (lifecycle.go).
func (r *subscriptionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	subscriptionKey.identitySchema(resp)
}

func (r *subscriptionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
	r.mem = getMemory(req.ProviderData)
	r.secretsKey = getSecretsKey(req.ProviderData)
}

// ModifyPlan checks that the provider configuration can manage the resource and plans the new
// secret (clear or encrypted) of a new subscription; a replacement is planned as a new one.
func (r *subscriptionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkProviderServes(r.client, client.ScopeOrg, "rockit_subscription", &resp.Diagnostics)
	if !planOwnedHere(ctx, req, resp, r.client, subscriptionKey) {
		return
	}
	checkNameTaken(ctx, req, resp, r.client, r.mem, subscriptionKey, planned(func(ctx context.Context, m subscriptionResourceModel) (client.CreateSubscriptionRequest, bool) {
		in, diags := subscriptionToAPI(ctx, m)
		return in, !diags.HasError()
	}))
	planIssuedSecret(ctx, req, resp, issuedSecretAttrs{clear: "secret", encrypted: "secret_encrypted"}, r.secretsKey)
}

func (r *subscriptionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ownerAtCreate(ctx, resp, r.client, subscriptionKey)
	var plan subscriptionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, diags := subscriptionToAPI(ctx, plan)
	resp.Diagnostics.Append(diags...)
	key := effectiveSecretsKey(plan.PublicKeyPEM, r.secretsKey)
	if resp.Diagnostics.HasError() || !checkSecretsKey(key, &resp.Diagnostics) {
		return
	}
	sub, err := r.client.CreateSubscription(ctx, in)
	if err != nil {
		if sub != nil && credentialsLost(&resp.Diagnostics, "rockit_subscription", "secret", "", err) {
			resp.Diagnostics.Append(subscriptionFromAPI(sub, &plan, key)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
		if keepMaybeCreated(ctx, req, resp, subscriptionKey, plan.Name.ValueString(), err) {
			return
		}
		subscriptionKey.createError(&resp.Diagnostics, plan.Name.ValueString(), err)
		return
	}
	tflog.Info(ctx, "created subscription", map[string]any{"name": sub.Name})
	resp.Diagnostics.Append(subscriptionFromAPI(sub, &plan, key)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(subscriptionKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

// Read finds the subscription in the paged list: the API has no endpoint for one.
func (r *subscriptionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state subscriptionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !ownedHere(ctx, req, resp, r.client, subscriptionKey, state.Name.ValueString()) ||
		settleUnknownCreate(ctx, req, resp, subscriptionKey, r.client, r.mem, state.Name.ValueString()) {
		return
	}
	sub, err := r.client.GetSubscription(ctx, state.Name.ValueString())
	if client.IsNotFound(err) {
		subscriptionKey.readGone(ctx, resp, r.client, state.Name.ValueString())
		return
	}
	if err != nil {
		addReadError(&resp.Diagnostics, "Error reading subscription", err)
		return
	}
	resp.Diagnostics.Append(subscriptionFromAPI(sub, &state, secretsKey{})...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(subscriptionKey.set(ctx, resp.Identity, r.client, state.Name.ValueString())...)
}

// Update changes only public_key_pem (every other attribute forces replacement): no API call;
// a clear secret kept from state moves into secret_encrypted when a key is now configured.
func (r *subscriptionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state subscriptionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.Secret, plan.SecretEnc = state.Secret, state.SecretEnc
	resp.Diagnostics.Append(sealKeptSecret(effectiveSecretsKey(plan.PublicKeyPEM, r.secretsKey), &plan.Secret, &plan.SecretEnc)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(subscriptionKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

func (r *subscriptionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state subscriptionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if spareUnprovenObject(ctx, req, resp, subscriptionKey, r.client, state.Name.ValueString()) {
		return
	}
	checkDelete(ctx, &resp.Diagnostics, "subscription", state.Name.ValueString(), r.client.DeleteSubscription(ctx, state.Name.ValueString()), "")
}

// ImportState imports by name; the secret cannot be read back and stays null.
func (r *subscriptionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByName(ctx, req, resp, subscriptionKey, r.client)
}

// subscriptionToAPI maps the planned resource to the subscribe request.
func subscriptionToAPI(ctx context.Context, m subscriptionResourceModel) (client.CreateSubscriptionRequest, diag.Diagnostics) {
	in := client.CreateSubscriptionRequest{Name: m.Name.ValueString(), Type: m.Type.ValueString(), URL: m.URL.ValueString()}
	var diags diag.Diagnostics
	if !m.Events.IsNull() && !m.Events.IsUnknown() {
		var events []struct {
			Type  types.String `tfsdk:"type"`
			Event types.String `tfsdk:"event"`
		}
		diags = m.Events.ElementsAs(ctx, &events, false)
		for _, e := range events {
			in.Events = append(in.Events, client.SubscriptionEvent{Type: e.Type.ValueString(), Event: e.Event.ValueString()})
		}
		sort.Slice(in.Events, func(i, j int) bool {
			return in.Events[i].Type+"/"+in.Events[i].Event < in.Events[j].Type+"/"+in.Events[j].Event
		})
	}
	return in, diags
}

// subscriptionFromAPI fills the model from a subscribe answer or a list entry. Only the
// subscribe answer carries the secret (stored clear or encrypted with key); otherwise the
// model keeps its own.
func subscriptionFromAPI(s *client.Subscription, m *subscriptionResourceModel, key secretsKey) diag.Diagnostics {
	m.ID = types.StringValue(s.Name)
	m.Name = types.StringValue(s.Name)
	m.Type = types.StringValue(s.Type)
	m.URL = types.StringValue(s.URL)
	diags := storeIssuedSecret(s.Secret, key, &m.Secret, &m.SecretEnc)
	if len(s.Events) == 0 {
		m.Events = types.SetNull(subscriptionEventType)
		return diags
	}
	elems := make([]attr.Value, 0, len(s.Events))
	for _, e := range s.Events {
		elems = append(elems, types.ObjectValueMust(subscriptionEventType.AttrTypes, map[string]attr.Value{
			"type": types.StringValue(e.Type), "event": types.StringValue(e.Event),
		}))
	}
	var d diag.Diagnostics
	m.Events, d = types.SetValue(subscriptionEventType, elems)
	return append(diags, d...)
}
