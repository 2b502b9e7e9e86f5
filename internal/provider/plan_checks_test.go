package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// The plan checks of issue 23 (plan_checks.go). ModifyPlan is driven directly where the test
// needs warnings (the acceptance framework cannot see them) or a given order of the walk.

// planCheckClient is a client of a new organization of the test's mock with the plan checks
// on, whose checks wait for quiet before they report.
func planCheckClient(t *testing.T, ts *testServer, org string, quiet time.Duration) *client.Client {
	t.Helper()
	c := ts.orgClient(t, org, "admin", ts.SeedOrg(org, "admin"), "")
	enablePlanChecks(c, true)
	bookFor(c).quiet = quiet
	return c
}

// withClient configures a resource with c, as the provider's Configure would.
func withClient(t *testing.T, r resource.Resource, c *client.Client) resource.ResourceWithModifyPlan {
	t.Helper()
	var resp resource.ConfigureResponse
	r.(resource.ResourceWithConfigure).Configure(context.Background(), resource.ConfigureRequest{ProviderData: &providerData{client: c, mem: configuredMemory(c)}}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return r.(resource.ResourceWithModifyPlan)
}

func setOf(names ...string) types.Set {
	elems := make([]attr.Value, 0, len(names))
	for _, n := range names {
		elems = append(elems, types.StringValue(n))
	}
	return types.SetValueMust(types.StringType, elems)
}

func testUser(username string, roles ...string) userResourceModel {
	return userResourceModel{
		ID: types.StringValue(username), Username: types.StringValue(username), Email: types.StringValue(username + "@example.com"),
		Firstname: types.StringValue("Ada"), Surname: types.StringValue("Check"), Title: types.StringNull(), Roles: setOf(roles...),
		InitialPassword: types.StringUnknown(), CredentialsVersion: types.Int64Null(), PublicKeyPEM: types.StringNull(),
		InitialPasswordEnc: types.StringNull(),
	}
}

func testRole(name string) roleModel {
	return roleModel{ID: types.StringValue(name), Name: types.StringValue(name),
		Permissions: types.MapValueMust(types.SetType{ElemType: types.StringType}, map[string]attr.Value{"apps": setOf("read")})}
}

func testDeployment(name string) deploymentResourceModel {
	return deploymentResourceModel{ID: types.StringValue(name), Name: types.StringValue(name), Status: types.StringValue("ready"),
		Message: types.StringValue("ok")}
}

func testNamedApp(t *testing.T, name string, deployments ...string) appResourceModel {
	a := testApp(t, deployments...)
	a.Name, a.ID = types.StringValue(name), types.StringValue(name)
	return a
}

// providerWith adds a setting to a provider block of orgProvider.
func providerWith(provider, setting string) string {
	return strings.Replace(provider, "max_retries = 0", "max_retries = 0\n  "+setting, 1)
}

// errorsText joins the errors' summaries and details.
func errorsText(diags diag.Diagnostics) string {
	var parts []string
	for _, d := range diags.Errors() {
		parts = append(parts, d.Summary()+": "+d.Detail())
	}
	return strings.Join(parts, "\n")
}

// A role name that exists nowhere fails the plan with the nearest names: the same name but for
// case first, else the nearest by edit distance; existing and built-in names pass.
func TestPlanChecks_missingRoleSuggestsNearest(t *testing.T) {
	ts := newTestServer(t)
	c := planCheckClient(t, ts, "Plan_Org", 10*time.Millisecond)
	ts.SeedRole("Plan_Org", "Developers", map[string]int{"apps": 2})
	ts.SeedRole("Plan_Org", "Release_Managers", map[string]int{"apps": 2})
	r := withClient(t, NewUserResource(), c)

	for role, want := range map[string]string{
		"Administrator":   `Did you mean "Administrators"?`,
		"developers":      `Did you mean "Developers"?`,
		"Release_Manager": `Did you mean "Release_Managers"?`,
		"Marketing":       "",
	} {
		got := errorsText(modifyPlan(t, r, nil, testUser("ada", role)))
		for _, part := range []string{
			fmt.Sprintf(`No role %q: The role %q does not exist in the organization, and no rockit_role of this plan creates it.`, role, role),
			"If this configuration creates it under this literal name, reference it as `rockit_role.<name>.name`, so that Terraform creates it first.",
			want,
		} {
			if !strings.Contains(got, part) {
				t.Errorf("roles = [%q]: the error does not say %q; errors:\n%s", role, part, got)
			}
		}
		if want == "" && strings.Contains(got, "Did you mean") {
			t.Errorf("roles = [%q]: suggests a name that is not near: %s", role, got)
		}
	}
	for _, roles := range [][]string{{"Developers"}, {"Administrators", "Release_Managers"}} {
		if d := modifyPlan(t, r, nil, testUser("ada", roles...)); d.HasError() {
			t.Errorf("roles = %v: %v", roles, d)
		}
	}
	// Roles the user already holds (in state) are not checked again: a role deleted on the
	// server is the API's to report.
	if d := modifyPlan(t, r, testUser("ada", "Gone"), testUser("ada", "Gone", "Developers")); d.HasError() {
		t.Errorf("a role kept from state was checked: %v", d)
	}
}

// A deployment name that exists only in other case fails the plan, naming the right one.
func TestPlanChecks_missingDeploymentSuggestsNearest(t *testing.T) {
	ts := newTestServer(t)
	c := planCheckClient(t, ts, "Plan_Org", 10*time.Millisecond)
	ts.SeedDeployment("Plan_Org", "Origin_EU")
	r := withClient(t, NewAppResource(), c)
	got := errorsText(modifyPlan(t, r, nil, testNamedApp(t, "Game_P", "Origin_Eu")))
	for _, part := range []string{`No deployment "Origin_Eu"`, `Did you mean "Origin_EU"?`, "`rockit_deployment.<name>.name`"} {
		if !strings.Contains(got, part) {
			t.Errorf("the error does not say %q; errors:\n%s", part, got)
		}
	}
	if d := modifyPlan(t, r, nil, testNamedApp(t, "Game_P", "Origin_EU")); d.HasError() {
		t.Errorf("an existing deployment: %v", d)
	}
}

// A role that a rockit_role of the same walk creates: planned before the user (a reference, or
// a literal Terraform happened to plan first) it passes silently; planned after the user
// started its check (only a literal name allows that order) it is a warning to reference it.
func TestPlanChecks_roleCreatedByThePlan(t *testing.T) {
	ts := newTestServer(t)
	c := planCheckClient(t, ts, "Plan_Org", 1500*time.Millisecond)
	users, roles := withClient(t, NewUserResource(), c), withClient(t, NewRoleResource(), c)

	if d := modifyPlan(t, roles, nil, testRole("Ops")); len(d) > 0 {
		t.Fatalf("role: %v", d)
	}
	if d := modifyPlan(t, users, nil, testUser("ada", "Ops")); len(d) > 0 {
		t.Errorf("a role planned first: %v", d)
	}

	var d diag.Diagnostics
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d = modifyPlan(t, users, nil, testUser("bob", "Dev"))
	}()
	// The user's check has read the roles when its walk holds the list (the wire does not
	// tell: the role's plan-time name check read the same list through the collection snapshot
	// already).
	readRoles := func() bool {
		b := bookFor(c)
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.lists["roles"] != nil
	}
	for deadline := time.Now().Add(10 * time.Second); !readRoles(); {
		if time.Now().After(deadline) {
			t.Fatal("the user's check did not read the roles")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Its read is served from the snapshot in memory; give it a moment to finish (the check then
	// waits 1.5 s for more plans).
	time.Sleep(200 * time.Millisecond)
	if d := modifyPlan(t, roles, nil, testRole("Dev")); len(d) > 0 {
		t.Fatalf("role: %v", d)
	}
	wg.Wait()
	if d.HasError() {
		t.Errorf("a literal name of a role the plan creates fails the plan: %v", d)
	}
	got := warningsText(d)
	for _, part := range []string{`The role "Dev" is named with a literal string`, "a rockit_role of this configuration creates it",
		"Reference it as `rockit_role.<name>.name`, so that Terraform creates it first."} {
		if !strings.Contains(got, part) {
			t.Errorf("the warning does not say %q; warnings:\n%s", part, got)
		}
	}
}

// Destroying a role that users hold warns, naming the holders this plan does not change: a
// holder planned without it (in either order of the walk) does not count, one planned still
// holding it does.
func TestPlanChecks_deletedRoleHolders(t *testing.T) {
	ts := newTestServer(t)
	c := planCheckClient(t, ts, "Plan_Org", 800*time.Millisecond)
	ts.SeedRole("Plan_Org", "Ops", map[string]int{"apps": 2})
	for _, u := range []string{"outsider", "leaver", "late_leaver", "stayer"} {
		ts.SeedUser("Plan_Org", u, false, "Ops")
	}
	users, roles := withClient(t, NewUserResource(), c), withClient(t, NewRoleResource(), c)
	if d := modifyPlan(t, users, testUser("leaver", "Ops"), testUser("leaver")); d.HasError() {
		t.Fatal(d)
	}
	if d := modifyPlan(t, users, testUser("stayer", "Ops"), testUser("stayer", "Ops")); d.HasError() {
		t.Fatal(d)
	}
	var d diag.Diagnostics
	done := make(chan struct{})
	go func() {
		defer close(done)
		d = modifyPlan(t, roles, testRole("Ops"), nil)
	}()
	time.Sleep(200 * time.Millisecond)
	if d := modifyPlan(t, users, testUser("late_leaver", "Ops"), nil); d.HasError() {
		t.Fatal(d)
	}
	<-done
	got := warningsText(d)
	if !strings.Contains(got, `The role "Ops" is still in use: This plan destroys the role "Ops", but users that this plan does not change still hold it: "outsider", "stayer".`) ||
		!strings.Contains(got, "The server refuses to delete a role that is in use (409)") {
		t.Errorf("the warning does not name exactly the holders outside the plan; warnings:\n%s", got)
	}
	// A rename replaces the role: the old name is deleted, so the same holds.
	if w := warningsText(modifyPlan(t, roles, testRole("Ops"), testRole("Operators"))); !strings.Contains(w, `renames it to "Operators"`) {
		t.Errorf("a rename does not warn; warnings:\n%s", w)
	}
	if w := modifyPlan(t, roles, testRole("Ops"), testRole("Ops")); len(w) > 0 {
		t.Errorf("an unchanged role: %v", w)
	}
}

// Destroying a deployment that apps register warns, naming the apps this plan does not change.
func TestPlanChecks_deletedDeploymentApps(t *testing.T) {
	ts := newTestServer(t)
	c := planCheckClient(t, ts, "Plan_Org", 10*time.Millisecond)
	ts.SeedDeployment("Plan_Org", "Origin_EU")
	ts.SeedApp("Plan_Org", "Outside_Game", "O", 0, 0, "Origin_EU")
	ts.SeedApp("Plan_Org", "Our_Game", "U", 0, 0, "Origin_EU")
	apps, deps := withClient(t, NewAppResource(), c), withClient(t, NewDeploymentResource(), c)
	if d := modifyPlan(t, apps, testNamedApp(t, "Our_Game", "Origin_EU"), nil); d.HasError() {
		t.Fatal(d)
	}
	got := warningsText(modifyPlan(t, deps, testDeployment("Origin_EU"), nil))
	if !strings.Contains(got, `but apps that this plan does not change still register it: "Outside_Game".`) {
		t.Errorf("the warning does not name the app outside the plan; warnings:\n%s", got)
	}
}

// A new app without deployments is published to every deployment: the plan warns.
func TestAppModifyPlan_newAppToAllDeploymentsWarns(t *testing.T) {
	r := NewAppResource().(resource.ResourceWithModifyPlan)
	got := warningsText(modifyPlan(t, r, nil, testApp(t)))
	for _, want := range []string{"The app will be published to all deployments",
		`The new app "Game_W" registers no deployments, which the API reads as ALL deployments of the organization`} {
		if !strings.Contains(got, want) {
			t.Errorf("the warning does not say %q; warnings:\n%s", want, got)
		}
	}
	if w := modifyPlan(t, r, nil, testApp(t, "Origin_A")).Warnings(); len(w) > 0 {
		t.Errorf("a new app with deployments warns: %v", w)
	}
}

// The typos of issue 23 fail `terraform plan` before any write, naming the nearest names.
func TestAccPlanChecks_typosFailThePlan(t *testing.T) {
	ts := newTestServer(t)
	p := ts.orgProvider(t, "Typo_Org")
	ts.SeedDeployment("Typo_Org", "Origin_EU")
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: p + `
resource "rockit_user" "ada" {
  username  = "ada"
  email     = "ada@example.com"
  firstname = "Ada"
  surname   = "Lovelace"
  roles     = ["Administrator"]
}`,
				ExpectError: regexp.MustCompile(`(?s)No role "Administrator".*Did you mean\s+"Administrators"\?`),
			},
			{
				Config: p + `
resource "rockit_app" "game" {
  name        = "Game_T"
  label       = "Game"
  deployments = ["Origin_Eu"]
}`,
				ExpectError: regexp.MustCompile(`(?s)No deployment "Origin_Eu".*Did you mean\s+"Origin_EU"\?`),
			},
		},
	})
	afterTest(t, ts.checkNoWrites()) // every step fails, so no state: a CheckDestroy would not run
}

