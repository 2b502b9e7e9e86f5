package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// secretKeys are the JSON fields of requests and answers that carry secrets.
var secretKeys = map[string]string{
	"password": "password", "sessionToken": "session token", "authToken": "auth token",
	"initialPassword": "initial password", "apiKey": "API key", "secret": "subscription secret",
	"secretAccessKey": "storage secret", "key": "download auth key",
	"selectionToken": "selection token", "accessToken": "access token", "refreshToken": "refresh token",
}

// secretCollector wraps the mock and remembers every secret that crosses the wire: in request
// bodies and headers and in answers.
type secretCollector struct {
	next http.Handler
	mu   sync.Mutex
	// secrets maps each secret value to what it was first seen as; kinds holds every kind seen.
	secrets map[string]string
	kinds   map[string]bool
}

func (c *secretCollector) add(value, kind string) {
	if len(value) < 6 { // too short to search for meaningfully; the mock's secrets are long
		return
	}
	c.mu.Lock()
	if _, ok := c.secrets[value]; !ok {
		c.secrets[value] = kind
	}
	c.kinds[kind] = true
	c.mu.Unlock()
}

func (c *secretCollector) collectJSON(raw []byte) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if kind, ok := secretKeys[k]; ok {
					if s, ok := e.(string); ok {
						c.add(s, kind)
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

func (c *secretCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	c.collectJSON(body)
	for _, h := range []string{"x-rockit-beauth-token", "x-rockit-besession-token", "x-rockit-api-key"} {
		c.add(r.Header.Get(h), h+" header")
	}
	c.add(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), "Authorization header")
	rec := httptest.NewRecorder()
	c.next.ServeHTTP(rec, r)
	c.collectJSON(rec.Body.Bytes())
	writeRecorded(w, rec)
}

// newCollectingServer starts a test's mock (opts as newTestServer) with a secretCollector in
// front of it.
func newCollectingServer(t *testing.T, opts ...func(*mockserver.Options)) (*testServer, *secretCollector) {
	t.Helper()
	c := &secretCollector{secrets: map[string]string{}, kinds: map[string]bool{}}
	ts := newTestServerBehind(t, func(mock http.Handler) http.Handler { c.next = mock; return c }, opts...)
	return ts, c
}

// traceLog sends Terraform's log (terraform-exec) and the in-process provider's log (the
// terraform-plugin-log test sink) to the file logPath, at TRACE.
func traceLog(t *testing.T, logPath string) {
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG", "TRACE")
}

// leakedSecrets lists the secrets (value -> what it is) found in text, as "kind (abcd...)",
// sorted.
func leakedSecrets(text string, secrets map[string]string) []string {
	var leaked []string
	for value, kind := range secrets {
		if strings.Contains(text, value) {
			leaked = append(leaked, fmt.Sprintf("%s (%s...)", kind, value[:4]))
		}
	}
	sort.Strings(leaked)
	return leaked
}

func (c *secretCollector) snapshot() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]string, len(c.secrets))
	for k, v := range c.secrets {
		out[k] = v
	}
	return out
}

