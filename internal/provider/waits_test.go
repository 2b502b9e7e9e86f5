package provider

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A host that answers every read "come back tomorrow" (429, Retry-After: 86400) ends the plan at
// once, naming the wait it asked for (issue 30): the wait is beyond what is left of
// retry_max_elapsed (5m), so no retry can help. Before, the 60 s cap on the wait also decided
// whether it fit the budget, and the refresh retried a minute at a time for the whole 5 minutes.
func TestAccWaits_retryAfterBeyondBudgetFailsAtOnce(t *testing.T) {
	var tomorrow atomic.Bool
	var mu sync.Mutex
	refused := map[string]int{}
	ts := newTestServerBehind(t, func(mock http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tomorrow.Load() && r.Method == http.MethodGet {
				mu.Lock()
				refused[r.URL.String()]++
				mu.Unlock()
				w.Header().Set("Retry-After", "86400")
				writeAPIError(w, http.StatusTooManyRequests, "too many requests")
				return
			}
			mock.ServeHTTP(w, r)
		})
	})
	pw := ts.SeedOrg("Acme", "admin")
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Acme"
  username    = "admin"
  password    = %q
  max_retries = 2
}

resource "rockit_role" "dev" {
  name        = "Developers"
  permissions = { apps = ["read"] }
}
`, ts.URL, pw)
	var started time.Time
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:   func() { tomorrow.Store(true); started = time.Now() },
				Config:      cfg,
				PlanOnly:    true,
				ExpectError: expectError("the host asks to wait 24h0m0s (Retry-After: 86400), more than the"),
			},
		},
	})
	// The old behaviour took the whole retry_max_elapsed (5 minutes); a wide margin.
	if took := time.Since(started); took > 30*time.Second {
		t.Errorf("the plan took %v to fail, want it to fail at once", took)
	}
	// No retry after the refusal: each read (the refresh's, and the list pages read beside it)
	// is refused once.
	mu.Lock()
	defer mu.Unlock()
	for u, n := range refused {
		if n > 1 {
			t.Errorf("GET %s was sent %d times, want once (no retry can help)", u, n)
		}
	}
	if len(refused) == 0 {
		t.Error("the plan read nothing")
	}
}
