package provider

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// The request budget of issue 6, as assertions: a regression that adds a call per object fails
// here. make bench measures the same at N = 500 (BENCHMARKS.md).
//
//   - create: 1 POST per object and no read (the create answer carries the object);
//   - refresh: with collection_reads (the default, collection_reads_test.go) ceil(N/100) list
//     pages per type and at most one GET of a single object;
//   - update: 1 PATCH per changed object, at most 1 GET per changed object besides the refresh;
//   - destroy: 1 DELETE per object;
//   - authentication: O(1) per terraform run: at most one login and one auth token per
//     provider configuration, i.e. per walk (plan, apply), never per object.

// requestCountN is the number of objects of each type.
const requestCountN = 20

// requestCountKinds are the collections of the types under test, with the HCL of object i
// (changed selects the update step's version).
var requestCountKinds = []struct {
	typ, collection string
	body            func(i int, changed bool) string
}{
	{"rockit_role", "roles", func(i int, changed bool) string {
		ops := `["read"]`
		if changed {
			ops = `["read", "update"]`
		}
		return fmt.Sprintf("  name        = \"rc_role_%02d\"\n  permissions = { apps = %s }\n", i, ops)
	}},
	{"rockit_user", "users", func(i int, changed bool) string {
		first := "Ada"
		if changed {
			first = "Grace"
		}
		return fmt.Sprintf("  username  = \"rc_user_%02d\"\n  email     = \"rc_user_%02d@example.com\"\n  firstname = %q\n  surname   = \"Count\"\n  roles     = [rockit_role.r%02d.name]\n", i, i, first, i)
	}},
	{"rockit_machine_user", "users", func(i int, changed bool) string {
		label := "CI"
		if changed {
			label = "CI (renamed)"
		}
		return fmt.Sprintf("  username = \"rc_machine_%02d\"\n  label    = %q\n  roles    = [rockit_role.r%02d.name]\n", i, label, i)
	}},
	{"rockit_app", "apps", func(i int, changed bool) string {
		label := "Game"
		if changed {
			label = "Game (renamed)"
		}
		return fmt.Sprintf("  name  = \"rc_app_%02d\"\n  label = %q\n", i, label)
	}},
}

// requestCountConfig is the provider block and, unless empty, requestCountN objects of each
// kind; with changed, every other object differs from the first version.
func requestCountConfig(provider string, empty, changed bool) string {
	var b strings.Builder
	b.WriteString(provider)
	if empty {
		return b.String()
	}
	for _, k := range requestCountKinds {
		for i := 0; i < requestCountN; i++ {
			fmt.Fprintf(&b, "\nresource %q \"%s%02d\" {\n%s}\n", k.typ, labelPrefix(k.typ), i, k.body(i, changed && i%2 == 0))
		}
	}
	return b.String()
}

func labelPrefix(typ string) string {
	switch typ {
	case "rockit_role":
		return "r"
	case "rockit_user":
		return "u"
	case "rockit_app":
		return "a"
	default:
		return "m"
	}
}

// requestTally counts the logged requests by method and collection, e.g. "GET users".
type requestTally map[string]int

func tally(reqs []mockserver.RequestRecord) requestTally {
	t := requestTally{}
	for _, r := range reqs {
		p := strings.TrimPrefix(r.Path, "/be/v1/")
		coll, _, _ := strings.Cut(p, "/")
		t[r.Method+" "+coll]++
	}
	return t
}

func (t requestTally) String() string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", k, t[k]))
	}
	return strings.Join(parts, ", ")
}

// objectsIn counts the objects under test in a collection.
func objectsIn(collection string) int {
	n := 0
	for _, k := range requestCountKinds {
		if k.collection == collection {
			n += requestCountN
		}
	}
	return n
}

// checkRequestBudget checks the log since the last reset: for each collection, the POST,
// PATCH and DELETE counts must equal want(collection, method) exactly, and the GET count
// must lie within [minGet, maxGet] per object; logins and auth tokens must be O(1).
func checkRequestBudget(ts *testServer, phase string, writes func(collection, method string) int, minGet, maxGet func(collection string) int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := ts.Requests()
		t := tally(reqs)
		var errs []string
		for _, coll := range []string{"roles", "users", "apps"} {
			for _, method := range []string{"POST", "PATCH", "DELETE"} {
				if got, want := t[method+" "+coll], writes(coll, method); got != want {
					errs = append(errs, fmt.Sprintf("%s %s: %d requests, want %d", method, coll, got, want))
				}
			}
			got, lo, hi := t["GET "+coll], minGet(coll), maxGet(coll)
			if got < lo || got > hi {
				errs = append(errs, fmt.Sprintf("GET %s: %d requests, want %d to %d", coll, got, lo, hi))
			}
		}
		// One step runs a plan and an apply, each a walk with its own provider configuration:
		// at most one login and one auth token each, whatever the number of objects.
		if got := t["POST login"]; got > 2 {
			errs = append(errs, fmt.Sprintf("%d logins, want at most one per walk (2)", got))
		}
		if got := t["POST auth"]; got > 2 {
			errs = append(errs, fmt.Sprintf("%d auth tokens, want at most one per walk (2)", got))
		}
		for _, r := range reqs {
			if r.Status >= 400 {
				errs = append(errs, fmt.Sprintf("%s %s answered %d", r.Method, r.Path, r.Status))
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%s: request budget exceeded (%d objects of each type):\n  %s\nall requests: %s",
				phase, requestCountN, strings.Join(errs, "\n  "), t)
		}
		return nil
	}
}

func TestAccRequestCount_budgetPerObject(t *testing.T) {
	ts := newTestServer(t)
	p := ts.orgProvider(t, "Count_Org")
	none := func(string, string) int { return 0 }
	zero := func(string) int { return 0 }
	changed := func(coll string) int { return objectsIn(coll) / 2 }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// create: one POST per object; the answers carry the objects, so no GET of an
				// object. The plan-time check that the names are free (plan_checks_taken.go)
				// reads each type's list once per walk (the plan's and the apply's re-plan).
				Config: requestCountConfig(p, false, false),
				Check: checkRequestBudget(ts, "create",
					func(coll, method string) int {
						if method == "POST" {
							return objectsIn(coll)
						}
						return 0
					}, zero, func(coll string) int { return 2 * ((objectsIn(coll) + 99) / 100) }),
			},
			{
				// refresh: the plan reads each type's list once; nothing to apply.
				PreConfig: ts.ResetRequests,
				Config:    requestCountConfig(p, false, false),
				Check:     checkRequestBudget(ts, "refresh", none, refreshGetsMin, refreshGetsMax),
			},
			{
				// update of every other object: one PATCH each; at most one more GET each.
				PreConfig: ts.ResetRequests,
				Config:    requestCountConfig(p, false, true),
				Check: checkRequestBudget(ts, "update",
					func(coll, method string) int {
						if method == "PATCH" {
							return changed(coll)
						}
						return 0
					}, refreshGetsMin, func(coll string) int { return refreshGetsMax(coll) + changed(coll) }),
			},
			{
				// destroy (the objects leave the configuration): one DELETE each after the
				// plan's refresh.
				PreConfig: ts.ResetRequests,
				Config:    requestCountConfig(p, true, false),
				Check: checkRequestBudget(ts, "destroy",
					func(coll, method string) int {
						if method == "DELETE" {
							return objectsIn(coll)
						}
						return 0
					}, refreshGetsMin, refreshGetsMax),
			},
		},
	})
}
