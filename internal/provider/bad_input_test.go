package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// badInput is one invalid configuration and the error that must name its attribute.
type badInput struct {
	name string
	// provider replaces the provider block's extra lines (the endpoint stays); empty: the
	// org-scoped provider of the test's mock.
	provider string
	config   string
	want     string
}

// validOrigin is the body of a valid rockit_deployment, for cases that break one field.
const validOrigin = `endpoint = "s3.eu-central-1.amazonaws.com"
    bucket            = "builds"
    access_key_id     = "AKIAEXAMPLE"
    secret_access_key = "s3cret"`

var badInputs = []badInput{
	// The provider block.
	{name: "provider endpoint not a URL", provider: `endpoint = "edge.example.com"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute endpoint must be an http(s) URL`},
	{name: "provider endpoint ftp", provider: `endpoint = "ftp://edge.example.com"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute endpoint must be an http(s) URL`},
	{name: "provider endpoint without scheme", provider: `endpoint = "edge.example.com:8443"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute endpoint must be an http(s) URL such as https://edge.example.com, got "edge.example.com:8443": it has no scheme: write it as "https://edge.example.com:8443".`},
	{name: "provider endpoint with /be/v1", provider: `endpoint = "https://edge.example.com/be/v1"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `the provider adds /be/v1 to every request itself: drop it and write "https://edge.example.com"`},
	{name: "provider empty admin_token", provider: `admin_token = ""`, config: `resource "rockit_organization" "o" { name = "Acme" }`,
		want: `Attribute admin_token string length must be at least 1`},
	{name: "provider password and api_key", provider: `org_name = "Acme"
  username = "admin"
  password = "pw"
  api_key  = "key"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute "api_key" cannot be specified when "password" is specified`},
	{name: "provider bad org_name", provider: `org_name = "Acme Corp"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute org_name must be 2 to 50 characters`},
	{name: "provider short username", provider: `username = "a"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute username must be 2 to 50 characters`},
	{name: "provider negative max_retries", provider: `max_retries = -1`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute max_retries value must be between 0 and 20, got: -1`},
	{name: "provider zero rate_limit", provider: `rate_limit = 0`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute rate_limit value must be at least 0.100000, got: 0.000000`},
	{name: "provider request_timeout not a duration", provider: `request_timeout = "soon"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute request_timeout must be a positive duration such as "30s" or "2m", got "soon"`},
	{name: "provider retry_max_elapsed not a duration", provider: `retry_max_elapsed = "a while"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute retry_max_elapsed must be a positive duration such as "30s" or "2m", got "a while"`},
	{name: "provider negative request_timeout", provider: `request_timeout = "-5s"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute request_timeout must be a positive duration such as "30s" or "2m", got "-5s": it is not positive`},

	{name: "provider secrets_public_key_pem not PEM", provider: `secrets_public_key_pem = "ssh-rsa AAAAB3Nza"`, config: `resource "rockit_role" "r" { name = "Ops" }`,
		want: `Attribute secrets_public_key_pem must be a PEM-encoded RSA public key of at least 2048 bits`},

	// Public keys of the resources whose secret the API issues.
	{name: "user public_key_pem not PEM", config: `resource "rockit_user" "u" {
  username       = "alice"
  email          = "alice@example.com"
  firstname      = "Alice"
  surname        = "Jones"
  public_key_pem = "ssh-rsa AAAAB3Nza"
}`, want: `Attribute public_key_pem must be a PEM-encoded RSA public key of at least 2048 bits`},
	{name: "machine user public_key_pem a certificate", config: `resource "rockit_machine_user" "m" {
  username       = "ci_bot"
  label          = "CI"
  public_key_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
}`, want: `Attribute public_key_pem must be a PEM-encoded RSA public key of at least 2048 bits`},
	{name: "subscription public_key_pem broken PEM", config: `resource "rockit_subscription" "s" {
  name           = "hook"
  type           = "webhook"
  url            = "https://hooks.example.com/x"
  public_key_pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
}`, want: `Attribute public_key_pem must be a PEM-encoded RSA public key of at least 2048 bits`},

	// rockit_organization.
	{name: "organization short name", config: `resource "rockit_organization" "o" { name = "A" }`,
		want: `Attribute name must be 2 to 50 characters of letters, digits and underscores`},
	{name: "organization name with space", config: `resource "rockit_organization" "o" { name = "Acme Corp" }`,
		want: `Attribute name must be 2 to 50 characters of letters, digits and underscores`},
	{name: "organization bad admin_email", config: `resource "rockit_organization" "o" {
  name        = "Acme"
  admin_email = "ops-at-example.com"
}`, want: `Attribute admin_email must be an email address, got "ops-at-example.com"`},
	{name: "organization bad admin_username", config: `resource "rockit_organization" "o" {
  name           = "Acme"
  admin_username = "root-user"
}`, want: `Attribute admin_username must be 2 to 50 characters`},
	{name: "organization public_key_pem not PEM", config: `resource "rockit_organization" "o" {
  name           = "Acme"
  public_key_pem = "ssh-rsa AAAAB3Nza"
}`, want: `Attribute public_key_pem must be a PEM-encoded RSA public key`},

	// rockit_role.
	{name: "role empty name", config: `resource "rockit_role" "r" { name = "" }`,
		want: `Attribute name must be 2 to 50 characters`},
	{name: "role unknown resource", config: `resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { spaceships = ["read"] }
}`, want: `Attribute permissions["spaceships"]: unknown resource id "spaceships"`},
	{name: "role operation the resource lacks", config: `resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { consumption = ["update"] }
}`, want: `Attribute permissions["consumption"]: operation "update" is not allowed on resource "consumption"; it allows read.`},
	{name: "role unknown operation", config: `resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { apps = ["fly"] }
}`, want: `Attribute permissions["apps"]: unknown operation "fly" on resource "apps"`},
	{name: "role misspelt operation", config: `resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { apps = ["reed"] }
}`, want: `Attribute permissions["apps"]: unknown operation "reed" on resource "apps" (did you mean "read"?); it allows create, read, update, delete.`},
	{name: "role resource id alias", config: `resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { users = ["read"] }
}`, want: `Attribute permissions["users"]: unknown resource id "users" (did you mean "beUsers"?); the resource ids are apps, beUsers,`},

	// rockit_user.
	{name: "user bad username", config: `resource "rockit_user" "u" {
  username  = "alice smith"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Smith"
}`, want: `Attribute username must be 2 to 50 characters`},
	{name: "user bad email", config: `resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice"
  firstname = "Alice"
  surname   = "Smith"
}`, want: `Attribute email must be an email address, got "alice"`},
	{name: "user empty firstname", config: `resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = ""
  surname   = "Smith"
}`, want: `Attribute firstname string length must be at least 1`},
	{name: "user bad role name", config: `resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Smith"
  roles     = ["Game Devs"]
}`, want: `Attribute roles[Value("Game Devs")] must be 2 to 50 characters of letters, digits and underscores`},

	// rockit_machine_user.
	{name: "machine user bad username", config: `resource "rockit_machine_user" "m" {
  username = "ci-bot"
  label    = "CI"
}`, want: `Attribute username must be 2 to 50 characters`},
	{name: "machine user empty label", config: `resource "rockit_machine_user" "m" {
  username = "ci_bot"
  label    = ""
}`, want: `Attribute label string length must be at least 1`},

	// rockit_deployment.
	{name: "deployment bad name", config: `resource "rockit_deployment" "d" {
  name   = "Origin EU"
  origin = {
    ` + validOrigin + `
  }
}`, want: `Attribute name must be 2 to 50 characters of letters, digits, underscores and square brackets`},
	{name: "deployment endpoint with scheme and bucket", config: `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    endpoint          = "https://builds.s3.amazonaws.com"
    bucket            = "builds"
    access_key_id     = "AKIAEXAMPLE"
    secret_access_key = "s3cret"
  }
}`, want: `Attribute origin.endpoint must be a host name without a scheme (no https://)`},
	{name: "deployment unknown origin type", config: `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    type              = "gcs"
    ` + validOrigin + `
  }
}`, want: `Attribute origin.type value must be one of`},
	{name: "deployment empty bucket", config: `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = ""
    access_key_id     = "AKIAEXAMPLE"
    secret_access_key = "s3cret"
  }
}`, want: `Attribute origin.bucket string length must be at least 1`},
	{name: "deployment unknown download provider", config: `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    ` + validOrigin + `
  }
  download_auth = {
    provider = "cloudflare"
    key      = "k"
  }
}`, want: `Attribute download_auth.provider value must be one of`},
	{name: "deployment both secret and write-only secret", config: `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    ` + validOrigin + `
    secret_access_key_wo         = "s3cret"
    secret_access_key_wo_version = 1
  }
}`, want: `Set exactly one of origin.secret_access_key and origin.secret_access_key_wo, not both`},
	{name: "deployment no secret", config: `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    endpoint      = "s3.eu-central-1.amazonaws.com"
    bucket        = "builds"
    access_key_id = "AKIAEXAMPLE"
  }
}`, want: `Set exactly one of origin.secret_access_key and origin.secret_access_key_wo (the write-only variant`},

	{name: "deployment write-only secret without its version", config: `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    endpoint             = "s3.eu-central-1.amazonaws.com"
    bucket               = "builds"
    access_key_id        = "AKIAEXAMPLE"
    secret_access_key_wo = "s3cret"
  }
}`, want: `Attribute origin.secret_access_key_wo_version is required when origin.secret_access_key_wo is set`},
	{name: "deployment write-only download key without its version", config: `resource "rockit_deployment" "d" {
  name   = "Origin_EU"
  origin = {
    ` + validOrigin + `
  }
  download_auth = {
    provider = "akamai"
    key_wo   = "k"
  }
}`, want: `Attribute download_auth.key_wo_version is required when download_auth.key_wo is set`},

	// rockit_app.
	{name: "app zero max_builds", config: `resource "rockit_app" "a" {
  name       = "Game"
  label      = "Game"
  max_builds = 0
}`, want: `Attribute max_builds value must be at least 1, got: 0`},
	{name: "app negative max_builds", config: `resource "rockit_app" "a" {
  name       = "Game"
  label      = "Game"
  max_builds = -3
}`, want: `Attribute max_builds value must be at least 1, got: -3`},
	{name: "app empty label", config: `resource "rockit_app" "a" {
  name  = "Game"
  label = ""
}`, want: `Attribute label string length must be at least 1`},
	{name: "app bad deployment name", config: `resource "rockit_app" "a" {
  name        = "Game"
  label       = "Game"
  deployments = ["Origin EU"]
}`, want: `Attribute deployments[Value("Origin EU")] must be 2 to 50 characters of letters, digits, underscores and square brackets`},

	// rockit_subscription.
	{name: "subscription unknown type", config: `resource "rockit_subscription" "s" {
  name = "hook"
  type = "email"
  url  = "https://hooks.example.com/x"
}`, want: `Attribute type value must be one of: ["webhook" "slack"], got: "email"`},
	{name: "subscription plain http url", config: `resource "rockit_subscription" "s" {
  name = "hook"
  type = "webhook"
  url  = "http://hooks.example.com/x"
}`, want: `Attribute url must be an https URL`},
	{name: "subscription url not a URL", config: `resource "rockit_subscription" "s" {
  name = "hook"
  type = "webhook"
  url  = "hooks"
}`, want: `Attribute url must be an https URL`},
	{name: "subscription unknown task type", config: `resource "rockit_subscription" "s" {
  name   = "hook"
  type   = "webhook"
  url    = "https://hooks.example.com/x"
  events = [{ type = "build", event = "end" }]
}`, want: `Attribute events[Value({"event":"end","type":"build"})].type value must be one of: ["dltar" "mkraw" "deploy"], got: "build"`},
	{name: "subscription unknown event", config: `resource "rockit_subscription" "s" {
  name   = "hook"
  type   = "slack"
  url    = "https://hooks.slack.com/x"
  events = [{ type = "deploy", event = "finish" }]
}`, want: `Attribute events[Value({"event":"finish","type":"deploy"})].event value must be one of: ["submit" "begin" "end" "error"], got: "finish"`},
	{name: "subscription empty events", config: `resource "rockit_subscription" "s" {
  name   = "hook"
  type   = "webhook"
  url    = "https://hooks.example.com/x"
  events = []
}`, want: `Attribute events set must contain at least 1 elements`},

	// Data sources.
	{name: "role data source bad name", config: `data "rockit_role" "r" { name = "Role Name" }`,
		want: `Attribute name must be 2 to 50 characters of letters, digits and underscores`},
	{name: "user data source bad username", config: `data "rockit_user" "u" { username = "a" }`,
		want: `Attribute username must be 2 to 50 characters of letters, digits and underscores`},
	{name: "users data source unknown type", config: `data "rockit_users" "u" { type = "robot" }`,
		want: `Attribute type value must be one of: ["user" "machine"], got: "robot"`},
	{name: "app data source bad name", config: `data "rockit_app" "a" { name = "my-game" }`,
		want: `Attribute name must be 2 to 50 characters of letters, digits and underscores`},
	{name: "deployment data source bad name", config: `data "rockit_deployment" "d" { name = "Origin{EU}" }`,
		want: `Attribute name must be 2 to 50 characters of letters, digits, underscores and square brackets`},
	{name: "task data source empty name", config: `data "rockit_task" "t" { name = "" }`,
		want: `Attribute name string length must be at least 1`},
	{name: "tasks data source unknown status", config: `data "rockit_tasks" "t" { status = "stuck" }`,
		want: `Attribute status value must be one of`},
	{name: "tasks data source unknown type", config: `data "rockit_tasks" "t" { type = "build" }`,
		want: `Attribute type value must be one of: ["dltar" "mkraw" "deploy"], got: "build"`},
}

