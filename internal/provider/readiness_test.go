package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// An explicit secret in the provider block wins over the environment: ROCKIT_PASSWORD (as the
// docs recommend) does not disturb a block with api_key (the machine-user example), and
// ROCKIT_API_KEY does not disturb a block with password. `password = null` counts as not set.
func TestAccProvider_explicitSecretWinsOverEnvironment(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	pw := ts.SeedOrg("Acme", "admin")
	key := ts.SeedUser("Acme", "ci", true, "Administrators")

	t.Setenv(envPassword, "password-from-env-not-used")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Acme"
  username    = "ci"
  api_key     = %q
  password    = null
  max_retries = 0
}
resource "rockit_role" "r" { name = "ByKey" }
`, ts.URL, key),
			Check: ts.checkRequestsAuth("/be/v1/roles", "apiKey"),
		}},
	})

	ts.ResetRequests()
	t.Setenv(envPassword, "")
	t.Setenv(envAPIKey, "api-key-from-env-not-used")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Acme"
  username    = "admin"
  password    = %q
  max_retries = 0
}
resource "rockit_role" "r" { name = "ByPassword" }
`, ts.URL, pw),
			Check: ts.checkRequestsAuth("/be/v1/roles", "authToken"),
		}},
	})
}

// Two secrets from the environment, and none in the block, cannot be resolved: that is an
// error naming both variables and the way out, before any request.
func TestAccProvider_conflictingSecretsInEnvironment(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	t.Setenv(envPassword, "from-env")
	t.Setenv(envAPIKey, "also-from-env")
	t.Setenv(envOrgName, "Acme")
	t.Setenv(envUsername, "ci")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"rockit\" {\n  endpoint = %q\n  org_name = \"Acme\"\n  username = \"ci\"\n}\n", ts.URL) +
				`resource "rockit_role" "r" { name = "Ops" }`,
			PlanOnly:    true,
			ExpectError: expectError("Both ROCKIT_PASSWORD and ROCKIT_API_KEY are set in the environment and the provider block sets neither"),
		}},
	})
	ts.requireNoRequests(t, "conflicting credentials")
}

// A provider configuration that is known to lack what a resource or data source needs fails
// the plan, naming what is missing, and the mock receives no request at all.
func TestAccProvider_cannotServeFailsAtPlanTime(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	ep := fmt.Sprintf("endpoint = %q", ts.URL)
	cases := []struct{ provider, config, want string }{
		{ep, `resource "rockit_role" "r" { name = "Ops" }`,
			"Provider configuration cannot manage rockit_role|The provider configuration has no org_name, username and password or api_key. " +
				"Set the provider attributes `org_name` (or ROCKIT_ORG), `username` (or ROCKIT_USERNAME) and `password` (or ROCKIT_PASSWORD)"},
		{ep + "\n  org_name = \"Acme\"", `resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Smith"
}`, "Provider configuration cannot manage rockit_user|The provider configuration has no username and password or api_key."},
		{ep + "\n  org_name = \"Acme\"\n  username = \"ci\"", `resource "rockit_machine_user" "m" {
  username = "bot"
  label    = "Bot"
}`, "Provider configuration cannot manage rockit_machine_user|The provider configuration has no password or api_key."},
		{ep + "\n  admin_token = \"t\"", `resource "rockit_app" "a" {
  name  = "Game"
  label = "Game"
}`, "Provider configuration cannot manage rockit_app|The provider configuration has no org_name, username and password or api_key."},
		{ep + "\n  org_name = \"Acme\"\n  password = \"pw\"", `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    ` + validOrigin + `
  }
}`, "Provider configuration cannot manage rockit_deployment|The provider configuration has no username."},
		{ep + "\n  username = \"ci\"\n  api_key = \"k\"", `resource "rockit_subscription" "s" {
  name = "hook"
  type = "webhook"
  url  = "https://hooks.example.com/x"
}`, "Provider configuration cannot manage rockit_subscription|The provider configuration has no org_name."},
		{ep, `resource "rockit_organization" "o" { name = "Acme" }`,
			"Provider configuration cannot manage rockit_organization|The provider configuration has no admin_token. " +
				"Set the provider attribute `admin_token` (or ROCKIT_ADMIN_TOKEN)"},
		{`admin_token = "t"`, `resource "rockit_organization" "o" { name = "Acme" }`,
			"Provider configuration cannot manage rockit_organization|The provider configuration has no endpoint. " +
				"Set the provider attribute `endpoint` (or ROCKIT_ENDPOINT)"},
		{"org_name = \"Acme\"\n  username = \"ci\"\n  api_key = \"k\"", `resource "rockit_role" "r" { name = "Ops" }`,
			"Provider configuration cannot manage rockit_role|The provider configuration has no endpoint."},
		{ep + "\n  org_name = \"Acme\"\n  username = \"ci\"", `data "rockit_roles" "all" {}`,
			"The provider configuration has no password or api_key. Set the provider attribute `password` (or ROCKIT_PASSWORD) for a backend user"},
		{"org_name = \"Acme\"\n  username = \"ci\"\n  api_key = \"k\"", `data "rockit_apps" "all" {}`,
			"The provider configuration has no endpoint. Set the provider attribute `endpoint` (or ROCKIT_ENDPOINT)"},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      "provider \"rockit\" {\n  " + c.provider + "\n}\n" + c.config,
			PlanOnly:    true,
			ExpectError: expectErrorParts(c.want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	ts.requireNoRequests(t, "provider configurations that cannot serve")
}

// An endpoint from the environment follows the same rule as the attribute, in our words.
func TestAccProvider_endpointFromEnvironmentIsChecked(t *testing.T) {
	clearRockitEnv(t)
	t.Setenv(envEndpoint, "https://edge.example.com/be/v1/")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `provider "rockit" { admin_token = "t" }` + "\n" + `resource "rockit_organization" "o" { name = "Acme" }`,
			PlanOnly:    true,
			ExpectError: expectError(`endpoint "https://edge.example.com/be/v1/" is not a valid ROCKIT Edge URL: the provider adds /be/v1 to every request itself: drop it and write "https://edge.example.com".`),
		}},
	})
}

