package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// Objects remember their organization and host (DESIGN.md, "Objects remember their
// organization and host"): every resource records in private state the organization (for the
// org-scoped types) and the normalised host it was created, imported or read under, and the
// Read and the plan of an object in state refuse, before any request, a provider configuration
// that now points elsewhere.

// privateOwner is the private-state key of the owner: {"org": ..., "host": ...}.
const privateOwner = "rockit_owner"

// An owner is where an object lives: its organization ("" for rockit_organization, which
// lives on a host only) and its host (client.Client.Host).
type owner struct {
	Org  string `json:"org,omitempty"`
	Host string `json:"host"`
}

// privateGetter is the private state of a framework request.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// ownerNow is where the client acts, and whether that is known: false while a setting it
// depends on is unknown (the bootstrap pattern's aliased provider during plan) or missing.
func ownerNow(c *client.Client, k identityKey) (owner, bool) {
	if c == nil {
		return owner{}, false
	}
	o := owner{Host: c.Host()}
	if k.orgScoped {
		o.Org = c.OrgName()
	}
	return o, o.Host != "" && (!k.orgScoped || o.Org != "")
}

// recordOwner writes the owner into the private state of a response (after a create, a
// read or an import). Nothing is written while the client's settings are not known.
func recordOwner(ctx context.Context, p privateSetter, c *client.Client, k identityKey) {
	o, ok := ownerNow(c, k)
	if !ok || p == nil {
		return
	}
	raw, err := json.Marshal(o)
	if err == nil {
		_ = p.SetKey(ctx, privateOwner, raw)
	}
}

// checkOwner runs first in the Read and in the plan of an object in state: it reports false,
// with an error and before any request, when the object was recorded under another
// organization or host than the client's now. State without the key (written by 0.3.0) is
// judged by the identity's org_name when there is one, and else passes: its Read records the
// key (the upgrade rule). Unknown settings pass.
func checkOwner(ctx context.Context, get privateGetter, identity *tfsdk.ResourceIdentity, c *client.Client, k identityKey,
	name string, diags *diag.Diagnostics,
) bool {
	now, ok := ownerNow(c, k)
	if !ok {
		return true
	}
	var was owner
	if get != nil {
		raw, d := get.GetKey(ctx, privateOwner)
		diags.Append(d...)
		if len(raw) > 0 && json.Unmarshal(raw, &was) != nil {
			was = owner{}
		}
	}
	if was.Host == "" && k.orgScoped && identity != nil {
		// Before the key: the identity (Terraform 1.12+) names the organization, not the host.
		var org types.String
		if d := identity.GetAttribute(ctx, path.Root(orgNameAttr), &org); !d.HasError() && org.ValueString() != "" {
			was = owner{Org: org.ValueString(), Host: now.Host}
		}
	}
	if was.Host == "" || was == now {
		return true
	}
	diags.AddError(fmt.Sprintf("The %s %q belongs to %s", k.kind, name, ownerWords(was, was.Host != now.Host)), fmt.Sprintf(
		"The %s %q in state (%s) was created, imported or read under %s, but this provider configuration now points at %s "+
			"(org_name / %s, endpoint / %s). Nothing was read or changed: going on would show it as deleted outside "+
			"Terraform and create it again under %s, while the original stays untracked.\n\n"+
			"If the provider settings changed by mistake (for example another organization's %s and %s exported in this "+
			"shell), restore them and plan again.\n\n"+
			"To move the %s deliberately: remove it from this state (terraform state rm <address>, the address shown with "+
			"this message), then bring the %s of the new settings under management with an import block (id = %q) or "+
			"let the configuration create it there.",
		k.kind, name, k.typeName, ownerWords(was, true), ownerWords(now, true), envOrgName, envEndpoint,
		ownerWords(now, was.Host != now.Host), envOrgName, envPassword, k.kind, k.kind, name))
	return false
}

// ownerWords names an owner: `the organization "A"` and, with host, ` on the host edge.example.com`.
func ownerWords(o owner, host bool) string {
	s := ""
	if o.Org != "" {
		s = fmt.Sprintf("the organization %q", o.Org)
	}
	if host || s == "" {
		if s != "" {
			s += " on "
		}
		s += "the host " + o.Host
	}
	return s
}

// ownedHere starts every Read: false (the caller returns) when the object in state belongs to
// another organization or host (checkOwner); else the owner is recorded, which is also how
// state written before the key gets it (the upgrade rule: no request, no change of the plan).
func ownedHere(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, c *client.Client, k identityKey,
	name string,
) bool {
	var get privateGetter
	if req.Private != nil {
		get = req.Private
	}
	if !checkOwner(ctx, get, req.Identity, c, k, name, &resp.Diagnostics) {
		return false
	}
	if resp.Private != nil {
		recordOwner(ctx, resp.Private, c, k)
	}
	return true
}

// planOwnedHere is checkOwner in the plan of an object in state (an update, a destroy, a plan
// with -refresh=false, where Read did not run): false (the caller returns, so no plan check
// reads anything) when the object belongs elsewhere; the plan fails before any request.
func planOwnedHere(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, c *client.Client,
	k identityKey,
) bool {
	if req.State.Raw.IsNull() {
		return true
	}
	var name types.String
	if d := req.State.GetAttribute(ctx, path.Root(k.nameAttr), &name); d.HasError() {
		return true
	}
	var get privateGetter
	if req.Private != nil {
		get = req.Private
	}
	return checkOwner(ctx, get, nil, c, k, name.ValueString(), &resp.Diagnostics)
}

// ownerAtCreate starts every Create: the object is recorded under the organization and host it
// is created in, whatever the create's outcome (a kept object of unknown outcome included).
func ownerAtCreate(ctx context.Context, resp *resource.CreateResponse, c *client.Client, k identityKey) {
	if resp.Private != nil {
		recordOwner(ctx, resp.Private, c, k)
	}
}
