package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// listDriftUnconfirmed reports whether the Read that just ended took its object from a list
// (client.ServedFromList) and found it different from state. The caller then runs the Read once
// more, which the client serves with the object's own GET: a difference seen only in a list
// (which may leave an optional field out) is confirmed by the object itself before the plan
// shows it. An object the list shows as in state costs nothing more; nor does one read by GET.
// kind is the collection ("users"), name the object's name.
func listDriftUnconfirmed(c *client.Client, kind, name string, req resource.ReadRequest, resp *resource.ReadResponse) bool {
	if c == nil || resp.Diagnostics.HasError() || !c.ServedFromList(kind, name) || resp.State.Raw.Equal(req.State.Raw) {
		return false
	}
	resp.Diagnostics = nil
	return true
}