// bootstrapStudio is an organization and a second provider configuration fed from its outputs.
func bootstrapStudio(ts *testServer, org, orgBody string) string {
	return ts.adminProvider() + fmt.Sprintf(`
resource "rockit_organization" "studio" {
  name = %q
%s
}

provider "rockitstudio" {
  endpoint    = %q
  org_name    = rockit_organization.studio.name
  username    = rockit_organization.studio.admin_username
  password    = rockit_organization.studio.admin_initial_password
  max_retries = 0
}
`, org, orgBody, ts.URL)
}

// studioRelease is a role managed through the alias of bootstrapStudio.
const studioRelease = `
resource "rockit_role" "release" {
  provider = rockitstudio
  name     = "Release"
}
`

// sealedBootstrap is bootstrapStudio for an organization with public_key_pem, whose
// admin_initial_password is therefore null, and studioRelease behind the alias.
func sealedBootstrap(t *testing.T, ts *testServer, org string) string {
	return bootstrapStudio(ts, org, fmt.Sprintf("  public_key_pem = <<-EOT\n%sEOT", testPublicKeyPEM(t))) + studioRelease
}

// A data source served by the bootstrap configuration, whose password is not known while
// planning, fails with a message that says why and what to do; with depends_on it works.
func TestAccBootstrap_dataSourceNeedsDependsOn(t *testing.T) {
	ts := newTestServer(t)
	cfg := bootstrapStudio(ts, "Boot_Data", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: twoProviderFactories("rockitstudio"),
		Steps: []resource.TestStep{
			{
				Config: cfg + `
data "rockit_roles" "all" {
  provider = rockitstudio
}
`,
				ExpectError: expectError("is not known yet: it comes from a value known only during apply, such as an output of a " +
					"rockit_organization created in the same run. Terraform reads a data source while planning, before that value exists. " +
					"Add `depends_on = [rockit_organization.<name>]` to the data source"),
			},
			{
				PreConfig: func() { ts.requireNoRequests(t, "the failed plan") },
				Config: cfg + `
data "rockit_roles" "all" {
  provider   = rockitstudio
  depends_on = [rockit_organization.studio]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("data.rockit_roles.all", tfjsonpath.New("roles"),
					knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.ObjectPartial(attrs{"name": knownvalue.StringExact("Administrators")})}))},
			},
		},
	})
}

// An organization with public_key_pem cannot feed the bootstrap configuration: its initial
// password is only returned encrypted. The plan says so, before the organization is created.
func TestAccBootstrap_publicKeyOrganizationCannotFeedProvider(t *testing.T) {
	ts := newTestServer(t)
	cfg := sealedBootstrap(t, ts, "Boot_Sealed")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: twoProviderFactories("rockitstudio"),
		Steps: []resource.TestStep{{
			Config: cfg,
			ExpectError: expectErrorParts("Provider configuration cannot manage rockit_role|The provider configuration has no password or api_key. " +
				"Set the provider attribute `password` (or ROCKIT_PASSWORD) for a backend user, or `api_key` (or ROCKIT_API_KEY) for a machine user; " +
				"it is needed for requests inside an organization.|A secret fed from another resource is null when it is " +
				"`admin_initial_password` of a rockit_organization with `public_key_pem` (the API returns it only encrypted"),
		}},
	})
	ts.requireNoRequests(t, "the failing plan")
}

// A secret from the environment belongs to the organization and user of the environment. A
// shell that exports another organization's credentials (as the credentials guide recommends)
// must not fill the null password of a bootstrap alias: its organization has public_key_pem, so
// admin_initial_password is null. The plan fails with the guide's error, saying why the
// variable was not used, and no login with that password reaches the host, before or after.
func TestAccBootstrap_environmentSecretOfAnotherOrganizationIsNotUsed(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	studioPassword := ts.SeedOrg("Studio", "admin")
	t.Setenv(envOrgName, "Studio")
	t.Setenv(envUsername, "admin")
	t.Setenv(envPassword, studioPassword)
	cfg := sealedBootstrap(t, ts, "Boot_Other")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: twoProviderFactories("rockitstudio"),
		Steps: []resource.TestStep{{
			Config: cfg,
			ExpectError: expectErrorParts("Provider configuration cannot manage rockit_role|" +
				"ROCKIT_PASSWORD is set in the environment but not used: a secret from the environment is used only for the organization " +
				"and user of ROCKIT_ORG and ROCKIT_USERNAME, and for this provider configuration `org_name` is \"Boot_Other\" but ROCKIT_ORG is \"Studio\"|" +
				"The provider configuration has no password or api_key.|`admin_initial_password` of a rockit_organization with `public_key_pem`"),
		}},
	})
	if ts.OrgExists("Boot_Other") {
		t.Error("the organization was created although the plan should have failed")
	}
	ts.requireNoRequests(t, "the failing plan (no login with Studio's password, or any other)")
}

// On a host of the invitation generation (mock -org-invitations) the organization's create
// answers no initial password. The bootstrap alias fed from admin_initial_password fails before
// it sends anything, explaining the invitation and the two-apply path; the organization is
// created and kept. The second apply, with the password the administrator set after accepting
// the invitation, manages the inside.
func TestAccBootstrap_invitationHostTakesTwoApplies(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t, func(o *mockserver.Options) { o.OrgInvitations = true })
	second := ts.adminProvider() + fmt.Sprintf(`
variable "studio_password" {
  type      = string
  sensitive = true
}

resource "rockit_organization" "studio" {
  name        = "Invited"
  admin_email = "ops@example.com"
}

provider "rockitstudio" {
  endpoint    = %q
  org_name    = rockit_organization.studio.name
  username    = rockit_organization.studio.admin_username
  password    = var.studio_password
  max_retries = 0
}
`, ts.URL) + studioRelease
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: twoProviderFactories("rockitstudio"),
		Steps: []resource.TestStep{
			{
				Config: bootstrapStudio(ts, "Invited", `  admin_email = "ops@example.com"`) + studioRelease,
				ExpectError: expectErrorParts("Provider configuration cannot manage rockit_role|" +
					"The host created the organization \"Invited\" with an invitation instead of an initial password: its first administrator " +
					"\"admin\" has no password until they accept the invitation sent to ops@example.com|The organization exists and is kept in " +
					"state; rockit_role was not created|pass it to this provider configuration (`password = var.<name>`, a sensitive variable) and apply again"),
			},
			{
				PreConfig: func() {
					if !ts.OrgExists("Invited") {
						t.Fatal("the first apply did not create the organization")
					}
					if logins := ts.requestsMatching("POST", "/be/v1/login"); len(logins) != 0 {
						t.Fatalf("the alias sent %s without a password", describeRequests(logins))
					}
					pw, ok := ts.AcceptInvitation("Invited", "admin")
					if !ok {
						t.Fatal("no administrator to invite")
					}
					t.Setenv("TF_VAR_studio_password", pw)
				},
				Config: second,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_organization.studio", tfjsonpath.New("admin_initial_password"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_organization.studio", tfjsonpath.New("admin_initial_password_encrypted"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_role.release", tfjsonpath.New("name"), knownvalue.StringExact("Release")),
				},
				Check: ts.checkRole("Invited", "Release", map[string]int{}),
			},
		},
	})
}

// The create on an invitation host keeps both password attributes null and warns, naming the
// administrator and where the invitation went (protocol level: the CLI harness hides warnings).
func TestOrganizationCreateOnInvitationHostWarns(t *testing.T) {
	ts := newTestServer(t, func(o *mockserver.Options) { o.OrgInvitations = true })
	p := protoNewServer(t, map[string]any{"endpoint": ts.URL, "admin_token": testAdminToken, "max_retries": int64(0)})
	resp := p.protoCreate("rockit_organization", map[string]any{"name": "Invited", "admin_email": "ops@example.com"})
	state := p.protoDecodeState("rockit_organization", resp.NewState)
	if state["admin_initial_password"] != nil || state["admin_initial_password_encrypted"] != nil {
		t.Errorf("state %v: want both admin_initial_password attributes null", state)
	}
	var warnings []string
	for _, d := range resp.Diagnostics {
		warnings = append(warnings, d.Summary+": "+d.Detail)
	}
	want := `Invitation sent instead of an initial password: The ROCKIT Edge host created the organization "Invited" without an ` +
		`initial password: it is of the invitation generation, which e-mails an invitation to the first administrator "admin" (ops@example.com)`
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], want) {
		t.Errorf("diagnostics %q, want one warning starting %q", warnings, want)
	}
}

// A machine user whose API key is kept only encrypted cannot feed a provider configuration in
// the same run: its api_key is planned as null, so the plan of anything served by that
// configuration fails and says why, before any request.
func TestAccBootstrap_encryptedMachineUserKeyCannotFeedProvider(t *testing.T) {
	pubPEM := testPublicKeyPEM(t)
	ts := newTestServer(t)
	cfg := ts.orgProvider(t, "Sealed_CI") + fmt.Sprintf(`
resource "rockit_machine_user" "ci" {
  username       = "ci_deploy"
  label          = "CI"
  roles          = ["Administrators"]
  public_key_pem = <<-EOT
%sEOT
}

provider "rockitstudio" {
  endpoint    = %q
  org_name    = "Sealed_CI"
  username    = rockit_machine_user.ci.username
  api_key     = rockit_machine_user.ci.api_key
  max_retries = 0
}

resource "rockit_role" "release" {
  provider = rockitstudio
  name     = "Release"
}
`, pubPEM, ts.URL)
	ts.ResetRequests()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: twoProviderFactories("rockitstudio"),
		Steps: []resource.TestStep{{
			Config: cfg,
			ExpectError: expectErrorParts("Provider configuration cannot manage rockit_role|The provider configuration has no password or api_key.|" +
				"`api_key` of a rockit_machine_user whose key is encrypted (set `public_key_pem = \"\"` on it"),
		}},
	})
	// The plan-time checks of the valid resources (the organization's machine user: is its name
	// taken?) may read; nothing may be written.
	if w := writeRequests(ts.Requests()); len(w) > 0 {
		t.Fatalf("the failing plan wrote: %s", describeRequests(w))
	}
}

