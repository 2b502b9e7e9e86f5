package provider

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Issue 27 item 6: a role planned under one provider configuration and referenced under another
// of the same organization plans and applies (the shared plan book); a typo still fails. The
// second configuration is a second provider name only because of the in-process harness
// (twoProviderFactories): each is its own provider server and Client, as two aliases are two
// plugin processes under the CLI (internal/e2e has that case).
func TestAccPlanChecks_roleOfAnotherProviderConfiguration(t *testing.T) {
	ts := newTestServer(t)
	p := ts.orgProvider(t, "Two_Conf")
	second := strings.Replace(p, `provider "rockit"`, `provider "rockitb"`, 1)
	cfg := func(roles string) string {
		return p + second + `
resource "rockit_role" "deployers" {
  name = "Deployers"
}

resource "rockit_machine_user" "ci" {
  provider = rockitb
  username = "ci_two"
  label    = "CI"
  roles    = ` + roles + `
}
`
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: twoProviderFactories("rockitb"),
		Steps: []tfresource.TestStep{
			{
				Config:      cfg(`["Deployrs"]`),
				ExpectError: regexp.MustCompile(`No role "Deployrs"`),
			},
			{
				Config: cfg(`[rockit_role.deployers.name]`),
				Check:  tfresource.TestCheckResourceAttr("rockit_machine_user.ci", "roles.0", "Deployers"),
			},
		},
	})
}

// Where a check cannot know (another provider configuration of the organization is still
// planning after the wait), a missing name warns instead of failing; a name that configuration
// plans passes; once it is quiet, a typo fails again. Not parallel: it shortens planWaitMax.
func TestPlanChecks_siblingStillPlanningWarns(t *testing.T) {
	ts := newTestServer(t)
	pw := ts.SeedOrg("Busy_Org", "admin")
	c := ts.orgClient(t, "Busy_Org", "admin", pw, "")
	enablePlanChecks(c, true)
	bookFor(c).quiet = 20 * time.Millisecond
	sib := ts.orgClient(t, "Busy_Org", "admin", pw, "")
	enablePlanChecks(sib, true)
	if bookFor(c).shared == nil || bookFor(sib).shared == nil {
		t.Fatal("no shared plan book")
	}
	old := planWaitMax
	planWaitMax = 500 * time.Millisecond
	t.Cleanup(func() { planWaitMax = old })
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // the other configuration keeps planning
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				bookFor(sib).shared.note("", "")
			}
		}
	}()
	r := withClient(t, NewUserResource(), c)
	d := modifyPlan(t, r, nil, testUser("ada", "Later"))
	close(stop)
	<-done
	if d.HasError() || !strings.Contains(warningsText(d), `The role "Later" was not found`) ||
		!strings.Contains(warningsText(d), "another provider configuration of this organization is still planning") {
		t.Errorf("a role missing while another configuration plans: errors %q, warnings %q; want the warning only", errorsText(d), warningsText(d))
	}
	bookFor(sib).shared.note("role", "Later")
	if d := modifyPlan(t, r, nil, testUser("bob", "Later")); d.HasError() || d.WarningsCount() > 0 {
		t.Errorf("a role the other configuration plans: %v, want no diagnostics", d)
	}
	if got := errorsText(modifyPlan(t, r, nil, testUser("cid", "Latr"))); !strings.Contains(got, `No role "Latr"`) {
		t.Errorf("a typo once the other configuration is quiet: errors %q, want No role \"Latr\"", got)
	}
}

