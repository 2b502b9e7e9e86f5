package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/permissions"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &roleResource{}
	_ resource.ResourceWithModifyPlan  = &roleResource{}
	_ resource.ResourceWithImportState = &roleResource{}
	_ resource.ResourceWithIdentity    = &roleResource{}
)

// NewRoleResource is the rockit_role resource.
func NewRoleResource() resource.Resource {
	return &roleResource{}
}

type roleResource struct {
	client *client.Client
	mem    *runMemory // this configuration's run memory (run_memory.go)
}

// roleModel is a role as the resource, the rockit_role data source and the items of the
// rockit_roles data source hold it.
type roleModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Permissions types.Map    `tfsdk:"permissions"`
}

// builtInRole is the role every organization has; it cannot be managed.
const builtInRole = "Administrators"

// permissionsType is the type of the permissions attribute: resource id -> set of operations.
var permissionsType = types.MapType{ElemType: types.SetType{ElemType: types.StringType}}

// permissionsDescription explains the permissions attribute, for the resource and the data sources.
func permissionsDescription() string {
	rows := make([]string, 0, len(permissions.ResourceOperations))
	for _, id := range permissions.ResourceIDs() {
		rows = append(rows, fmt.Sprintf("`%s` (%s)", id, strings.Join(permissions.ResourceOperations[id], ", ")))
	}
	return "Permissions of the role: a map from resource id to the set of operations the role grants on it. " +
		"Resource ids and the operations each allows: " + strings.Join(rows, ", ") + ". " +
		"A resource left out means no access."
}

func (r *roleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role"
}

func (r *roleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		// Two paragraphs: the summary, then the permission table of internal/permissions, which
		// templates/resources/role.md.tmpl places under its own heading (split at the blank line).
		MarkdownDescription: "A role of a ROCKIT Edge organization: a named set of permissions that users and machine users " +
			"hold (`rockit_user`, `rockit_machine_user`). The built-in `" + builtInRole + "` role cannot be managed; read it " +
			"with the `rockit_role` data source. A plan that deletes a role (destroy, rename) warns when users it does not change still " +
			"hold it, naming them.\n\n" + permissions.MarkdownTable(),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The role's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the role: 2 to 50 letters, digits and underscores, not `" + builtInRole + "`. " +
					"Changing it creates a new role (and deletes the old one).",
				Required:      true,
				Validators:    []validator.String{validators.Name(), validators.NotBuiltInRole(builtInRole)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"permissions": schema.MapAttribute{
				MarkdownDescription: permissionsDescription() + " Defaults to no access at all. Changes are applied in place.",
				ElementType:         permissionsType.ElemType,
				Optional:            true,
				Computed:            true,
				Default:             mapdefault.StaticValue(types.MapValueMust(permissionsType.ElemType, map[string]attr.Value{})),
				Validators:          []validator.Map{validators.Permissions()},
			},
		},
	}
}

// IdentitySchema declares the identity: the name and the organization (lifecycle.go).
func (r *roleResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	roleKey.identitySchema(resp)
}

func (r *roleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
	r.mem = getMemory(req.ProviderData)
}

// ModifyPlan checks that the provider configuration can manage the resource, and the plan
// checks (plan_checks.go).
func (r *roleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkProviderServes(r.client, client.ScopeOrg, "rockit_role", &resp.Diagnostics)
	if !planOwnedHere(ctx, req, resp, r.client, roleKey) {
		return
	}
	checkNameTaken(ctx, req, resp, r.client, r.mem, roleKey, planned(plain(roleToAPI)))
	checkRoleTarget(ctx, r.mem, req, resp)
}

