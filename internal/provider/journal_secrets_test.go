package provider

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// secretVariables declares the sensitive variables storage_secret and download_key (set them
// with TF_VAR_...).
const secretVariables = `
variable "storage_secret" {
  type      = string
  sensitive = true
}

variable "download_key" {
  type      = string
  sensitive = true
}
`

// deploymentAndHookWithSecrets is a deployment whose request carries both secret variables, and
// a subscription (whose answer carries its secret).
const deploymentAndHookWithSecrets = `
resource "rockit_deployment" "eu" {
  name = "Origin_EU"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "studio-builds"
    access_key_id     = "AKIAEXAMPLE"
    secret_access_key = var.storage_secret
  }
  download_auth = {
    provider = "akamai"
    key      = var.download_key
  }
}

resource "rockit_subscription" "hook" {
  name = "build_events"
  type = "webhook"
  url  = "https://hooks.example.com/rockit"
}
`

// journalWatcher reads every file of the journal directory whenever a create reaches the mock:
// a create's entry is written before its request leaves and pruned once the object is in
// state, so this is when the entries exist.
type journalWatcher struct {
	dir  string
	next http.Handler
	mu   sync.Mutex
	seen map[string]string // file name -> content, as first read
	// during lists the create paths an entry was on disk for.
	during map[string]bool
}

func (j *journalWatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && !authPaths[r.URL.Path] {
		entries, _ := os.ReadDir(j.dir)
		j.mu.Lock()
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				continue // being written; renamed to its entry's name, with the same content, once complete
			}
			if b, err := os.ReadFile(filepath.Join(j.dir, e.Name())); err == nil && !e.IsDir() {
				if _, ok := j.seen[e.Name()]; !ok {
					j.seen[e.Name()] = string(b)
				}
				j.during[r.URL.Path] = true
			}
		}
		j.mu.Unlock()
	}
	j.next.ServeHTTP(w, r)
}

// TestAccJournalHoldsNoSecret: the crash journal (ROCKIT_JOURNAL_DIR) records every create
// before it leaves, and holds no secret: creates of a user, a machine user, a subscription and
// a deployment whose request carries a storage secret and a download key (and whose answers
// carry an initial password, an API key and a subscription secret) leave entries of exactly
// endpoint, org, kind, name, fingerprint and sent, none of them containing any secret that
// crossed the wire. Not parallel: it sets the process environment.
func TestAccJournalHoldsNoSecret(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(envJournalDir, dir)
	watcher := &journalWatcher{dir: dir, seen: map[string]string{}, during: map[string]bool{}}
	collector := &secretCollector{secrets: map[string]string{}, kinds: map[string]bool{}}
	ts := newTestServerBehind(t, func(mock http.Handler) http.Handler {
		collector.next = mock
		watcher.next = collector
		return watcher
	})
	storageSecret, downloadKey := "wJalrXUtnFEMI-journal-secret-1c9e", "akamai-journal-key-8d02b7"
	t.Setenv("TF_VAR_storage_secret", storageSecret)
	t.Setenv("TF_VAR_download_key", downloadKey)
	cfg := ts.orgProvider(t, "Journal") + secretVariables + `
resource "rockit_user" "alice" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Liddell"
}

resource "rockit_machine_user" "deployer" {
  username = "deployer"
  label    = "CI pipeline"
}
` + deploymentAndHookWithSecrets
	resource.Test(t, resource.TestCase{
		// A provider of its own: the shared one opened its journal (once) in the directory of
		// TestMain, before this test set ROCKIT_JOURNAL_DIR.
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"rockit": providerserver.NewProtocol6WithError(New("test")()),
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrSet("rockit_user.alice", "initial_password"),
				resource.TestCheckResourceAttrSet("rockit_machine_user.deployer", "api_key"),
				resource.TestCheckResourceAttrSet("rockit_subscription.hook", "secret"),
			),
		}},
	})

	watcher.mu.Lock()
	defer watcher.mu.Unlock()
	// The test can fail only if it saw the entries: one per create, each on disk while its
	// request was on the wire.
	for _, p := range []string{"/be/v1/users", "/be/v1/subscriptions", "/be/v1/deployments"} {
		if !watcher.during[p] {
			t.Errorf("no journal entry was on disk while POST %s reached the mock", p)
		}
	}
	if len(watcher.seen) < 4 {
		t.Errorf("%d journal entries seen, want one per create (4)", len(watcher.seen))
	}
	secrets := collector.snapshot()
	secrets[storageSecret], secrets[downloadKey] = "storage secret", "download auth key"
	for _, kind := range []string{"storage secret", "download auth key", "initial password", "API key", "subscription secret"} {
		found := false
		for _, k := range secrets {
			found = found || k == kind
		}
		if !found {
			t.Errorf("the collector saw no %s: the test would not notice one in the journal", kind)
		}
	}
	names := make([]string, 0, len(watcher.seen))
	for n := range watcher.seen {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		content := watcher.seen[n]
		if leaked := leakedSecrets(content, secrets); len(leaked) > 0 {
			t.Errorf("journal entry %s holds secrets: %s", n, strings.Join(leaked, ", "))
		}
		var fields map[string]any
		if err := json.Unmarshal([]byte(content), &fields); err != nil {
			t.Errorf("journal entry %s is not JSON: %v", n, err)
			continue
		}
		for k := range fields {
			switch k {
			case "endpoint", "org", "kind", "name", "fingerprint", "sent",
				// bound to the state that sent it, and judged by one rule (issue 27)
				"workspace", "run", "instance", "body", "until", "clock":
			default:
				t.Errorf("journal entry %s has the field %q, beyond the evidence's", n, k)
			}
		}
		// The copy of the request is kept without its secret fields (not only without the
		// values the collector saw).
		for _, k := range secretKeysIn(fields["body"]) {
			t.Errorf("journal entry %s keeps the request's secret field %q", n, k)
		}
	}
}

// secretKeysIn lists the keys of v (decoded JSON, at any depth) that name a secret of a
// request: password, apiKey, secret, secretAccessKey, key, publicKey.
func secretKeysIn(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "password", "apiKey", "secret", "secretAccessKey", "key", "publicKey":
				out = append(out, k)
			}
			out = append(out, secretKeysIn(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, secretKeysIn(e)...)
		}
	}
	return out
}