// An organization deleted outside Terraform: the provider asks once, says so once with the
// way back, and after the organization exists again the objects inside it are created again.
func TestAccOrganization_deletedOutsideTerraform(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	t.Setenv(envPassword, ts.SeedOrg("Vanished", "admin"))
	t.Setenv(envOrgName, "Vanished")
	t.Setenv(envUsername, "admin")
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Vanished"
  username    = "admin"
  max_retries = 0
}
resource "rockit_role" "a" { name = "Ops_A" }
resource "rockit_role" "b" { name = "Ops_B" }
resource "rockit_role" "c" { name = "Ops_C" }
`, ts.URL)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					ts.deleteOrgOutOfBand(t, "Vanished")
					ts.ResetRequests()
				},
				Config:   cfg,
				PlanOnly: true,
				ExpectError: expectError("organization \"Vanished\" does not exist: check `org_name` / `ROCKIT_ORG` (names are case-sensitive). " +
					"The host answered: POST /be/v1/login: HTTP 401: unauthorized: organization 'Vanished' does not exist. " +
					`The Terraform state holds objects created in "Vanished", so it existed: it was probably deleted outside Terraform, ` +
					"and everything in it with it. If a rockit_organization in this configuration manages it: To create it again with " +
					"everything Terraform manages in it (also while deletion_protection = true), run terraform state rm " +
					"rockit_organization.<name> which forgets the deleted organization (no request), then terraform apply " +
					"-refresh=false which creates the organization again without reading what was in it, then terraform apply"),
			},
			{
				PreConfig: func() {
					if logins := ts.requestsMatching("POST", "/be/v1/login"); len(logins) != 1 || len(ts.Requests()) != 1 {
						t.Errorf("the refresh of three roles sent %s, want one login", describeRequests(ts.Requests()))
					}
					// The organization exists again (as after -replace): the roles are found gone and created again.
					t.Setenv(envPassword, ts.SeedOrg("Vanished", "admin"))
				},
				Config: cfg,
				Check: func(*terraform.State) error {
					for _, r := range []string{"Ops_A", "Ops_B", "Ops_C"} {
						if _, ok := ts.RolePermissions("Vanished", r); !ok {
							return fmt.Errorf("role %s was not created again", r)
						}
					}
					return nil
				},
			},
		},
	})
}

// Every data source's page says how to use it behind the bootstrap configuration.
// expectErrorWithout is a TestCase.ErrorCheck: the step must fail with an error containing want
// (white space as in expectError) and none of notWant. *failed reports that it did fail.
func expectErrorWithout(failed *bool, want string, notWant ...string) func(error) error {
	return func(err error) error {
		msg := strings.Join(strings.Fields(err.Error()), " ")
		if !strings.Contains(msg, want) {
			return fmt.Errorf("want an error containing %q, got: %w", want, err)
		}
		for _, n := range notWant {
			if strings.Contains(msg, n) {
				return fmt.Errorf("want an error without %q, got: %w", n, err)
			}
		}
		*failed = true
		return nil
	}
}

// A wrong organization name (ROCKIT_ORG=acme for Acme), with no rockit_organization in the
// configuration and no state: the error leads with the name to check, lists what a 2026 login
// offered, and gives no advice about re-creating an organization deleted outside Terraform.
func TestAccProvider_wrongOrganizationName(t *testing.T) {
	forEachAuthScheme(t, func(t *testing.T) {
		clearRockitEnv(t)
		ts := newTestServer(t)
		t.Setenv(envPassword, ts.SeedOrg("Acme", "admin"))
		t.Setenv(envOrgName, "acme")
		t.Setenv(envUsername, "admin")
		want := "organization \"acme\" does not exist: check `org_name` / `ROCKIT_ORG` (names are case-sensitive). " +
			"The host answered: POST /be/v1/login: HTTP 401: unauthorized: organization 'acme' does not exist."
		if ts.scheme == mockserver.AuthScheme2026 {
			want = "organization \"acme\" does not exist, or user \"admin\" is not a member of it: check `org_name` / `ROCKIT_ORG` " +
				"(names are case-sensitive). The login offered: Acme. Did you mean \"Acme\"?"
		}
		var failed bool
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ErrorCheck:               expectErrorWithout(&failed, want, "deleted outside Terraform", "-replace"),
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf("provider \"rockit\" {\n  endpoint    = %q\n  max_retries = 0%s\n}\n", ts.URL, ts.schemeSetting()) +
					`resource "rockit_role" "r" { name = "Ops" }`,
			}},
		})
		if !failed {
			t.Error("the apply with a wrong organization name did not fail")
		}
	})
}

// An organization that the state holds (here imported) and that was deleted outside
// Terraform: a read inside it, after the organization's refresh, says that it existed, and how
// to create it again.
func TestAccOrganization_inStateDeletedOutsideTerraform(t *testing.T) {
	clearRockitEnv(t)
	ts := newTestServer(t)
	t.Setenv(envPassword, ts.SeedOrg("Gone_Org", "admin"))
	t.Setenv(envOrgName, "Gone_Org")
	t.Setenv(envUsername, "admin")
	cfg := ts.adminProvider() + `