// TestAccSecretsNeverReachTheLog applies and destroys an organization with everything in it,
// with the provider's and Terraform's logs at TRACE in one file, and searches that file for
// every secret that crossed the wire: the admin token, the administrator's password, session
// and auth tokens, users' initial passwords, the machine user's API key, storage and download
// keys and the subscription secret; and, against a 2026 host, the selection, access and
// (rotated) refresh tokens.
func TestAccSecretsNeverReachTheLog(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	if p := os.Getenv("ROCKIT_LEAK_LOG"); p != "" {
		logPath = p
	}
	traceLog(t, logPath)

	m, collector := newCollectingServer(t)

	storageSecret := "wJalrXUtnFEMI-storage-secret-7f3a9c"
	downloadKey := "akamai-download-key-55e1b2"
	adminPassword := m.SeedOrg("LeakTest", "admin")
	botKey := m.SeedUser("LeakTest", "ci_bot", true, "Administrators")

	// Phase 1: a backend user (password login: session and auth tokens) and the admin token
	// manage one of everything. (One provider block: in-process test providers share one
	// configuration between aliases, so each phase uses a single set of credentials.) The
	// secrets come from the environment, as the guide recommends: the test framework logs the
	// configuration text itself.
	t.Setenv(envAdminToken, testAdminToken)
	t.Setenv(envPassword, adminPassword)
	t.Setenv(envOrgName, "LeakTest") // a secret from the environment is used only for its own organization and user
	t.Setenv(envUsername, "admin")
	t.Setenv("TF_VAR_storage_secret", storageSecret)
	t.Setenv("TF_VAR_download_key", downloadKey)
	withPassword := fmt.Sprintf(secretVariables+`
provider "rockit" {
  endpoint = %[1]q
  org_name = "LeakTest"
  username = "admin"
}

resource "rockit_organization" "other" {
  name = "LeakOther"
}

resource "rockit_role" "apps" {
  name = "AppManagers"
  permissions = {
    apps        = ["create", "read", "update", "delete"]
    deployments = ["read"]
  }
}

resource "rockit_user" "alice" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Liddell"
  roles     = [rockit_role.apps.name]
}

resource "rockit_machine_user" "deployer" {
  username = "deployer"
  label    = "CI pipeline"
  roles    = [rockit_role.apps.name]
}

`+deploymentAndHookWithSecrets+`
resource "rockit_app" "game" {
  name        = "SpaceGame"
  label       = "Space Game"
  deployments = [rockit_deployment.eu.name]
}
`, m.URL)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: withPassword,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrSet("rockit_organization.other", "admin_initial_password"),
				resource.TestCheckResourceAttrSet("rockit_user.alice", "initial_password"),
				resource.TestCheckResourceAttrSet("rockit_machine_user.deployer", "api_key"),
				resource.TestCheckResourceAttrSet("rockit_subscription.hook", "secret"),
				resource.TestCheckResourceAttr("rockit_app.game", "name", "SpaceGame"),
			),
		}},
	})

	// Phase 2: a machine user (API-key headers on every request).
	t.Setenv(envPassword, "")
	t.Setenv(envAPIKey, botKey)
	t.Setenv(envUsername, "ci_bot")
	withAPIKey := fmt.Sprintf(`
provider "rockit" {
  endpoint = %[1]q
  org_name = "LeakTest"
  username = "ci_bot"
}

resource "rockit_role" "viewers" {
  name        = "Viewers"
  permissions = { apps = ["read"] }
}

resource "rockit_app" "tool" {
  name  = "Toolkit"
  label = "Toolkit"
}
`, m.URL)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: withAPIKey,
			Check: func(*terraform.State) error {
				for _, r := range m.Requests() {
					if r.Method == "POST" && r.Path == "/be/v1/apps" && r.Body != nil && strings.Contains(string(r.Body), "Toolkit") && r.Auth != "apiKey" {
						return fmt.Errorf("the app was created with %q credentials, want apiKey", r.Auth)
					}
				}
				return nil
			},
		}},
	})

	// Phase 3: a 2026 host (auth_scheme "auto"): the selection token, access and refresh tokens
	// and the admin token as Bearer. Access tokens live a second and every request takes a
	// quarter, so the run renews them through /be/v1/refresh (rotated refresh tokens).
	m26, collector26 := newCollectingServer(t, withAuthScheme(mockserver.AuthScheme2026), func(o *mockserver.Options) {
		o.AuthTokenTTL = time.Second
		o.Latency = 250 * time.Millisecond
	})
	password26 := m26.SeedOrg("LeakNew", "admin")
	t.Setenv(envAPIKey, "")
	t.Setenv(envPassword, password26)
	t.Setenv(envOrgName, "LeakNew")
	t.Setenv(envUsername, "admin")
	with2026 := fmt.Sprintf(`
provider "rockit" {
  endpoint = %[1]q
  org_name = "LeakNew"
  username = "admin"
}

resource "rockit_organization" "other" {
  name = "LeakOther26"
}

resource "rockit_role" "ops" {
  name        = "Ops"
  permissions = { apps = ["read"] }
}

resource "rockit_user" "bob" {
  username  = "bob"
  email     = "bob@example.com"
  firstname = "Bob"
  surname   = "Builder"
  roles     = [rockit_role.ops.name]
}

resource "rockit_machine_user" "runner" {
  username   = "runner"
  label      = "Runner"
  roles      = [rockit_role.ops.name]
  depends_on = [rockit_user.bob]
}
`, m26.URL)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: with2026,
			Check:  resource.TestCheckResourceAttrSet("rockit_machine_user.runner", "api_key"),
		}},
	})
	refreshed := 0
	for _, r := range m26.Requests() {
		if r.Path == "/be/v1/refresh" && r.Status == http.StatusOK {
			refreshed++
		}
	}
	if refreshed == 0 {
		t.Errorf("no access token was renewed on the 2026 mock: no rotated refresh token to search for")
	}

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	logText := string(raw)
	// The log must be the real thing, from both Terraform and the provider, or the search
	// below proves nothing.
	if len(raw) < 200_000 {
		t.Fatalf("the log has only %d bytes: TRACE logging did not reach it", len(raw))
	}
	for _, marker := range []string{
		"ROCKIT Edge request",                      // the provider's client
		"path=/be/v1/auth",                         // ... logging the auth calls
		"path=/be/v1/apps",                         // ... and the apps
		"Calling provider defined Resource Create", // terraform-plugin-framework
		testCLI(t).Name() + " version: ",           // the CLI ("OpenTofu version: " under OpenTofu)
	} {
		if !strings.Contains(logText, marker) {
			t.Errorf("the log lacks %q: it does not hold what it should", marker)
		}
	}

	secrets := collector.snapshot()
	for k, v := range collector26.snapshot() {
		secrets[k] = v
	}
	for k := range collector26.kinds {
		collector.kinds[k] = true
	}
	secrets[password26] = "password"
	secrets[testAdminToken] = "admin token"
	secrets[adminPassword] = "password"
	secrets[botKey] = "API key"
	secrets[storageSecret] = "storage secret"
	secrets[downloadKey] = "download auth key"
	kinds := collector.kinds
	for _, want := range []string{"password", "session token", "auth token", "initial password", "API key", "subscription secret",
		"x-rockit-api-key header", "storage secret", "download auth key",
		"selection token", "access token", "refresh token", "Authorization header"} {
		if !kinds[want] {
			t.Errorf("no %s crossed the wire: the test would not check it (%v)", want, kinds)
		}
	}
	if leaked := leakedSecrets(logText, secrets); len(leaked) > 0 {
		t.Errorf("secrets found in the TRACE log %s: %s", logPath, strings.Join(leaked, ", "))
	}
	t.Logf("searched %d bytes of TRACE log for %d secrets (%v)", len(raw), len(secrets), kinds)
}

