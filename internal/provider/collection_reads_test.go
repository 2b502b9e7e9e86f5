package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Collection reads (issue 13): a refresh of N objects of one type reads the type's list once,
// ceil(N/100) pages, plus at most one GET of a single object (the first refresh of the type
// reads its object alone, which is also the sample of the shape check).

// refreshPages is the number of list pages a refresh of a collection reads in
// request_count_test.go: its objects plus what the organization holds besides (the
// Administrators role, the admin user), 100 a page.
func refreshPages(coll string) int {
	n := objectsIn(coll) + 1
	return (n + 99) / 100
}

// refreshGetsMin and refreshGetsMax bound the GETs of a collection in a refresh with
// collection reads: its list pages and at most one single GET.
func refreshGetsMin(coll string) int { return refreshPages(coll) }
func refreshGetsMax(coll string) int { return refreshPages(coll) + 1 }

// crRolesConfig is the provider block and n roles cr_role_000 ... plus the roles data source.
func crRolesConfig(provider string, n int, extra string) string {
	return provider + fmt.Sprintf(`
resource "rockit_role" "r" {
  count       = %d
  name        = format("cr_role_%%03d", count.index)
  permissions = { apps = ["read"] }
}
`, n) + extra
}

// checkRoleReads checks the GETs of roles since the last reset: exactly pages list pages and
// between minGets and maxGets single reads; singles (if not nil) receives their paths.
func checkRoleReads(t *testing.T, ts *testServer, pages, minGets, maxGets int, singles *[]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		gotPages, gets := 0, []string{}
		for _, r := range ts.requestsMatching("GET", "/be/v1/roles") {
			if r.Path == "/be/v1/roles" {
				gotPages++
			} else {
				gets = append(gets, r.Path)
			}
		}
		if singles != nil {
			*singles = gets
		}
		t.Logf("roles read: %d list pages, %d single GETs %v", gotPages, len(gets), gets)
		if gotPages != pages || len(gets) < minGets || len(gets) > maxGets {
			return fmt.Errorf("refresh read %d list pages and %d single roles (%s); want %d pages and %d to %d single GETs",
				gotPages, len(gets), strings.Join(gets, ", "), pages, minGets, maxGets)
		}
		return nil
	}
}

// 250 roles: the refresh reads 3 list pages (251 roles with Administrators) and at most one
// role alone, the roles data source shares that walk, and a role deleted out of band costs
// exactly one GET (its own) before Terraform plans to create it again.
func TestAccCollectionReads_refreshReadsTheListOnce(t *testing.T) {
	ts := newTestServer(t)
	p := ts.orgProvider(t, "CR_Org")
	cfg := crRolesConfig(p, 250, `
data "rockit_roles" "all" {}
`)
	var singles []string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// refresh: 3 pages, at most 1 single GET; the data source is served from the
				// same walk (its count shows it saw every role).
				PreConfig: ts.ResetRequests,
				Config:    cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRoleReads(t, ts, 3, 0, 1, nil),
					resource.TestCheckResourceAttr("data.rockit_roles.all", "roles.#", "251"),
				),
			},
			{
				// a role deleted out of band: its one GET (404), then a create.
				PreConfig: func() {
					ts.ResetRequests()
					if !ts.RemoveRole("CR_Org", "cr_role_142") {
						t.Fatal("cr_role_142 was not in the mock")
					}
				},
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					// 3 pages for the refresh (whose walk the plan's name check of the new
					// cr_role_142 shares) and 3 for that check once more in the apply's own
					// provider process (Terraform plans the create again before applying it).
					checkRoleReads(t, ts, 6, 1, 2, &singles),
					func(*terraform.State) error {
						n := 0
						for _, s := range singles {
							if s == "/be/v1/roles/cr_role_142" {
								n++
							}
						}
						if n != 1 {
							return fmt.Errorf("the deleted role was read alone %d times, want exactly 1 (%v)", n, singles)
						}
						if got := len(ts.requestsMatching("POST", "/be/v1/roles")); got != 1 {
							return fmt.Errorf("%d role creates, want 1 (the deleted role)", got)
						}
						return nil
					},
					resource.TestCheckResourceAttr("rockit_role.r.142", "name", "cr_role_142"),
				),
			},
		},
	})
}

// collection_reads = false: one GET per object, no list request, as before issue 13.
func TestAccCollectionReads_offReadsEachObject(t *testing.T) {
	ts := newTestServer(t)
	p := strings.Replace(ts.orgProvider(t, "CR_Off"), "max_retries = 0", "max_retries = 0\n  collection_reads = false", 1)
	cfg := crRolesConfig(p, 20, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: ts.ResetRequests,
				Config:    cfg,
				Check:     checkRoleReads(t, ts, 0, 20, 20, nil),
			},
		},
	})
}

// ROCKIT_COLLECTION_READS=false (what make bench uses for its "before" numbers) turns it off
// when the block does not set it. Not parallel: it sets the process environment.
func TestAccCollectionReads_offFromTheEnvironment(t *testing.T) {
	t.Setenv(envCollectionReads, "false")
	ts := newTestServer(t)
	cfg := crRolesConfig(ts.orgProvider(t, "CR_Env"), 20, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: ts.ResetRequests,
				Config:    cfg,
				Check:     checkRoleReads(t, ts, 0, 20, 20, nil),
			},
		},
	})
}

// The attribute wins over the variable; "false" and "0" turn it off; default on.
func TestCollectionReadsSetting(t *testing.T) {
	for _, tc := range []struct {
		attr types.Bool
		env  string
		want bool
	}{
		{types.BoolNull(), "", true},
		{types.BoolNull(), "false", false},
		{types.BoolNull(), "0", false},
		{types.BoolNull(), "true", true},
		{types.BoolValue(true), "false", true},
		{types.BoolValue(false), "", false},
		{types.BoolUnknown(), "false", true},
	} {
		t.Setenv(envCollectionReads, tc.env)
		var diags diag.Diagnostics
		if got := boolSetting(&diags, tc.attr, "collection_reads", envCollectionReads, true); got != tc.want || diags.HasError() {
			t.Errorf("collection_reads = %v, %s = %q: got %v, want %v", tc.attr, envCollectionReads, tc.env, got, tc.want)
		}
	}
}
