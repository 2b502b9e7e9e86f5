package provider

// One cause, one message (issue 30 item 4): each error leads with the cause the provider saw,
// says what state the object is in and the one step that helps, and leaves out paragraphs that
// do not apply. These tests pin the first line and a bound on the length of each.

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
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

// checkMessage asserts the first paragraph of a detail, its length in lines (printedLines) and that none of
// the paragraphs that do not apply is there.
func checkMessage(t *testing.T, detail, lead string, maxLines int, absent ...string) {
	t.Helper()
	first, _, _ := strings.Cut(detail, "\n\n")
	if first != lead {
		t.Errorf("detail leads with\n%s\nwant\n%s\n(whole detail:\n%s)", first, lead, detail)
	}
	if n := printedLines(detail); n > maxLines {
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
		6, "context canceled", "request_timeout", "max_retries", "may have been created")
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

// printedLines counts the lines of a detail as Terraform prints it in a terminal of 100
// columns: every line of the text, long ones wrapped.
func printedLines(detail string) int {
	n := 0
	for _, line := range strings.Split(detail, "\n") {
		n += max(1, (len(line)+99)/100)
	}
	return n
}

// On a host that sends invitations, the bootstrap alias's error names the invitation it was
// answered with, and only that: the organization, the administrator and where the invitation
// went, that the organization is kept and nothing was sent, and the one step. Not the
// public_key_pem and machine-user causes, not "Nothing was changed" (it is printed during the
// apply that created the organization). The organization's create runs in another provider
// process than the alias's, as under Terraform: two provider servers here.
func TestProtoBootstrap_invitationMessageNamesOnlyTheInvitation(t *testing.T) {
	ts := newTestServer(t, func(o *mockserver.Options) { o.OrgInvitations = true })
	admin := protoNewServer(t, map[string]any{"endpoint": ts.URL, "admin_token": testAdminToken, "max_retries": int64(0)})
	admin.protoCreate("rockit_organization", map[string]any{"name": "Msg_Invited", "admin_email": "ops@example.com"})

	alias := protoNewServer(t, map[string]any{"endpoint": ts.URL, "org_name": "Msg_Invited", "username": "admin", "max_retries": int64(0)})
	d := oneError(t, alias.protoPlanDiags("rockit_role", map[string]any{"name": "Release"}))
	if d.Summary != "Provider configuration cannot manage rockit_role" {
		t.Errorf("summary = %q", d.Summary)
	}
	checkMessage(t, d.Detail, `The host created the organization "Msg_Invited" with an invitation instead of an initial password: `+
		`its first administrator "admin" has no password until they accept the invitation sent to ops@example.com, so `+
		"`admin_initial_password` is null and this provider configuration cannot log in yet.",
		11, "public_key_pem", "api_key", "Nothing was changed", "checked while planning", "ROCKIT_")
	for _, want := range []string{"The organization exists and is kept in state; rockit_role was not created, and no request was sent",
		"Once the administrator has accepted the invitation and set a password, pass it to this provider configuration"} {
		if !strings.Contains(d.Detail, want) {
			t.Errorf("detail does not say %q:\n%s", want, d.Detail)
		}
	}

	// A data source behind the alias says the same.
	d = oneError(t, alias.protoReadDataSourceDiags("rockit_roles", map[string]any{}))
	checkMessage(t, d.Detail, `The host created the organization "Msg_Invited" with an invitation instead of an initial password: `+
		`its first administrator "admin" has no password until they accept the invitation sent to ops@example.com, so `+
		"`admin_initial_password` is null and this provider configuration cannot log in yet.", 11, "public_key_pem", "api_key")
	if logins := ts.requestsMatching(http.MethodPost, "/be/v1/login"); len(logins) != 0 {
		t.Errorf("the alias sent %s without a password", describeRequests(logins))
	}
}

// Without a known cause, a missing secret is one sentence saying what to set and one paragraph
// of the outputs that can be null; a secret from the environment that was not used (the
// paragraph that matters) leads.
func TestMissingSecretMessages(t *testing.T) {
	m := &client.MissingCredentialError{Credential: client.CredentialSecret, Missing: []client.Credential{client.CredentialSecret},
		Purpose: "requests inside an organization", Endpoint: "http://127.0.0.1:1", OrgName: "Msg_None", Username: "admin"}
	set := "The provider configuration has no password or api_key. Set the provider attribute `password` (or ROCKIT_PASSWORD) for a " +
		"backend user, or `api_key` (or ROCKIT_API_KEY) for a machine user; it is needed for requests inside an organization."
	detail := missingDetail(m)
	checkMessage(t, detail, set, 11, "Nothing was changed", "ROCKIT_ORG")
	if !strings.HasSuffix(detail, "\n\n"+nullSecretCauses) || strings.Count(detail, "\n\n") != 1 {
		t.Errorf("want the sentence and the one paragraph of causes:\n%s", detail)
	}

	m.Hint = "ROCKIT_PASSWORD is set in the environment but not used: the organization named by ROCKIT_ORG is another one."
	detail = missingDetail(m)
	checkMessage(t, detail, m.Hint, 14)
	if !strings.Contains(detail, "\n\n"+set+"\n\n") {
		t.Errorf("the hint does not come before what to set:\n%s", detail)
	}

	// Another credential missing: no paragraph about secrets fed from outputs.
	m = &client.MissingCredentialError{Credential: client.CredentialOrgName, Missing: []client.Credential{client.CredentialOrgName},
		Purpose: "requests inside an organization"}
	detail = missingDetail(m)
	checkMessage(t, detail, "The provider configuration has no org_name. Set the provider attribute `org_name` (or ROCKIT_ORG); "+
		"it is needed for requests inside an organization.", 2)
}

// protoPlanDiags plans the creation of a resource from its configuration and returns the
// plan's diagnostics.
func (p *protoServer) protoPlanDiags(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	typ := p.resourceType(typeName)
	cfg := protoDynamic(p.t, typ, config)
	resp, err := p.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: protoDynamic(p.t, typ, nil), ProposedNewState: cfg, Config: cfg,
	})
	if err != nil {
		p.t.Fatalf("PlanResourceChange: %v", err)
	}
	return resp.Diagnostics
}

