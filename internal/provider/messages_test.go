package provider

// One cause, one message (issue 30 item 4): each error leads with the cause the provider saw,
// says what state the object is in and the one step that helps, and leaves out paragraphs that
// do not apply. These tests pin the first line and a bound on the length of each.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// oneError returns the only error diagnostic, failing the test when there is not exactly one.
func oneError(t *testing.T, diags []*tfprotov6.Diagnostic) *tfprotov6.Diagnostic {
	t.Helper()
	var errs []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("want exactly one error, got %d: %s", len(errs), protoErrors(diags))
	}
	return errs[0]
}

// checkMessage asserts the first paragraph of a detail, its length in lines (as Terraform
// prints it: one line per paragraph line, wrapped text counted by its newlines) and that none of
// the paragraphs that do not apply is there.
func checkMessage(t *testing.T, detail, lead string, maxLines int, absent ...string) {
	t.Helper()
	first, _, _ := strings.Cut(detail, "\n\n")
	if first != lead {
		t.Errorf("detail leads with\n%s\nwant\n%s\n(whole detail:\n%s)", first, lead, detail)
	}
	if n := strings.Count(detail, "\n") + 1; n > maxLines {
		t.Errorf("detail has %d lines, want at most %d:\n%s", n, maxLines, detail)
	}
	for _, a := range absent {
		if strings.Contains(detail, a) {
			t.Errorf("detail says %q, which does not apply here:\n%s", a, detail)
		}
	}
}

// Ctrl-C while a create waits for the rate limit: the error says the apply was interrupted and
// that the role was not created (nothing was sent), not "waiting for the rate limit: context
// canceled"; no state is kept and no POST of it reaches the server.
func TestProtoRole_InterruptedBeforeSendingSaysNothingWasCreated(t *testing.T) {
	ts := newTestServer(t)
	pw := ts.SeedOrg("Stop_Wait", "admin")
	p := protoNewServer(t, map[string]any{
		"endpoint": ts.URL, "org_name": "Stop_Wait", "username": "admin", "password": pw,
		"max_retries": int64(0), "rate_limit": float64(1), // one request a second
	})
	p.protoCreate("rockit_role", map[string]any{"name": "First", "permissions": map[string]any{"apps": []any{"read"}}})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	time.AfterFunc(100*time.Millisecond, stop) // Ctrl-C while the create waits its turn
	resp := p.protoCreateUnder(ctx, "rockit_role", map[string]any{"name": "Second", "permissions": map[string]any{"apps": []any{"read"}}})

	d := oneError(t, resp.Diagnostics)
	if d.Summary != "Interrupted before creating role" {
		t.Errorf("summary = %q, want %q", d.Summary, "Interrupted before creating role")
	}
	checkMessage(t, d.Detail, "Terraform was interrupted (Ctrl-C or a stop signal) before the request was sent, so the role "+
		"was not created: nothing changed on the ROCKIT Edge host, and the state is as before. Run the command again to finish it.",
		3, "context canceled", "request_timeout", "max_retries", "may have been created")
	if !strings.Contains(d.Detail, "POST /be/v1/roles: not sent") {
		t.Errorf("detail does not name the request that was not sent:\n%s", d.Detail)
	}
	if state := p.protoDecodeState("rockit_role", resp.NewState); state != nil {
		t.Errorf("state kept for a role that was never sent: %v", state)
	}
	if posts := ts.requestsMatching(http.MethodPost, "/be/v1/roles"); len(posts) != 1 {
		t.Errorf("role POSTs = %s, want only the first role's", describeRequests(posts))
	}
}
