package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// checkDeploymentSecrets compares the secrets the mock stores with the expected ones.
func checkDeploymentSecrets(ts *testServer, org, name, secret, key string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		gotSecret, gotKey, ok := ts.DeploymentSecrets(org, name)
		switch {
		case !ok:
			return fmt.Errorf("the mock has no deployment %s in %s", name, org)
		case gotSecret != secret || gotKey != key:
			return fmt.Errorf("the mock holds secretAccessKey %q and downloadAuth key %q, want %q and %q", gotSecret, gotKey, secret, key)
		}
		return nil
	}
}

func deploymentConfig(provider, body string) string {
	return provider + fmt.Sprintf(`
resource "rockit_deployment" "test" {
%s
}
`, body)
}

const deploymentOriginEU = `
  name = "Origin[EU]"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "studio-builds"
    prefix            = "%s"
    access_key_id     = "AKIAEXAMPLE"
    secret_access_key = "%s"
  }
`

func TestAccDeployment_lifecycle(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Dep_Life")
	withAuth := fmt.Sprintf(deploymentOriginEU, "builds", "s3cret-1") + `
  download_auth = {
    provider = "akamai"
    key      = "akamai-key-1"
  }
`
	updated := fmt.Sprintf(deploymentOriginEU, "v2", "s3cret-2") + `
  download_auth = {
    provider = "gcore"
    key      = "akamai-key-1"
  }
`
	noAuth := fmt.Sprintf(deploymentOriginEU, "v2", "s3cret-2")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// The import block step needs Terraform 1.5.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:           ts.checkGone("deployment", "Dep_Life", "Origin[EU]"),
		Steps: []resource.TestStep{
			{
				Config: deploymentConfig(prov, withAuth),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("id"), knownvalue.StringExact("Origin[EU]")),
					statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("origin").AtMapKey("type"), knownvalue.StringExact("s3")),
					statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("status"), knownvalue.StringExact("ready")),
					statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("message"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("download_auth").AtMapKey("provider"), knownvalue.StringExact("akamai")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDeploymentSecrets(ts, "Dep_Life", "Origin[EU]", "s3cret-1", "akamai-key-1"),
					ts.checkBodies("POST", "/be/v1/deployments", `{"name":"Origin[EU]","origin":{"type":"s3","endpoint":"s3.eu-central-1.amazonaws.com",
						"bucket":"studio-builds","prefix":"builds","accessKeyId":"AKIAEXAMPLE","secretAccessKey":"s3cret-1"},
						"downloadAuth":{"provider":"akamai","key":"akamai-key-1"}}`),
				),
			},
			// Re-plan: nothing to do, although the API never returns the secrets.
			{
				Config:           deploymentConfig(prov, withAuth),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// terraform import by name: everything but the secrets is read back.
			{
				ResourceName:            "rockit_deployment.test",
				ImportState:             true,
				ImportStateId:           "Origin[EU]",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"origin.secret_access_key", "download_auth.key"},
			},
			// An import block: the secrets cannot be read, so the plan sends the configured ones
			// (an update of the secrets only).
			{
				ResourceName:       "rockit_deployment.test",
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateId:      "Origin[EU]",
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_deployment.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("origin").AtMapKey("prefix"), knownvalue.StringExact("builds")),
				}},
			},
			// In-place update: only the changed fields, download_auth as a whole.
			{
				PreConfig: ts.ResetRequests,
				Config:    deploymentConfig(prov, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_deployment.test", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkBodies("PATCH", "/be/v1/deployments",
						`{"name":"Origin[EU]","origin":{"prefix":"v2","secretAccessKey":"s3cret-2"},"downloadAuth":{"provider":"gcore","key":"akamai-key-1"}}`),
					checkDeploymentSecrets(ts, "Dep_Life", "Origin[EU]", "s3cret-2", "akamai-key-1"),
					resource.TestCheckResourceAttr("rockit_deployment.test", "download_auth.provider", "gcore"),
				),
			},
			// Removing download_auth sends null.
			{
				PreConfig: ts.ResetRequests,
				Config:    deploymentConfig(prov, noAuth),
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkBodies("PATCH", "/be/v1/deployments", `{"name":"Origin[EU]","downloadAuth":null}`),
					checkDeploymentSecrets(ts, "Dep_Life", "Origin[EU]", "s3cret-2", ""),
					resource.TestCheckNoResourceAttr("rockit_deployment.test", "download_auth"),
				),
			},
			// Deleted out of band: the next plan creates it again.
			{
				PreConfig: func() { ts.RemoveDeployment("Dep_Life", "Origin[EU]") },
				Config:    deploymentConfig(prov, noAuth),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_deployment.test", plancheck.ResourceActionCreate),
				}},
				Check: checkDeploymentSecrets(ts, "Dep_Life", "Origin[EU]", "s3cret-2", ""),
			},
		},
	})
}

// The secrets are marked sensitive in every plan: the human-readable plan shows (sensitive
// value) instead of them. The check fails if the schema did not mark them Sensitive.
func TestAccDeployment_secretsNeverInPlan(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Dep_Sens")
	cfg := func(secret string) string {
		return deploymentConfig(prov, fmt.Sprintf(deploymentOriginEU, "p", secret)+`
  download_auth = {
    provider = "gcore"
    key      = "gcore-key-xyz"
  }
`)
	}
	sensitive := []plancheck.PlanCheck{
		plancheck.ExpectSensitiveValue("rockit_deployment.test", tfjsonpath.New("origin").AtMapKey("secret_access_key")),
		plancheck.ExpectSensitiveValue("rockit_deployment.test", tfjsonpath.New("download_auth").AtMapKey("key")),
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("first-secret"), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: sensitive}},
			{Config: cfg("second-secret"), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: sensitive}},
		},
	})
}