// TestAccBadInputCatalogue runs every invalid configuration (the provider block, every
// resource and data source): each must fail at validate or plan time with an error naming its
// attribute, and the mock must not receive one request that changes anything.
func TestAccBadInputCatalogue(t *testing.T) {
	ts := newTestServer(t)
	orgProvider := ts.orgProvider(t, "BadInput")
	if len(badInputs) < 30 {
		t.Fatalf("the catalogue has %d cases, want at least 30", len(badInputs))
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range badInputs {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				prov := orgProvider
				if tc.provider != "" {
					prov = fmt.Sprintf("provider \"rockit\" {\n  %s\n}\n", tc.provider)
					if !strings.Contains(tc.provider, "endpoint") {
						prov = fmt.Sprintf("provider \"rockit\" {\n  endpoint = %q\n  %s\n}\n", ts.URL, tc.provider)
					}
				}
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					Steps: []resource.TestStep{{
						Config:      prov + tc.config,
						PlanOnly:    true,
						ExpectError: expectError(tc.want),
					}},
				})
			})
		}
	})
	if writes := writeRequests(ts.Requests()); len(writes) > 0 {
		t.Errorf("invalid configurations made %d write requests: %s", len(writes), describeRequests(writes))
	}
	t.Logf("%d invalid configurations; the mock received %d requests, none of them writes", len(badInputs), len(ts.Requests()))
}