// Issue 23 item 5: a plan of 40 new users naming one existing role reads the roles once per
// walk (plan, apply), whatever collection_reads says, and the users once (is a name taken?);
// the apply adds the 40 POSTs only.
func TestAccRequestCount_planChecks(t *testing.T) {
	for _, reads := range []string{"true", "false"} {
		t.Run("collection_reads="+reads, func(t *testing.T) {
			ts := newTestServer(t)
			org := "Checks_Org"
			p := providerWith(ts.orgProvider(t, org), "collection_reads = "+reads)
			ts.SeedRole(org, "Ops", map[string]int{"apps": 2})
			var cfg strings.Builder
			cfg.WriteString(p)
			for i := range 40 {
				fmt.Fprintf(&cfg, "resource \"rockit_user\" \"u%02d\" {\n  username  = \"pc_user_%02d\"\n  email     = \"u%02d@example.com\"\n"+
					"  firstname = \"Ada\"\n  surname   = \"Count\"\n  roles     = [\"Ops\"]\n}\n", i, i, i)
			}
			tfresource.Test(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []tfresource.TestStep{{
					PreConfig: ts.ResetRequests,
					Config:    cfg.String(),
					Check: func(*terraform.State) error {
						t := tally(ts.Requests())
						// Besides the roles: the users' list once per walk (the check that no new
						// username is taken), and the logins.
						if t["GET roles"] < 1 || t["GET roles"] > 2 || t["GET users"] > 2 || t["POST users"] != 40 || len(ts.Requests()) > 40+2+2+4 {
							return fmt.Errorf("want 1 to 2 reads of the roles and of the users (one per walk) and 40 POSTs of users, a handful of requests besides; got %s", t)
						}
						return nil
					},
				}},
			})
		})
	}
}
