package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/planmodifiers"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &appResource{}
	_ resource.ResourceWithImportState = &appResource{}
	_ resource.ResourceWithIdentity    = &appResource{}
	_ resource.ResourceWithModifyPlan  = &appResource{}
)

// NewAppResource is the rockit_app resource.
func NewAppResource() resource.Resource {
	return &appResource{}
}

type appResource struct {
	client *client.Client
	mem    *runMemory // this configuration's run memory (run_memory.go)
}

// appModel holds the attributes the API returns; the data sources use it as it is.
type appModel struct {
	Name         types.String `tfsdk:"name"`
	Label        types.String `tfsdk:"label"`
	MaxBuilds    types.Int64  `tfsdk:"max_builds"`
	Deployments  types.Set    `tfsdk:"deployments"`
	CurrentBuild types.Int64  `tfsdk:"current_build"`
	SizeBytes    types.Int64  `tfsdk:"size_bytes"`
	Processing   types.Bool   `tfsdk:"processing"`
	Created      types.String `tfsdk:"created"`
	Updated      types.String `tfsdk:"updated"`
}

type appResourceModel struct {
	appModel
	ID                 types.String `tfsdk:"id"`
	DeletionProtection types.Bool   `tfsdk:"deletion_protection"`
}

func (r *appResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app"
}

func (r *appResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An app: a game whose builds ROCKIT Edge turns into images and patches and publishes to the " +
			"organization's deployments. Builds are uploaded outside Terraform; this resource manages the app's settings " +
			"and where it is published.\n\n" +
			"Deleting an app deletes all its images and patches irreversibly: set `deletion_protection = true` to make " +
			"Terraform refuse any plan that would destroy or replace it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The app's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the app: 2 to 50 letters, digits and underscores. Changing it creates a new app " +
					"(the old one is deleted with all its builds).",
				Required:      true,
				Validators:    []validator.String{validators.Name()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"label": schema.StringAttribute{
				MarkdownDescription: "Human-readable label of the app.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_builds": schema.Int64Attribute{
				MarkdownDescription: "How many builds the app keeps, at least 1. Defaults to `5`.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(5),
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"deployments": schema.SetAttribute{
				MarkdownDescription: "Names of the deployments the app is published to. **An empty set (the default) means the " +
					"app is published to all deployments of the organization.** Reference `rockit_deployment` resources here " +
					"so that Terraform creates them first and removes them only after the app no longer registers them. The plan checks the " +
					"deployments it adds (the provider's `plan_checks`): one that neither exists nor is created by the plan is an error naming " +
					"the nearest existing names; a new app without deployments is a warning.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(validators.DeploymentName())},
			},
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "When `true`, Terraform refuses to delete the app on every path: a destroy or a change of " +
					"`name` fails at plan time, and `terraform apply -replace`, `replace_triggered_by` or a tainted resource fail " +
					"at apply time before any request. Deleting an app deletes all its images and patches. To delete it, set " +
					"`false` and apply first. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"current_build": schema.Int64Attribute{
				MarkdownDescription: "Number of the app's current build (the API's `iCurBuild`); `0` before the first build. " +
					"Builds are uploaded outside Terraform: a plan shows the value of the last refresh.",
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{planmodifiers.FromStateUnless("no setting of the app changes its builds", planmodifiers.Never)},
			},
			"size_bytes": schema.Int64Attribute{
				MarkdownDescription: "Storage the app's images and patches take, in bytes. A lower `max_builds` deletes the " +
					"oldest builds, so its plan shows the size as known after apply.",
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{planmodifiers.FromStateUnless("a lower max_builds deletes builds", appMaxBuildsLowered)},
			},
			"processing": schema.BoolAttribute{
				MarkdownDescription: "Whether a build of the app is being processed.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{planmodifiers.FromStateUnless("no setting of the app starts processing", planmodifiers.Never)},
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "When the app was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated": schema.StringAttribute{
				MarkdownDescription: "When the app was last changed (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{planmodifiers.FromStateUnless("a change of deletion_protection alone makes no API call", appPatched)},
			},
		},
	}
}

// appMaxBuildsLowered tells whether an update lowers max_builds: the server then deletes the
// oldest builds beyond it, which moves size_bytes.
func appMaxBuildsLowered(ctx context.Context, plan tfsdk.Plan, state tfsdk.State) (bool, diag.Diagnostics) {
	var p, s types.Int64
	diags := plan.GetAttribute(ctx, path.Root("max_builds"), &p)
	diags.Append(state.GetAttribute(ctx, path.Root("max_builds"), &s)...)
	return p.IsUnknown() || s.IsNull() || p.ValueInt64() < s.ValueInt64(), diags
}

// appPatched tells whether an update sends a PATCH (which moves updated): anything but
// deletion_protection changes.
func appPatched(ctx context.Context, plan tfsdk.Plan, state tfsdk.State) (bool, diag.Diagnostics) {
	var p, s appResourceModel
	diags := plan.Get(ctx, &p)
	diags.Append(state.Get(ctx, &s)...)
	return !p.Label.Equal(s.Label) || !p.MaxBuilds.Equal(s.MaxBuilds) || !p.Deployments.Equal(s.Deployments), diags
}

// IdentitySchema declares the identity: the name and the organization (lifecycle.go).
func (r *appResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	appKey.identitySchema(resp)
}

func (r *appResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
	r.mem = getMemory(req.ProviderData)
}

// ModifyPlan checks the provider configuration, enforces deletion_protection on destroy and on
// replacement, and warns when a change publishes the app more widely: from some deployments to
// none, which means all.
func (r *appResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkProviderServes(r.client, client.ScopeOrg, "rockit_app", &resp.Diagnostics)
	if !planOwnedHere(ctx, req, resp, r.client, appKey) {
		return
	}
	checkNameTaken(ctx, req, resp, r.client, r.mem, appKey, planned(plain(appToAPI)))
	checkAppPlan(ctx, r.mem, req, resp)
	if req.State.Raw.IsNull() {
		return
	}
	var state appResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.Plan.Raw.IsNull() {
		if state.DeletionProtection.ValueBool() {
			appGuard.planError(&resp.Diagnostics, state.Name.ValueString(), "destroy")
		}
		return
	}
	var name types.String
	var deployments types.Set
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("deployments"), &deployments)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !name.Equal(state.Name) {
		if state.DeletionProtection.ValueBool() {
			appGuard.planError(&resp.Diagnostics, state.Name.ValueString(), "replace (because of a change of name)")
		}
		return
	}
	if was := setStrings(state.Deployments); len(was) > 0 && !deployments.IsUnknown() && len(deployments.Elements()) == 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("deployments"), "The app will be published to all deployments",
			fmt.Sprintf("The app %q is registered to %s only. With no deployments configured it is registered to none, which "+
				"the API reads as ALL deployments of the organization: its builds will be published to every deployment. "+
				"If that is not what you want, list the deployments it should be published to.",
				state.Name.ValueString(), strings.Join(was, ", ")))
	}
}