// The write-only secrets (Terraform >= 1.11) reach the API but never the state; changing only
// the value does nothing, bumping the version sends it again.
func TestAccDeployment_writeOnlySecret_TF111(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Dep_WO")
	cfg := func(secret string, version int, key string, keyVersion int) string {
		return deploymentConfig(prov, fmt.Sprintf(`
  name = "Origin_WO"
  origin = {
    endpoint                     = "s3.us-east-1.amazonaws.com"
    bucket                       = "wo-bucket"
    access_key_id                = "AKIAWO"
    secret_access_key_wo         = %q
    secret_access_key_wo_version = %d
  }
  download_auth = {
    provider       = "akamai"
    key_wo         = %q
    key_wo_version = %d
  }
`, secret, version, key, keyVersion))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             ts.checkGone("deployment", "Dep_WO", "Origin_WO"),
		Steps: []resource.TestStep{
			{
				Config: cfg("wo-secret-1", 1, "wo-key-1", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("origin").AtMapKey("secret_access_key_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("origin").AtMapKey("secret_access_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_deployment.test", tfjsonpath.New("download_auth").AtMapKey("key_wo"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDeploymentSecrets(ts, "Dep_WO", "Origin_WO", "wo-secret-1", "wo-key-1"),
					checkNotInState("wo-secret-1", "wo-key-1"),
				),
			},
			// A new value without a new version: Terraform cannot see it, nothing is sent.
			{
				PreConfig:        ts.ResetRequests,
				Config:           cfg("wo-secret-2", 1, "wo-key-2", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkDeploymentSecrets(ts, "Dep_WO", "Origin_WO", "wo-secret-1", "wo-key-1"),
			},
			// Bumping the storage secret's version sends it, and only it.
			{
				PreConfig: ts.ResetRequests,
				Config:    cfg("wo-secret-2", 2, "wo-key-2", 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkBodies("PATCH", "/be/v1/deployments", `{"name":"Origin_WO","origin":{"secretAccessKey":"wo-secret-2"}}`),
					checkDeploymentSecrets(ts, "Dep_WO", "Origin_WO", "wo-secret-2", "wo-key-1"),
					checkNotInState("wo-secret-2"),
				),
			},
			// Bumping the key's version sends download_auth with the new key.
			{
				PreConfig: ts.ResetRequests,
				Config:    cfg("wo-secret-2", 2, "wo-key-3", 2),
				Check: resource.ComposeAggregateTestCheckFunc(
					ts.checkBodies("PATCH", "/be/v1/deployments", `{"name":"Origin_WO","downloadAuth":{"provider":"akamai","key":"wo-key-3"}}`),
					checkDeploymentSecrets(ts, "Dep_WO", "Origin_WO", "wo-secret-2", "wo-key-3"),
					checkNotInState("wo-key-3"),
				),
			},
		},
	})
}

// Bad input fails at plan time, naming the attribute and the rule, without any request.
func TestAccDeployment_invalidInputRejectedAtPlan(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Dep_Bad")
	origin := func(name, endpoint, bucket, secrets string) string {
		return deploymentConfig(prov, fmt.Sprintf(`
  name = %q
  origin = {
    endpoint      = %q
    bucket        = %q
    access_key_id = "AKIA"
%s
  }
`, name, endpoint, bucket, secrets))
	}
	ok := `    secret_access_key = "x"`
	steps := []resource.TestStep{}
	for _, c := range []struct{ cfg, err string }{
		{origin("Good", "https://s3.us-east-1.amazonaws.com", "b", ok), "Attribute origin.endpoint must be a host name without a scheme"},
		{origin("Good", "s3.us-east-1.amazonaws.com/builds", "b", ok), "Attribute origin.endpoint must be a host name without a path"},
		{origin("Good", "my-bucket.s3.us-east-1.amazonaws.com", "my-bucket", ok), "Attribute origin.endpoint must not contain the bucket name"},
		{origin("Bad name!", "s3.us-east-1.amazonaws.com", "b", ok), "must be 2 to 50 characters of letters, digits, underscores and square brackets"},
		{origin("Good", "s3.us-east-1.amazonaws.com", "b", ok+"\n    secret_access_key_wo = \"y\"\n    secret_access_key_wo_version = 1"), "Set exactly one of origin.secret_access_key and origin.secret_access_key_wo, not both"},
		{origin("Good", "s3.us-east-1.amazonaws.com", "b", ""), "Set exactly one of origin.secret_access_key and origin.secret_access_key_wo (the write-only variant"},
		{deploymentConfig(prov, `
  name = "Good"
  origin = {
    endpoint          = "s3.us-east-1.amazonaws.com"
    bucket            = "b"
    access_key_id     = "AKIA"
    secret_access_key = "x"
  }
  download_auth = {
    provider = "cloudfront"
    key      = "k"
  }
`), `Attribute download_auth.provider value must be one of: ["akamai" "gcore"]`},
	} {
		steps = append(steps, resource.TestStep{Config: c.cfg, PlanOnly: true, ExpectError: expectError(c.err)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkNoRequests(),
		Steps:                    steps,
	})
}
