package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"flag"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/cliconfig"
	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

const adminToken = "doctor-admin-token"

// host is a mock Edge with the organization Acme seeded with a few objects of every type.
type host struct {
	url      string
	srv      *mockserver.Server
	password string // Acme's admin
	apiKey   string // the machine user ci, whose role Viewer only reads some types
	caPEM    string // the CA of a TLS host
}

// newHost serves a mock with opts and seeds Acme through the client, as a user would: roles
// Editor and Viewer, the human user alice (with a title), the machine user ci (role Viewer),
// the deployment cdn (with download authentication), the app game and the subscription hook.
func newHost(t *testing.T, opts mockserver.Options) *host {
	t.Helper()
	return newHostBehind(t, opts, nil, false)
}

// newHostBehind is newHost with the mock behind wrap (a host that differs in a way the mock has
// no switch for; nil: none), served over TLS when tls is set (the test server's own CA).
func newHostBehind(t *testing.T, opts mockserver.Options, wrap func(http.Handler) http.Handler, tls bool) *host {
	t.Helper()
	opts.AdminToken = adminToken
	srv := mockserver.New(opts)
	var handler http.Handler = srv
	if wrap != nil {
		handler = wrap(srv)
	}
	ts := httptest.NewUnstartedServer(handler)
	if tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	caPEM := ""
	if tls {
		caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}))
	}
	ctx := context.Background()
	admin, err := client.New(client.Config{Endpoint: ts.URL, AdminToken: adminToken, CACertPEM: caPEM})
	if err != nil {
		t.Fatal(err)
	}
	org, err := admin.CreateOrganization(ctx, client.CreateOrganizationRequest{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Config{Endpoint: ts.URL, OrgName: "Acme", Username: "admin", Password: org.InitialPassword, CACertPEM: caPEM})
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.CreateRole(ctx, client.CreateRoleRequest{Name: "Editor", Permissions: map[string]int{"apps": 15, "roles": 15}}))
	must(c.CreateRole(ctx, client.CreateRoleRequest{Name: "Viewer", Permissions: map[string]int{"roles": 2, "beUsers": 2, "deployments": 2, "subscriptions": 2}}))
	must(c.CreateUser(ctx, client.CreateUserRequest{Username: "alice", Email: "alice@example.com", Firstname: "Alice", Surname: "Doe",
		Title: "Producer", Roles: []string{"Editor"}}))
	ci, err := c.CreateUser(ctx, client.CreateUserRequest{Username: "ci", Label: "CI pipeline", Roles: []string{"Viewer"}})
	must(ci, err)
	must(c.CreateDeployment(ctx, client.CreateDeploymentRequest{Name: "cdn",
		Origin:       client.Origin{Type: "s3", Endpoint: "s3.us-east-1.amazonaws.com", Bucket: "games", Prefix: "edge/", AccessKeyID: "AKIA1", SecretAccessKey: "s3cret"},
		DownloadAuth: &client.DownloadAuth{Provider: "akamai", Key: "k3y"}}))
	must(c.CreateApp(ctx, client.CreateAppRequest{Name: "game", Label: "The Game"}))
	must(c.CreateApp(ctx, client.CreateAppRequest{Name: "demo", Label: "The Demo"}))
	must(c.CreateSubscription(ctx, client.CreateSubscriptionRequest{Name: "hook", Type: "webhook", URL: "https://hooks.example.com/edge"}))
	must(c.CreateSubscription(ctx, client.CreateSubscriptionRequest{Name: "slack", Type: "slack", URL: "https://hooks.slack.com/x"}))
	srv.ResetRequests()
	return &host{url: ts.URL, srv: srv, password: org.InitialPassword, apiKey: ci.APIKey, caPEM: caPEM}
}

// env is the environment of Acme's admin on h, with extra variables.
func (h *host) env(extra ...string) func(string) string {
	m := map[string]string{"ROCKIT_ENDPOINT": h.url, "ROCKIT_ORG": "Acme", "ROCKIT_USERNAME": "admin", "ROCKIT_PASSWORD": h.password}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return func(k string) string { return m[k] }
}

// doctorRun runs the doctor with -json (and args) and returns its checks and exit status.
func doctorRun(t *testing.T, ctx context.Context, getenv func(string) string, h hooks, args ...string) ([]Check, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runWith(ctx, append([]string{"-json"}, args...), getenv, &out, &errOut, h)
	var report struct {
		Checks []Check `json:"checks"`
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("-json output does not parse (%v); exit %d; stdout:\n%s\nstderr:\n%s", err, code, out.String(), errOut.String())
	}
	return report.Checks, code
}

// notOK returns the names of the checks that are not ok, with their status.
func notOK(checks []Check) []string {
	var out []string
	for _, c := range checks {
		if c.Status != statusOK {
			out = append(out, c.Status+" "+c.Name)
		}
	}
	return out
}

func find(t *testing.T, checks []Check, name string) Check {
	t.Helper()
	for _, c := range checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q among %v", name, checks)
	return Check{}
}

// writes returns the requests that could change the host: every method but GET, except the
// login requests.
func writes(reqs []mockserver.RequestRecord) []string {
	var out []string
	for _, r := range reqs {
		if r.Method != http.MethodGet && r.Path != "/be/v1/login" && r.Path != "/be/v1/auth" {
			out = append(out, r.Method+" "+r.Path+" "+string(r.Body))
		}
	}
	return out
}

func requestsTo(reqs []mockserver.RequestRecord, method, path string) int {
	n := 0
	for _, r := range reqs {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// configOf is the client configuration of Acme's admin on h, as the doctor reads it.
func configOf(t *testing.T, h *host) client.Config {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg, err := cliconfig.Register(fs, h.env()).Config("test")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