import {
  to = rockit_organization.o
  id = "Gone_Org"
}
resource "rockit_organization" "o" { name = "Gone_Org" }
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() { ts.deleteOrgOutOfBand(t, "Gone_Org") },
				Config: cfg + `
data "rockit_roles" "all" {
  depends_on = [rockit_organization.o]
}
`,
				ExpectError: expectError("organization \"Gone_Org\" does not exist: check `org_name` / `ROCKIT_ORG` (names are case-sensitive). " +
					"The host answered: POST /be/v1/login: HTTP 401: unauthorized: organization 'Gone_Org' does not exist. " +
					`The Terraform state holds rockit_organization "Gone_Org", so it existed: it was deleted outside Terraform, and everything ` +
					"in it with it. To create it again with everything Terraform manages in it (also while deletion_protection = true), " +
					"run terraform state rm rockit_organization.<name>"),
			},
			{
				// The way back: the organization exists again (as after -replace).
				PreConfig: func() { t.Setenv(envPassword, ts.SeedOrg("Gone_Org", "admin")) },
				Config: cfg + `
data "rockit_roles" "all" {
  depends_on = [rockit_organization.o]
}
`,
			},
		},
	})
}

func TestDataSourceDescriptionsNameDependsOn(t *testing.T) {
	p := New("test")()
	for _, f := range p.DataSources(context.Background()) {
		d := f()
		var meta datasource.MetadataResponse
		d.Metadata(context.Background(), datasource.MetadataRequest{ProviderTypeName: "rockit"}, &meta)
		var s datasource.SchemaResponse
		d.Schema(context.Background(), datasource.SchemaRequest{}, &s)
		if !strings.Contains(s.Schema.MarkdownDescription, "`depends_on = [rockit_organization.<name>]`") {
			t.Errorf("data source %s does not say to use depends_on behind the bootstrap configuration", meta.TypeName)
		}
	}
}

