package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// checkNameTaken is the plan-time check of a create (issue 23 item 2): a resource to be created
// whose name exists already on the server fails the plan, with a ready-to-paste import block,
// instead of the apply failing halfway on a 409. When this workspace's journal holds evidence
// that it sent a create of that object (a run that was killed or lost its answer) and the
// ownership judge proves the object that create's (client.JournalClaimOf: one GET of the object,
// judged as the create judges it), the plan warns instead: the create adopts it.
//
// It costs at most one list read per type per provider configuration (client.NameTaken, never
// a write), and is skipped while the name is unknown, for an object this run created already
// (the re-plan during apply; two resources naming one object are reported by the create), for
// the create half of a replacement (the object is this resource's: its Read found it in state,
// or the private state of a replacement planned from a prior state names it), and when the list
// cannot be read (the create then says what is wrong).
func checkNameTaken(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, c *client.Client,
	m *runMemory, k identityKey, request plannedRequest,
) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() {
		var was types.String
		if d := req.State.GetAttribute(ctx, path.Root(k.nameAttr), &was); !d.HasError() && resp.Private != nil {
			markInState(ctx, resp.Private, was.ValueString())
		}
		return
	}
	if c == nil || resp.Diagnostics.HasError() || c.CheckCredentials(client.ScopeOrg) != nil {
		return
	}
	var name types.String
	if d := req.Plan.GetAttribute(ctx, path.Root(k.nameAttr), &name); d.HasError() || name.IsUnknown() || name.IsNull() {
		return
	}
	if req.Private != nil {
		// The create half of a replacement (Terraform plans it with no prior state, and passes
		// on the private state): the object found is the one being replaced.
		if raw, _ := req.Private.GetKey(ctx, privateInState); string(raw) == jsonString(name.ValueString()) {
			return
		}
	}
	coll := k.collection()
	if coll == "" || c.SentCreate(coll, name.ValueString()) || m.heldInState(coll, name.ValueString()) {
		return
	}
	taken, _, err := c.NameTaken(ctx, coll, name.ValueString())
	if err != nil {
		var rejected *client.CredentialsRejectedError
		if client.IsOrganizationNotFound(err) || errors.As(err, &rejected) {
			// A definite answer about the credentials or the organization, remembered for the
			// rest of the run: this is where the run learns it, so the full error is shown here
			// (later requests only point back to it).
			addClientError(&resp.Diagnostics, "Error checking whether the "+k.kind+" name is taken", err)
			return
		}
		tflog.Warn(ctx, "could not check at plan time whether the name is taken", map[string]any{"error": err.Error()})
		return
	}
	if !taken {
		return
	}
	body, _ := request(ctx, req)
	claim, err := c.JournalClaimOf(ctx, coll, name.ValueString(), body)
	if err != nil {
		tflog.Warn(ctx, "could not read the object to judge the journal's evidence at plan time", map[string]any{"error": err.Error()})
		return
	}
	switch claim {
	case client.ClaimOtherConfiguration:
		resp.Diagnostics.AddAttributeError(path.Root(k.nameAttr), "Two resources name the same "+k.kind,
			otherConfigurationDetail(k.kind, name.ValueString(), "it exists already"))
		return
	case client.ClaimAdopts:
		resp.Diagnostics.AddAttributeWarning(path.Root(k.nameAttr), fmt.Sprintf("The %s %q will be adopted", k.kind, name.ValueString()),
			fmt.Sprintf("A %s named %q exists already, and this workspace's journal holds the evidence that an earlier run "+
				"sent its create (the run was killed, or its answer was lost): it was created while that request could "+
				"have acted, with the fields it asked for. The create in this plan adopts it, without creating it again.",
				k.kind, name.ValueString()))
		return
	case client.ClaimNone:
	}
	resp.Diagnostics.AddAttributeError(path.Root(k.nameAttr), capitalize(k.kind)+" already exists", fmt.Sprintf(
		"%s %s named %q exists already in the organization, and this workspace has no evidence that it created "+
			"it, so applying this plan would fail. To manage it with Terraform, import it:\n\n%s\n\n"+
			"or give this resource another name.",
		article(k.kind), k.kind, name.ValueString(), importBlock(k.typeName, name.ValueString())))
}

// A plannedRequest is the create request a resource's Create will send for the plan of req
// (nil, false while the configuration holds unknown values): the plan's ownership judgement
// counts only evidence of that request, as the create does.
type plannedRequest func(ctx context.Context, req resource.ModifyPlanRequest) (any, bool)

// planned is the plannedRequest of a resource whose model M maps to its create request with
// toAPI (the function its Create uses). The model is read from the plan (defaults applied);
// computed values that are unknown there are not part of a create request.
func planned[M any, R any](toAPI func(context.Context, M) (R, bool)) plannedRequest {
	return func(ctx context.Context, req resource.ModifyPlanRequest) (any, bool) {
		if !req.Config.Raw.IsFullyKnown() {
			return nil, false
		}
		var m M
		if req.Plan.Get(ctx, &m).HasError() {
			return nil, false
		}
		r, ok := toAPI(ctx, m)
		if !ok {
			return nil, false
		}
		return r, true
	}
}

// plain adapts a toAPI without context or failure to planned.
func plain[M any, R any](toAPI func(M) R) func(context.Context, M) (R, bool) {
	return func(_ context.Context, m M) (R, bool) { return toAPI(m), true }
}

// privateInState is the private-state key naming the object a resource instance holds in
// state. Terraform plans the create half of a replacement without a prior state, but passes
// the private state on: checkNameTaken then knows the name found on the server is the object
// being replaced. It is set by every plan and Read of an object in state.
const privateInState = "rockit_in_state"

// privateSetter is the private state of a framework response.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// markInState records in private state that the resource instance holds the object name.
func markInState(ctx context.Context, p privateSetter, name string) {
	_ = p.SetKey(ctx, privateInState, []byte(jsonString(name)))
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