// protoReadDataSourceDiags reads a data source and returns the read's diagnostics.
func (p *protoServer) protoReadDataSourceDiags(typeName string, config map[string]any) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.srv.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
		TypeName: typeName, Config: protoDynamic(p.t, p.schemas.DataSourceSchemas[typeName].ValueType(), config),
	})
	if err != nil {
		p.t.Fatalf("ReadDataSource: %v", err)
	}
	return resp.Diagnostics
}

// A refused credential: the message names the credentials of the request that was refused, not
// both kinds.
func TestUnauthorizedMessageNamesOnlyItsCredentials(t *testing.T) {
	for _, c := range []struct {
		path, lead string
		absent     []string
	}{
		{"/be/v1/orgs", "The ROCKIT Edge host did not accept the administrator token: check `admin_token` (or ROCKIT_ADMIN_TOKEN).",
			[]string{"org_name", "password"}},
		{"/be/v1/login", "The ROCKIT Edge host did not accept the credentials: check `org_name`, `username` and `password` or `api_key` " +
			"(or ROCKIT_ORG, ROCKIT_USERNAME and ROCKIT_PASSWORD or ROCKIT_API_KEY).", []string{"admin_token"}},
	} {
		var diags diag.Diagnostics
		addClientError(&diags, "Error creating role", &client.APIError{StatusCode: http.StatusUnauthorized, Method: http.MethodPost,
			Path: c.path, Message: "unauthorized"})
		detail := diags[0].Detail()
		_, rest, _ := strings.Cut(detail, "\n\n")
		checkMessage(t, rest, c.lead, 2, c.absent...)
	}
}

// Ctrl-C while a create waits to retry after an answer that may have acted (a 503): the object
// may exist, and the error names the interruption as the cause, not a lost connection or a
// timeout. It is kept in state (tainted, with its evidence).
func TestProtoRole_InterruptedRetryNamesTheStop(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var posts atomic.Int32
	ts := newTestServerBehind(t, func(mock http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/be/v1/roles" {
				posts.Add(1)
				stop() // Ctrl-C while the server answers 503
				writeAPIError(w, http.StatusServiceUnavailable, "busy")
				return
			}
			mock.ServeHTTP(w, r)
		})
	})
	pw := ts.SeedOrg("Stop_Retry", "admin")
	p := protoNewServer(t, map[string]any{
		"endpoint": ts.URL, "org_name": "Stop_Retry", "username": "admin", "password": pw, "max_retries": int64(3),
	})
	resp := p.protoCreateUnder(ctx, "rockit_role", map[string]any{"name": "Retried"})
	d := oneError(t, resp.Diagnostics)
	if d.Summary != `The role "Retried" may have been created` {
		t.Errorf("summary = %q", d.Summary)
	}
	for _, want := range []string{"no definite answer came back (Terraform was interrupted (Ctrl-C or a stop signal) before it came)",
		"It is kept in state as tainted"} {
		if !strings.Contains(d.Detail, want) {
			t.Errorf("detail does not say %q:\n%s", want, d.Detail)
		}
	}
	if strings.Contains(d.Detail, "connection was lost") || strings.Contains(d.Detail, "request_timeout") {
		t.Errorf("detail names causes other than the stop:\n%s", d.Detail)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("role POSTs = %d, want one: no retry after the stop", n)
	}
}