// A name that exists already fails the plan (issue 23 item 2) with a ready-to-paste import
// block, for every type that is created in an organization; nothing is written (it used to
// fail at apply, on the POST's 409).
func TestAccCreateConflictSaysHowToImport(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Taken")
	ts.SeedApp("Taken", "Game", "Game", 0, 0)
	ts.SeedDeployment("Taken", "Origin_EU")
	ts.SeedSubscription("Taken", "hook", "https://hooks.example.com/x")
	ts.SeedUser("Taken", "alice", false)
	ts.SeedUser("Taken", "ci_bot", true)
	cases := []struct{ typ, config, id string }{
		{"rockit_user", `resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Liddell"
}`, "alice"},
		{"rockit_machine_user", `resource "rockit_machine_user" "m" {
  username = "ci_bot"
  label    = "CI"
}`, "ci_bot"},
		{"rockit_app", `resource "rockit_app" "a" {
  name  = "Game"
  label = "Game"
}`, "Game"},
		{"rockit_deployment", `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    ` + validOrigin + `
  }
}`, "Origin_EU"},
		{"rockit_subscription", `resource "rockit_subscription" "s" {
  name = "hook"
  type = "webhook"
  url  = "https://hooks.example.com/x"
}`, "hook"},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: prov + c.config,
					ExpectError: expectErrorParts("already exists|exists already in the organization, and this workspace " +
						"has no evidence that it created it, so applying this plan would fail.|" +
						"import { to = " + c.typ + ".<resource name> # the address shown with this message id = \"" + c.id + "\" }"),
				}},
			})
		})
	}
	if writes := writeRequests(ts.Requests()); len(writes) != 0 {
		t.Errorf("want no write, the mock received: %s", describeRequests(writes))
	}
}