// TestAccSecretsNeverReachTheLogOrState_withKeys is the variant with public keys: the
// provider-level secrets_public_key_pem covers the user, the machine user and the
// subscription, the organization has its own public_key_pem, and both credentials are rotated.
// Every secret that crosses the wire is searched for in the TRACE log and in every attribute
// of the state after each step: with keys, none of them may be found in either.
func TestAccSecretsNeverReachTheLogOrState_withKeys(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	traceLog(t, logPath)

	m, collector := newCollectingServer(t)
	adminPassword := m.SeedOrg("LeakKeys", "admin")
	t.Setenv(envAdminToken, testAdminToken)
	t.Setenv(envPassword, adminPassword)
	t.Setenv(envOrgName, "LeakKeys")
	t.Setenv(envUsername, "admin")
	key := newTestKey(t)
	t.Setenv(envSecretsKey, key.pem)

	config := func(version int) string {
		return fmt.Sprintf(`
provider "rockit" {
  endpoint = %[1]q
  org_name = "LeakKeys"
  username = "admin"
}

resource "rockit_organization" "other" {
  name           = "LeakKeysOther"
  public_key_pem = %[2]q
}

resource "rockit_user" "alice" {
  username            = "alice"
  email               = "alice@example.com"
  firstname           = "Alice"
  surname             = "Liddell"
  credentials_version = %[3]d
}

resource "rockit_machine_user" "deployer" {
  username        = "deployer"
  label           = "CI pipeline"
  api_key_version = %[3]d
}

resource "rockit_subscription" "hook" {
  name = "build_events"
  type = "webhook"
  url  = "https://hooks.example.com/rockit"
}
`, m.URL, key.pem, version)
	}
	secrets := func() map[string]string {
		s := collector.snapshot()
		s[testAdminToken] = "admin token"
		s[adminPassword] = "password"
		return s
	}
	encrypted := resource.ComposeAggregateTestCheckFunc(
		resource.TestCheckResourceAttrSet("rockit_organization.other", "admin_initial_password_encrypted"),
		resource.TestCheckResourceAttrSet("rockit_user.alice", "initial_password_encrypted"),
		resource.TestCheckResourceAttrSet("rockit_machine_user.deployer", "api_key_encrypted"),
		resource.TestCheckResourceAttrSet("rockit_subscription.hook", "secret_encrypted"),
		checkNoClearSecret(secrets),
	)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(1), Check: encrypted},
			{Config: config(2), Check: encrypted},
		},
	})

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	logText := string(raw)
	if len(raw) < 100_000 || !strings.Contains(logText, "ROCKIT Edge request") || !strings.Contains(logText, "Calling provider defined Resource Update") {
		t.Fatalf("the log (%d bytes) lacks the provider's TRACE records: the search below would prove nothing", len(raw))
	}
	all := secrets()
	for _, want := range []string{"initial password", "API key", "subscription secret"} {
		if !collector.kinds[want] {
			t.Errorf("no %s crossed the wire: the test would not check it", want)
		}
	}
	if leaked := leakedSecrets(logText, all); len(leaked) > 0 {
		t.Errorf("secrets found in the TRACE log %s: %s", logPath, strings.Join(leaked, ", "))
	}
	t.Logf("searched %d bytes of TRACE log and the state of two applies for %d secrets", len(raw), len(all))
}
