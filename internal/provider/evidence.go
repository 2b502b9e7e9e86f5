package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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

// terraformWorkspace is the Terraform workspace of the run that started the provider, read the
// way Terraform reads it (command/meta.go, Meta.WorkspaceOverridden): TF_WORKSPACE when set,
// else the content of $TF_DATA_DIR/environment (default .terraform/environment, written by
// `terraform workspace select` and `workspace new`, relative to the working directory, which
// is the provider's), else "default". Terraform tells a provider nothing of it; the evidence
// of a create is bound to it (a second workspace never adopts the first one's objects).
func terraformWorkspace() string {
	if ws := os.Getenv("TF_WORKSPACE"); ws != "" {
		return ws
	}
	data := os.Getenv("TF_DATA_DIR")
	if data == "" {
		data = ".terraform"
	}
	raw, _ := os.ReadFile(filepath.Join(data, "environment")) //nolint:gosec // Terraform's own file of the working directory
	if ws := strings.TrimSpace(string(raw)); ws != "" {
		return ws
	}
	return "default"
}

// terraformRun names the Terraform run (process) that started this plugin: its process id and,
// where /proc tells it, its start time, so that a pid used again by a later run is another run.
// Two provider configurations of one run (aliases) are two plugin processes of one parent. ""
// when the plugin was not started by Terraform (in-process tests, -debug): no run is known.
func terraformRun() string {
	if os.Getenv("TF_PLUGIN_MAGIC_COOKIE") == "" {
		return ""
	}
	ppid := os.Getppid()
	run := strconv.Itoa(ppid)
	if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", ppid)); err == nil {
		// Field 22 (starttime) counts from the last field that can hold spaces, the command
		// name in parentheses.
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 {
			if f := strings.Fields(string(stat[i+1:])); len(f) > 19 {
				run += "@" + f[19]
			}
		}
	}
	return run
}

// privateUnknownCreate is the private-state key of the Evidence of a create whose outcome is
// unknown. It travels with the state (remote backends too), unlike the journal.
const privateUnknownCreate = "rockit_unknown_create"

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
// it with the ownership judge (client.Client.SettleCreate, ownership.go), and reports true (the
// caller returns):
//
//   - absent: removed from state, so the create is planned again;
//   - present and not proven the create's (created outside the window of that create on the
//     server's clock, without a creation time, or with other fields): someone else's; removed
//     from state with a warning that names it and gives the import block. Never deleted;
//   - present and proven the create's: ours. It is removed from state too (Terraform would
//     replace a tainted object whatever Read says), and the evidence goes to the journal, so
//     that the create the plan shows adopts it without sending a POST (client.Client.create
//     judges it again, the same way). Nothing is deleted and nothing is re-created.
//
// An object in state without such evidence is settled already: its journal entries are pruned
// and the Read goes on (false).
func settleUnknownCreate(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, k identityKey,
	c *client.Client, m *runMemory, name string,
) bool {
	coll := k.collection()
	var raw []byte
	if req.Private != nil {
		var diags diag.Diagnostics
		raw, diags = req.Private.GetKey(ctx, privateUnknownCreate)
		resp.Diagnostics.Append(diags...)
	}
	if len(raw) == 0 {
		c.ForgetCreate(coll, name)
		m.noteInState(coll, name)
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
		m.noteSettledNotOurs(coll, name)
		resp.Diagnostics.AddWarning(fmt.Sprintf("The %s %q exists, but not by this configuration's create", k.kind, name), fmt.Sprintf(
			"The create of the %s %q had an unknown outcome (no answer came back), so it was kept in state as tainted with "+
				"the evidence to judge it. It exists on the server, but %s: it is someone else's object. It was removed from "+
				"state, and nothing was deleted.\n\nIf it is meant to be managed by this configuration, import it:\n\n%s",
			k.kind, name, reason, importBlock(k.typeName, name)))
	case client.CreateOurs:
		if rerr := c.RecordEvidence(ev); rerr != nil {
			tflog.Warn(ctx, "could not record the evidence in the journal", map[string]any{"error": rerr.Error()})
		}
		resp.Diagnostics.AddWarning(fmt.Sprintf("The %s %q will be adopted", k.kind, name), fmt.Sprintf(
			"The create of the %s %q had an unknown outcome (no answer came back). The %s exists, was created while that "+
				"request could have acted, and holds the fields it asked for, so it is this configuration's. It was removed from "+
				"state (a tainted object would be deleted and created again); the create this plan shows adopts it, without "+
				"creating it again. Nothing is deleted.", k.kind, name, k.kind))
	}
	resp.Diagnostics.Append(k.set(ctx, resp.Identity, c, name)...)
	resp.State.RemoveResource(ctx)
	return true
}

// spareUnprovenObject starts the Delete of every resource type that can be read: an object
// whose create had an unknown outcome (terraform destroy -refresh=false, or a replacement the
// refresh did not settle) is deleted only when the ownership judge proves it the create's (its
// creation time in the window and its fields those requested: never time alone); an absent one
// is done, and one that is someone else's is left alone with a warning. It reports true when
// the Delete must not send its request.
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
	ev.Kind, ev.Name = k.collection(), name
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