func (r *appResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ownerAtCreate(ctx, resp, r.client, appKey)
	var plan appResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// An app without registered deployments is published to all of them, so the app is
	// created only when its registration can follow: every named deployment must exist.
	want := setStrings(plan.Deployments)
	if !r.checkDeploymentsExist(ctx, plan.Name.ValueString(), want, &resp.Diagnostics) {
		return
	}
	a, err := r.client.CreateApp(ctx, appToAPI(plan))
	lost := err
	if client.OutcomeUnknown(err) {
		a, err = r.settleLostCreate(ctx, req, resp, plan, err)
		if a == nil && err == nil {
			return
		}
	}
	if err != nil {
		if keepMaybeCreated(ctx, req, resp, appKey, plan.Name.ValueString(), err) {
			if len(want) == 0 {
				return
			}
			resp.Diagnostics.AddError("The app may be published to all deployments", fmt.Sprintf(
				"The answer to creating the app %q was lost, and reading it to prove it this apply's could not be "+
					"finished either. If it was created, it is registered to no deployment, which the API reads as ALL "+
					"deployments of the organization, until the next plan settles it. Upload no build to it until then.",
				plan.Name.ValueString()))
			return
		}
		appKey.createError(&resp.Diagnostics, plan.Name.ValueString(), err)
		return
	}
	tflog.Info(ctx, "created app", map[string]any{"name": a.Name})
	// Registering deployments is a change of the app (PATCH), not part of the create. The app
	// and its registration are one unit: once the POST has left, the PATCH (or the delete that
	// undoes the create) leaves too, even when Terraform is stopping (FollowUp: detached like
	// the POST, within request_timeout), else the app stays published to all deployments.
	if len(want) > 0 {
		fctx, release := r.client.FollowUp(ctx)
		defer release()
		updated, err := r.client.UpdateApp(fctx, client.UpdateAppRequest{Name: a.Name, Deployments: &want})
		if err != nil {
			r.undoCreate(fctx, a, plan, err, resp)
			return
		}
		a = updated
	}
	if lost != nil {
		what := "It is published to all deployments, as configured (no deployments)."
		if len(want) > 0 {
			what = "It was then registered to " + strings.Join(want, ", ") + ", as configured."
		}
		resp.Diagnostics.AddWarning("The app's create answer was lost; the app was proven and kept", fmt.Sprintf(
			"The answer to creating the app %q was lost (%s). The app was read right away: it was created after the "+
				"request left and equals the request, so it is this apply's. %s", a.Name, lost, what))
	}
	resp.Diagnostics.Append(appFromAPI(ctx, a, &plan.appModel)...)
	plan.ID = types.StringValue(a.Name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(appKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

// settleLostCreate runs when the answer to the app's POST was lost (err: unknown outcome). A
// new app is registered to no deployment, which the API reads as all of them, so the app is
// proven in this apply instead of being left to a later one: read, and judged by the proof of
// adoption (client.ProveLostCreate), under FollowUp like the registration, so a Ctrl-C during
// the create does not stop it. It returns the app to go on with (proven ours: the caller
// registers it), or err (the proof could not be finished: the caller keeps it as maybe
// created), or neither when it has answered the create itself (absent, or someone else's).
func (r *appResource) settleLostCreate(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse,
	plan appResourceModel, err error,
) (*client.App, error) {
	name := plan.Name.ValueString()
	fctx, release := r.client.FollowUp(ctx)
	defer release()
	var got client.App
	verdict, reason, perr := r.client.ProveLostCreate(fctx, err, appToAPI(plan), &got)
	switch {
	case perr != nil:
		return nil, perr
	case verdict == client.CreateAbsent:
		resp.Diagnostics.AddError("The app was not created", fmt.Sprintf(
			"%s\n\nThe answer to creating the app %q was lost. The app was read right away and does not exist, so "+
				"nothing was created and nothing is published. Apply again to create it.", err, name))
		return nil, nil
	case verdict == client.CreateNotOurs:
		resp.Diagnostics.AddAttributeError(path.Root("name"), "App already exists", fmt.Sprintf(
			"%s\n\nThe answer to creating the app %q was lost. An app of that name exists, but it is not this apply's: "+
				"%s. It was left as it is (not registered, not deleted). To manage it with Terraform, import it:\n\n%s",
			err, name, reason, importBlock("rockit_app", name)))
		return nil, nil
	}
	return &got, nil
}

// checkDeploymentsExist reads each named deployment before an app is created; it reports
// false (with an error naming the missing ones, or the read's error) when one cannot be
// registered.
func (r *appResource) checkDeploymentsExist(ctx context.Context, app string, names []string, diags *diag.Diagnostics) bool {
	var missing []string
	for _, n := range names {
		_, err := r.client.GetDeployment(ctx, n)
		switch {
		case client.IsNotFound(err):
			missing = append(missing, n)
		case err != nil:
			addClientError(diags, "Error reading the deployments of the app", err)
			return false
		}
	}
	if len(missing) > 0 {
		diags.AddAttributeError(path.Root("deployments"), "Unknown deployment",
			fmt.Sprintf("The app %q names deployments that do not exist in the organization: %s. The app was not created: "+
				"an app whose registration fails would be published to all deployments. Create the deployments first "+
				"(reference rockit_deployment resources so that Terraform orders them) or correct the names.",
				app, strings.Join(missing, ", ")))
		return false
	}
	return true
}

// undoCreate handles a registration that failed after the app was created. The app is
// registered to no deployment, which the API reads as all deployments: it is deleted again
// (it holds no builds yet). Only if that fails too is it kept in state (Terraform marks it
// tainted), with an error that says plainly where it is published.
func (r *appResource) undoCreate(ctx context.Context, a *client.App, plan appResourceModel, regErr error, resp *resource.CreateResponse) {
	delErr := r.client.DeleteApp(ctx, a.Name)
	if delErr == nil || client.IsNotFound(delErr) {
		addClientError(&resp.Diagnostics, "Error registering the app's deployments", regErr)
		resp.Diagnostics.AddError("The app was not created",
			fmt.Sprintf("Registering the deployments of the new app %q failed, so the app was deleted again (it had no builds): "+
				"an app without registered deployments is published to all deployments. Nothing was created; apply again.", a.Name))
		return
	}
	addClientError(&resp.Diagnostics, "Error registering the app's deployments", regErr)
	resp.Diagnostics.AddError("The app is published to all deployments",
		fmt.Sprintf("Registering the deployments of the new app %q failed, and deleting it again failed too (%s). The app exists "+
			"with no registered deployment, which the API reads as ALL deployments of the organization. It is kept in state as "+
			"tainted, so the next apply deletes and creates it again (unless deletion_protection is true: then set it to false "+
			"first). Until then, upload no build to it, or register its deployments outside Terraform.", a.Name, delErr))
	resp.Diagnostics.Append(appFromAPI(ctx, a, &plan.appModel)...)
	plan.ID = types.StringValue(a.Name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(appKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

func (r *appResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !ownedHere(ctx, req, resp, r.client, appKey, state.Name.ValueString()) ||
		settleUnknownCreate(ctx, req, resp, appKey, r.client, r.mem, state.Name.ValueString()) {
		return
	}
	a, err := r.client.ReadApp(ctx, state.Name.ValueString())
	if client.IsNotFound(err) {
		appKey.readGone(ctx, resp, r.client, state.Name.ValueString())
		return
	}
	if err != nil {
		addReadError(&resp.Diagnostics, "Error reading app", err)
		return
	}
	resp.Diagnostics.Append(appFromAPI(ctx, a, &state.appModel)...)
	state.ID = types.StringValue(a.Name)
	if state.DeletionProtection.IsNull() {
		state.DeletionProtection = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(appKey.set(ctx, resp.Identity, r.client, state.Name.ValueString())...)
	if listDriftUnconfirmed(r.client, appKey.collection(), state.Name.ValueString(), req, resp) {
		r.Read(ctx, req, resp)
	}
}

func (r *appResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state appResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	patch := client.UpdateAppRequest{Name: plan.Name.ValueString()}
	changed := false
	if !plan.Label.Equal(state.Label) {
		v := plan.Label.ValueString()
		patch.Label, changed = &v, true
	}
	if !plan.MaxBuilds.Equal(state.MaxBuilds) {
		v := plan.MaxBuilds.ValueInt64()
		patch.MaxBuilds, changed = &v, true
	}
	if !plan.Deployments.Equal(state.Deployments) {
		v := setStrings(plan.Deployments)
		patch.Deployments, changed = &v, true
	}
	plan.ID = state.ID
	if !changed {
		// Only deletion_protection changed: a setting of this resource alone, no API call.
		deletionProtection := plan.DeletionProtection
		plan = state
		plan.DeletionProtection = deletionProtection
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(appKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
		return
	}
	a, err := r.client.UpdateApp(ctx, patch)
	if err != nil {
		addClientError(&resp.Diagnostics, "Error updating app", err)
		return
	}
	planned := plan.appModel
	resp.Diagnostics.Append(appFromAPI(ctx, a, &plan.appModel)...)
	keepPlanned(planned.CurrentBuild, &plan.CurrentBuild)
	keepPlanned(planned.SizeBytes, &plan.SizeBytes)
	keepPlanned(planned.Processing, &plan.Processing)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(appKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

func (r *appResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if spareUnprovenObject(ctx, req, resp, appKey, r.client, state.Name.ValueString()) {
		return
	}
	if appGuard.refuseDelete(&resp.Diagnostics, state.Name.ValueString(), state.DeletionProtection) {
		return
	}
	checkDelete(ctx, &resp.Diagnostics, "app", state.Name.ValueString(), r.client.DeleteApp(ctx, state.Name.ValueString()), "")
}

// ImportState imports by name; Read fills the rest, deletion_protection starts false.
func (r *appResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, ok := importByName(ctx, req, resp, appKey, r.client); ok {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
	}
}

// appToAPI maps the planned resource to the create request (deployments are registered with
// a PATCH afterwards).
func appToAPI(m appResourceModel) client.CreateAppRequest {
	in := client.CreateAppRequest{Name: m.Name.ValueString(), Label: m.Label.ValueString()}
	if !m.MaxBuilds.IsNull() && !m.MaxBuilds.IsUnknown() {
		v := m.MaxBuilds.ValueInt64()
		in.MaxBuilds = &v
	}
	return in
}

// appFromAPI fills the model from the API's answer.
func appFromAPI(ctx context.Context, a *client.App, m *appModel) diag.Diagnostics {
	m.Name = types.StringValue(a.Name)
	m.Label = types.StringValue(a.Label)
	m.MaxBuilds = types.Int64Value(a.MaxBuilds)
	m.CurrentBuild = types.Int64Value(a.ICurBuild)
	m.SizeBytes = types.Int64Value(a.SizeBytes)
	m.Processing = types.BoolValue(a.Processing)
	m.Created = stringOrNull(a.Created)
	m.Updated = stringOrNull(a.Updated)
	deployments := append([]string{}, a.Deployments...)
	sort.Strings(deployments)
	var diags diag.Diagnostics
	m.Deployments, diags = types.SetValueFrom(ctx, types.StringType, deployments)
	return diags
}