// A planned name costs the same whatever was planned before it (issue 29: flat cost per
// object): the shared book appends one line instead of rewriting every name (which made a plan
// of N new roles write O(N^2) bytes). Measured as the bytes allocated to note 50 names after 10
// and after 1000; and a sibling reads every name back.
func TestSharedBookCostsTheSamePerPlannedName(t *testing.T) {
	ts := newTestServer(t)
	pw := ts.SeedOrg("Many_Org", "admin")
	c := ts.orgClient(t, "Many_Org", "admin", pw, "")
	enablePlanChecks(c, true)
	b := bookFor(c).shared
	if b == nil {
		t.Fatal("no shared plan book")
	}
	n := 0
	noteAll := func(count int) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range count {
			b.note("role", fmt.Sprintf("Role_%05d", n))
			n++
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	noteAll(10)
	early := noteAll(50)
	noteAll(940)
	late := noteAll(50)
	t.Logf("bytes allocated for 50 names: %d after 10 names, %d after 1000", early, late)
	if late > 2*early+4096 {
		t.Errorf("noting 50 names after 1000 allocated %d bytes, after 10 only %d: the cost grows with the plan", late, early)
	}
	sib := ts.orgClient(t, "Many_Org", "admin", pw, "")
	enablePlanChecks(sib, true)
	if sibs := bookFor(sib).shared.siblings(); len(sibs) != 1 || len(sibs[0].Creates["role"]) != n ||
		!plannedBySiblings(sibs, "role", "Role_00000") || !plannedBySiblings(sibs, "role", fmt.Sprintf("Role_%05d", n-1)) {
		t.Errorf("a sibling does not read all %d planned roles", n)
	}
}

// Issue 29 (flat cost per object): the check of a user naming a role this walk plans reads no
// sibling file, and a sibling's file that has not changed is parsed once. Before, every check
// read and parsed every sibling's whole book: at 2000 objects the apply walk parsed the plan
// walk's 2000 names for each of its users (O(N^2); 5% of the provider's CPU in the profile).
func TestPlanCheckCostsTheSameWhateverTheSiblingsPlanned(t *testing.T) {
	ts := newTestServer(t)
	pw := ts.SeedOrg("Sib_Org", "admin")
	sib := ts.orgClient(t, "Sib_Org", "admin", pw, "")
	enablePlanChecks(sib, true)
	c := ts.orgClient(t, "Sib_Org", "admin", pw, "")
	enablePlanChecks(c, true)
	b := bookFor(c)
	b.creates["role"] = map[string]bool{"Local_Role": true}
	sb := bookFor(sib).shared
	planned := 0
	plan := func(count int) {
		for range count {
			sb.note("role", fmt.Sprintf("Sib_Role_%05d", planned))
			planned++
		}
	}
	allocs := func(names ...string) (uint64, []string) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var got []string
		for range 20 {
			got = b.missing(roleRefs, names)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc, got
	}
	plan(10)
	small, got := allocs("Local_Role")
	if len(got) != 0 {
		t.Fatalf("a role this walk plans is missing: %v", got)
	}
	plan(1990)
	big, got := allocs("Local_Role")
	if len(got) != 0 {
		t.Fatalf("a role this walk plans is missing: %v", got)
	}
	t.Logf("20 checks of a local name: %d bytes with a sibling of 10 names, %d with 2000", small, big)
	if big > 2*small+4096 {
		t.Errorf("20 checks of a name this walk plans allocated %d bytes beside a sibling of 2000 names, %d beside 10: the check reads the sibling", big, small)
	}

	// A name only the sibling plans is found; the unchanged file is parsed once.
	if got := b.missing(roleRefs, []string{"Sib_Role_01999", "Nobody_Plans_This"}); len(got) != 1 || got[0] != "Nobody_Plans_This" {
		t.Fatalf("missing = %v, want only Nobody_Plans_This", got)
	}
	again, got := allocs("Sib_Role_00000")
	if len(got) != 0 {
		t.Fatalf("a role the sibling plans is missing: %v", got)
	}
	t.Logf("20 checks of a sibling's name, its file unchanged: %d bytes", again)
	if again > 20*64*1024 {
		t.Errorf("20 checks of a sibling's name allocated %d bytes with its file unchanged: the file is parsed again", again)
	}
	// A name the sibling plans later is seen (its file grew).
	time.Sleep(10 * time.Millisecond)
	plan(1)
	if got := b.missing(roleRefs, []string{fmt.Sprintf("Sib_Role_%05d", planned-1)}); len(got) != 0 {
		t.Errorf("a role the sibling planned after the first read is missing: %v", got)
	}
}