func (r *roleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ownerAtCreate(ctx, resp, r.client, roleKey)
	var plan roleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ro, err := r.client.CreateRole(ctx, roleToAPI(plan))
	if err != nil {
		if keepMaybeCreated(ctx, req, resp, roleKey, plan.Name.ValueString(), err) {
			return
		}
		roleKey.createError(&resp.Diagnostics, plan.Name.ValueString(), err)
		return
	}
	resp.Diagnostics.Append(roleFromAPI(ro, &plan)...)
	tflog.Info(ctx, "created role", map[string]any{"name": ro.Name})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(roleKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

func (r *roleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !ownedHere(ctx, req, resp, r.client, roleKey, state.Name.ValueString()) ||
		settleUnknownCreate(ctx, req, resp, roleKey, r.client, r.mem, state.Name.ValueString()) {
		return
	}
	ro, err := r.client.ReadRole(ctx, state.Name.ValueString())
	if client.IsNotFound(err) {
		roleKey.readGone(ctx, resp, r.client, state.Name.ValueString())
		return
	}
	if err != nil {
		addReadError(&resp.Diagnostics, "Error reading role", err)
		return
	}
	resp.Diagnostics.Append(roleFromAPI(ro, &state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(roleKey.set(ctx, resp.Identity, r.client, state.Name.ValueString())...)
	if listDriftUnconfirmed(r.client, roleKey.collection(), state.Name.ValueString(), req, resp) {
		r.Read(ctx, req, resp)
	}
}

// Update replaces the permissions (PATCH /be/v1/roles); the name cannot change in place.
func (r *roleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan roleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ro, err := r.client.UpdateRole(ctx, client.UpdateRoleRequest(roleToAPI(plan)))
	if err != nil {
		addClientError(&resp.Diagnostics, "Error updating role", err)
		return
	}
	resp.Diagnostics.Append(roleFromAPI(ro, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(roleKey.set(ctx, resp.Identity, r.client, plan.Name.ValueString())...)
}

func (r *roleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if spareUnprovenObject(ctx, req, resp, roleKey, r.client, state.Name.ValueString()) {
		return
	}
	checkDelete(ctx, &resp.Diagnostics, "role", state.Name.ValueString(), r.client.DeleteRole(ctx, state.Name.ValueString()),
		"A role cannot be deleted while users hold it. Take the role away from those users first (in their rockit_user / "+
			"rockit_machine_user roles, or outside Terraform), then apply again. If this delete is part of renaming the role, "+
			"add lifecycle { create_before_destroy = true } to the rockit_role: Terraform then creates the role under its new "+
			"name, moves the users that reference it (roles = [rockit_role.<name>.name]) to it, and deletes the old role last.")
}

// ImportState imports a role by name; Read fills the rest.
func (r *roleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if name, ok := importByName(ctx, req, resp, roleKey, r.client); ok && name == builtInRole {
		resp.Diagnostics.AddError("Built-in role", "The role "+builtInRole+" is built in and cannot be managed; read it with the rockit_role data source.")
	}
}

// roleToAPI maps the planned role to the create request, permissions as the API's bitmasks
// (resources without access left out). The PATCH body has the same fields
// (client.UpdateRoleRequest(roleToAPI(plan))), since it replaces the whole map.
func roleToAPI(m roleModel) client.CreateRoleRequest {
	out := map[string]int{}
	for res, v := range m.Permissions.Elements() {
		set, ok := v.(types.Set)
		if !ok {
			continue
		}
		ops := []string{}
		for _, e := range set.Elements() {
			if s, ok := e.(types.String); ok {
				ops = append(ops, s.ValueString())
			}
		}
		if bits := permissions.ToBits(ops); bits != 0 {
			out[res] = bits
		}
	}
	return client.CreateRoleRequest{Name: m.Name.ValueString(), Permissions: out}
}

// roleFromAPI fills the model from a role of the API. Resources with no access (0) are left
// out, so the API's zeros never show up as a diff.
func roleFromAPI(ro *client.Role, m *roleModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(ro.Name)
	m.Name = types.StringValue(ro.Name)
	perms := map[string]attr.Value{}
	ids := make([]string, 0, len(ro.Permissions))
	for res := range ro.Permissions {
		ids = append(ids, res)
	}
	sort.Strings(ids)
	for _, res := range ids {
		ops := permissions.FromBits(ro.Permissions[res])
		if len(ops) == 0 {
			continue
		}
		elems := make([]attr.Value, 0, len(ops))
		for _, op := range ops {
			elems = append(elems, types.StringValue(op))
		}
		set, d := types.SetValue(types.StringType, elems)
		diags.Append(d...)
		perms[res] = set
	}
	pm, d := types.MapValue(permissionsType.ElemType, perms)
	diags.Append(d...)
	m.Permissions = pm
	return diags
}
