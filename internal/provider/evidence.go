package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// An uncertain outcome is settled by evidence (DESIGN.md). This file holds the provider's half:
// where the crash journal lives, the evidence a create of unknown outcome keeps in private
// state, and the Read that settles such a create.

// envJournalDir overrides the directory of the crash journal. It is meant for tests (the
// in-process acceptance tests run the provider with the package's source directory as working
// directory); users leave it unset.
const envJournalDir = "ROCKIT_JOURNAL_DIR"

// journalDir is where the crash journal lives: the Terraform working directory's data
// directory (TF_DATA_DIR, default .terraform, relative to the working directory, which is the
// provider's), in rockit-journal/.
func journalDir() string {
	if d := os.Getenv(envJournalDir); d != "" {
		return d
	}
	data := os.Getenv("TF_DATA_DIR")
	if data == "" {
		data = ".terraform"
	}
	return filepath.Join(data, "rockit-journal")
}

// privateUnknownCreate is the private-state key of the Evidence of a create whose outcome is
// unknown. It travels with the state (remote backends too), unlike the journal.
const privateUnknownCreate = "rockit_unknown_create"

// collectionOf maps an identityKey's kind to its API collection, the journal's type names.
var collectionOf = map[string]string{
	"role": "roles", "user": "users", "machine user": "users", "app": "apps", "deployment": "deployments",
	"subscription": "subscriptions",
}

// keepEvidence stores the Evidence of a create of unknown outcome in the private state of the
// resource being kept (tainted). Without evidence (the error carries none) nothing is stored:
// the next Read then treats the object as not proven ours.
func keepEvidence(ctx context.Context, resp *resource.CreateResponse, err error) {
	ev, ok := client.EvidenceOf(err)
	if !ok || resp.Private == nil {
		return
	}
	raw, jerr := json.Marshal(ev)
	if jerr != nil {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnknownCreate, raw)...)
}

// settleUnknownCreate starts the Read of every resource type that can be read. For an object
// whose create had an unknown outcome (its private state holds the Evidence), the Read settles
// it, and reports true (the caller returns):
//
//   - absent: removed from state, so the create is planned again;
//   - present and created before the request left (less the clock skew), or without a creation
//     time: someone else's; removed from state with a warning that names it and gives the import
//     block. Never deleted;
//   - present and created after the request left: probably ours. It is removed from state too
//     (Terraform would replace a tainted object whatever Read says), and the evidence goes to the
//     journal, so that the create the plan shows adopts it without sending a POST once the
//     fields are proven equal (client.Client.create); if they are not, that create fails with
//     the import block. Nothing is deleted and nothing is re-created.
//
// An object in state without such evidence is settled already: its journal entries are pruned
// and the Read goes on (false).
func settleUnknownCreate(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, k identityKey, typeName string,
	c *client.Client, name string,
) bool {
	coll := collectionOf[k.kind]
	var raw []byte
	if req.Private != nil {
		var diags diag.Diagnostics
		raw, diags = req.Private.GetKey(ctx, privateUnknownCreate)
		resp.Diagnostics.Append(diags...)
	}
	if len(raw) == 0 {
		c.ForgetCreate(coll, name)
		c.NoteInState(coll, name)
		if resp.Private != nil {
			markInState(ctx, resp.Private, name)
		}
		return false
	}
	var ev client.Evidence
	if err := json.Unmarshal(raw, &ev); err != nil {
		ev = client.Evidence{}
	}
	ev.Kind, ev.Name = coll, name
	verdict, reason, err := c.SettleCreate(ctx, ev)
	if err != nil {
		addClientError(&resp.Diagnostics, "Error reading "+k.kind, err)
		return true
	}
	switch verdict {
	case client.CreateAbsent:
		tflog.Warn(ctx, "the "+k.kind+" whose create had an unknown outcome does not exist; the create is planned again",
			map[string]any{k.nameAttr: name})
	case client.CreateNotOurs:
		c.ForgetCreate(coll, name) // disproven
		c.NoteSettledNotOurs(coll, name)
		resp.Diagnostics.AddWarning(fmt.Sprintf("The %s %q exists, but not by this configuration's create", k.kind, name), fmt.Sprintf(
			"The create of the %s %q had an unknown outcome (no answer came back), so it was kept in state as tainted with "+
				"the evidence to judge it. It exists on the server, but %s: it is someone else's object. It was removed from "+
				"state, and nothing was deleted.\n\nIf it is meant to be managed by this configuration, import it:\n\n%s",
			k.kind, name, reason, importBlock(typeName, name)))
	case client.CreateMaybeOurs:
		if rerr := c.RecordEvidence(ev); rerr != nil {
			tflog.Warn(ctx, "could not record the evidence in the journal", map[string]any{"error": rerr.Error()})
		}
		resp.Diagnostics.AddWarning(fmt.Sprintf("The %s %q will be adopted", k.kind, name), fmt.Sprintf(
			"The create of the %s %q had an unknown outcome (no answer came back). The %s exists and was created after the "+
				"request left, so it is probably this configuration's. It was removed from state (a tainted object would be "+
				"deleted and created again); the create this plan shows adopts it, without creating it again, once its fields "+
				"are proven equal to the configuration's. If they differ, that create fails and says how to import it. "+
				"Nothing is deleted.", k.kind, name, k.kind))
	}
	resp.Diagnostics.Append(k.set(ctx, resp.Identity, c, name)...)
	resp.State.RemoveResource(ctx)
	return true
}

// spareUnprovenObject starts the Delete of every resource type that can be read: an object
// whose create had an unknown outcome (terraform destroy -refresh=false, or a replacement the
// refresh did not settle) is deleted only when it was created after the request left; an
// absent one is done, and one that is someone else's is left alone with a warning. It reports
// true when the Delete must not send its request.
func spareUnprovenObject(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse, k identityKey,
	c *client.Client, name string,
) bool {
	if req.Private == nil {
		return false
	}
	raw, diags := req.Private.GetKey(ctx, privateUnknownCreate)
	if diags.HasError() || len(raw) == 0 {
		return false
	}
	var ev client.Evidence
	_ = json.Unmarshal(raw, &ev)
	ev.Kind, ev.Name = collectionOf[k.kind], name
	verdict, reason, err := c.SettleCreate(ctx, ev)
	switch {
	case err != nil:
		addClientError(&resp.Diagnostics, "Error reading "+k.kind, err)
		return true
	case verdict == client.CreateAbsent:
		return true
	case verdict == client.CreateNotOurs:
		c.ForgetCreate(ev.Kind, name)
		resp.Diagnostics.AddWarning(fmt.Sprintf("The %s %q was not deleted", k.kind, name), fmt.Sprintf(
			"Its create had an unknown outcome, and the %s that exists is not this configuration's: %s. It was "+
				"removed from state and left on the server.", k.kind, reason))
		return true
	}
	return false
}

// importBlock is a ready-to-paste import block for the object name of typeName. The provider
// is not told the resource's address, which Terraform shows with the diagnostic ("with
// <address>"): the block names it as the placeholder to replace.
func importBlock(typeName, name string) string {
	return fmt.Sprintf("import {\n  to = %s.<resource name>  # the address shown with this message\n  id = %q\n}", typeName, name)
}
