package provider

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
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

func organizationConfig(ts *testServer, body string) string {
	return ts.adminProvider() + fmt.Sprintf(`
resource "rockit_organization" "test" {
%s
}
`, body)
}

func TestAccOrganization_createImportDestroy(t *testing.T) {
	forEachAuthScheme(t, testOrganizationCreateImportDestroy)
}

func testOrganizationCreateImportDestroy(t *testing.T) {
	ts := newTestServer(t)
	cfg := organizationConfig(ts, `  name = "Studio_One"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("organization", "", "Studio_One"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("id"), knownvalue.StringExact("Studio_One")),
					statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("admin_username"), knownvalue.StringExact("admin")),
					statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("admin_email"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("prune"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("admin_initial_password_encrypted"), knownvalue.Null()),
					ts.expectInitialPassword("rockit_organization.test", "admin_initial_password", "Studio_One", "admin"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						posts := ts.requestsMatching("POST", "/be/v1/orgs")
						if len(posts) != 1 || string(posts[0].Body) != `{"name":"Studio_One"}` {
							return fmt.Errorf("want one POST /be/v1/orgs with body {\"name\":\"Studio_One\"}, got %s", describeRequests(posts))
						}
						return nil
					},
				),
			},
			// Re-plan: nothing to do.
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// terraform import by name. The initial password and the API's default admin
			// username cannot be read back.
			{
				ResourceName:            "rockit_organization.test",
				ImportState:             true,
				ImportStateId:           "Studio_One",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"admin_initial_password", "admin_username"},
			},
			// An import block: the import plans no change.
			{
				ResourceName:    "rockit_organization.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "Studio_One",
			},
		},
	})
}

// Destroy sends the prune value in state, for both values.
func TestAccOrganization_pruneOnDestroy(t *testing.T) {
	for _, prune := range []bool{true, false} {
		t.Run(fmt.Sprintf("prune=%t", prune), func(t *testing.T) {
			ts := newTestServer(t)
			name := fmt.Sprintf("Prune_%t", prune)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: func(s *terraform.State) error {
					dels := ts.requestsMatching("DELETE", "/be/v1/orgs/")
					want := fmt.Sprintf("DELETE /be/v1/orgs/%s?prune=%t -> 200", name, prune)
					if len(dels) != 1 || describeRequests(dels) != want {
						return fmt.Errorf("want exactly %q, the mock received %q", want, describeRequests(dels))
					}
					return ts.checkGone("organization", "", name)(s)
				},
				Steps: []resource.TestStep{{
					Config: organizationConfig(ts, fmt.Sprintf("  name = %q\n  prune = %t", name, prune)),
					Check:  resource.TestCheckResourceAttr("rockit_organization.test", "prune", fmt.Sprint(prune)),
				}},
			})
		})
	}
}

// Changing only prune (and deletion_protection) updates state without any API call, and the
// destroy uses the new value.
func TestAccOrganization_changePruneWithoutAPICall(t *testing.T) {
	ts := newTestServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			dels := ts.requestsMatching("DELETE", "/be/v1/orgs/")
			if got := describeRequests(dels); got != "DELETE /be/v1/orgs/Prune_Later?prune=true -> 200" {
				return fmt.Errorf("destroy did not use the updated prune: %s", got)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: organizationConfig(ts, `  name = "Prune_Later"`),
				Check:  ts.resetRequests(),
			},
			{
				Config: organizationConfig(ts, "  name = \"Prune_Later\"\n  prune = true\n  deletion_protection = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("rockit_organization.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("prune"), knownvalue.Bool(true)),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("rockit_organization.test", "prune", "true"),
					resource.TestCheckResourceAttrSet("rockit_organization.test", "admin_initial_password"),
					ts.checkNoRequests(),
				),
			},
		},
	})
}

func TestAccOrganization_deletionProtection(t *testing.T) {
	ts := newTestServer(t)
	protected := organizationConfig(ts, "  name = \"Guarded\"\n  deletion_protection = true")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("organization", "", "Guarded"),
		Steps: []resource.TestStep{
			{Config: protected},
			// Removing the resource from the configuration plans a destroy: refused at plan time.
			{
				Config:      ts.adminProvider(),
				ExpectError: expectError("The plan would destroy the organization \"Guarded\", which deletes all its data irreversibly, but its deletion_protection is true"),
			},
			// A change of name replaces: refused too.
			{
				Config:      organizationConfig(ts, "  name = \"Guarded_2\"\n  deletion_protection = true"),
				ExpectError: expectError("The plan would replace (because of a change of name) the organization \"Guarded\""),
			},
			{
				Config: protected,
				Check: func(*terraform.State) error {
					if !ts.OrgExists("Guarded") {
						return fmt.Errorf("the protected organization was deleted")
					}
					if dels := ts.requestsMatching("DELETE", ""); len(dels) > 0 {
						return fmt.Errorf("a protected organization received DELETE requests: %s", describeRequests(dels))
					}
					return nil
				},
			},
			// Lifting the protection lets the final destroy through.
			{Config: organizationConfig(ts, "  name = \"Guarded\"\n  deletion_protection = false")},
		},
	})
}

func TestAccOrganization_wrongAdminToken(t *testing.T) {
	ts := newTestServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  admin_token = "not-the-token"
}
resource "rockit_organization" "test" {
  name = "Denied"
}
`, ts.URL),
			ExpectError: expectError("HTTP 401: unauthorized: missing or wrong administrator token"),
		}},
	})
	if ts.OrgExists("Denied") {
		t.Fatal("an organization was created with a wrong admin token")
	}
	// The error also says what to check.
}

func TestAccOrganization_missingAdminToken(t *testing.T) {
	t.Setenv("ROCKIT_ADMIN_TOKEN", "")
	ts := newTestServer(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "rockit" {
  endpoint = %q
}
resource "rockit_organization" "test" {
  name = "NoToken"
}
`, ts.URL),
			ExpectError: expectError("The provider configuration has no admin_token. Set the provider attribute `admin_token` (or ROCKIT_ADMIN_TOKEN)"),
		}},
	})
	ts.requireNoRequests(t, "a plan without an admin token")
}

// Invalid input fails at plan time, naming the attribute and the rule, without any request.
func TestAccOrganization_invalidInputAtPlanTime(t *testing.T) {
	ts := newTestServer(t)
	cases := []struct{ body, want string }{
		{`  name = "has space"`, `Attribute name must be 2 to 50 characters of letters, digits and underscores`},
		{`  name = "x"`, `Attribute name must be 2 to 50 characters`},
		{"  name = \"Ok_Name\"\n  admin_username = \"a-b\"", `Attribute admin_username must be 2 to 50 characters`},
		{"  name = \"Ok_Name\"\n  admin_email = \"not-an-email\"", `Attribute admin_email must be an email address`},
		{"  name = \"Ok_Name\"\n  public_key_pem = \"ssh-rsa AAAA\"", `Attribute public_key_pem must be a PEM-encoded RSA public key`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      organizationConfig(ts, c.body),
			PlanOnly:    true,
			ExpectError: expectError(c.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	ts.requireNoRequests(t, "invalid input")
}

func TestAccOrganization_alreadyExists(t *testing.T) {
	ts := newTestServer(t)
	ts.SeedOrg("Taken", "admin")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      organizationConfig(ts, `  name = "Taken"`),
			ExpectError: expectError(`An organization named "Taken" exists already on the ROCKIT Edge host (POST /be/v1/orgs: HTTP 409: organization 'Taken' already exists). This workspace has no evidence that it created it, so it is not adopted. To manage it with Terraform, import it: terraform import rockit_organization.<resource name> Taken or add an import block with id = "Taken": import { to = rockit_organization.<resource name> # the address shown with this message id = "Taken" }`),
		}},
	})
}

// With public_key_pem only ciphertext is stored, and it decrypts to the issued password.
func TestAccOrganization_publicKeyEncryptsPassword(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	ts := newTestServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: organizationConfig(ts, fmt.Sprintf("  name = \"Sealed\"\n  admin_email = \"ops@example.com\"\n  public_key_pem = <<-EOT\n%sEOT", pubPEM)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("admin_initial_password"), knownvalue.Null()),
				statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("admin_email"), knownvalue.StringExact("ops@example.com")),
			},
			Check: func(s *terraform.State) error {
				rs := s.RootModule().Resources["rockit_organization.test"]
				ct, err := base64.StdEncoding.DecodeString(rs.Primary.Attributes["admin_initial_password_encrypted"])
				if err != nil {
					return fmt.Errorf("admin_initial_password_encrypted is not base64: %w", err)
				}
				plain, err := rsa.DecryptOAEP(sha256.New(), nil, key, ct, nil)
				if err != nil {
					return fmt.Errorf("admin_initial_password_encrypted does not decrypt with the private key: %w", err)
				}
				want, _ := ts.UserPassword("Sealed", "admin")
				if string(plain) != want {
					return fmt.Errorf("decrypted password %q, the mock issued %q", plain, want)
				}
				for k, v := range rs.Primary.Attributes {
					if v == want {
						return fmt.Errorf("the clear-text password is in state as %s", k)
					}
				}
				return nil
			},
		}},
	})
}

// After an import the create-only attributes are unknown; configuring them adopts the values
// in place instead of replacing the organization.
func TestAccOrganization_importAdoptsCreateOnlyAttributes(t *testing.T) {
	ts := newTestServer(t)
	ts.SeedOrg("Legacy", "owner")
	cfg := organizationConfig(ts, "  name = \"Legacy\"\n  admin_username = \"owner\"\n  admin_email = \"owner@example.com\"")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config: cfg + `
import {
  to = rockit_organization.test
  id = "Legacy"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("rockit_organization.test", plancheck.ResourceActionUpdate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("rockit_organization.test", "admin_username", "owner"),
					resource.TestCheckResourceAttr("rockit_organization.test", "admin_email", "owner@example.com"),
					func(*terraform.State) error {
						if w := writeRequests(ts.Requests()); len(w) > 0 {
							return fmt.Errorf("import and adoption made write requests: %s", describeRequests(w))
						}
						return nil
					},
				),
			},
			// Once adopted, a change is refused like after a create (never a replacement).
			{
				Config:      organizationConfig(ts, "  name = \"Legacy\"\n  admin_username = \"other\"\n  admin_email = \"owner@example.com\""),
				PlanOnly:    true,
				ExpectError: expectError(`Cannot change admin_username of an existing organization`),
			},
		},
	})
}

// admin_email, admin_username and public_key_pem only apply at creation: a later change is a
// plan-time error with no request, never a replacement (which would delete the organization
// with all its data). Only a change of name replaces it, with a warning.
func TestAccOrganization_createOnlyChangeIsAnErrorNotAReplacement(t *testing.T) {
	ts := newTestServer(t)
	created := "  name = \"Studio_CO\"\n  admin_username = \"boss\"\n  admin_email = \"ops@example.com\""
	steps := []resource.TestStep{{Config: organizationConfig(ts, created)}}
	for _, c := range []struct{ attr, body, was string }{
		{"admin_email", "  name = \"Studio_CO\"\n  admin_username = \"boss\"\n  admin_email = \"new@example.com\"", `with admin_email = "ops@example.com"`},
		{"admin_username", "  name = \"Studio_CO\"\n  admin_username = \"chief\"\n  admin_email = \"ops@example.com\"", `with admin_username = "boss"`},
		{"public_key_pem", created + "\n  public_key_pem = <<-EOT\n" + testPublicKeyPEM(t) + "EOT", "without public_key_pem"},
	} {
		steps = append(steps, resource.TestStep{
			PreConfig: ts.ResetRequests,
			Config:    organizationConfig(ts, c.body),
			ExpectError: expectError(fmt.Sprintf("%s applies only when the organization is created, "+
				"and the API can neither read nor change it afterwards. The organization \"Studio_CO\" was created %s", c.attr, c.was)),
		})
	}
	steps = append(steps, resource.TestStep{
		// Leaving them out keeps what the organization was created with: no diff.
		PreConfig:        ts.expectNoRequestsSince(t, "refused create-only changes"),
		Config:           organizationConfig(ts, "  name = \"Studio_CO\""),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	}, resource.TestStep{
		// The error text says how to recreate it for real.
		Config:      organizationConfig(ts, "  name = \"Studio_CO\"\n  admin_email = \"x@example.com\""),
		PlanOnly:    true,
		ExpectError: expectError("set deletion_protection = false (and apply), then run terraform taint rockit_organization.<resource name> and apply"),
	}, resource.TestStep{
		// ...and that way works: tainted, the organization is planned as new, with the new value.
		PreConfig: ts.ResetRequests,
		Taint:     []string{"rockit_organization.test"},
		Config:    organizationConfig(ts, "  name = \"Studio_CO\"\n  admin_email = \"x@example.com\""),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("rockit_organization.test", plancheck.ResourceActionDestroyBeforeCreate),
		}},
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr("rockit_organization.test", "admin_email", "x@example.com"),
			ts.checkWriteOrder("DELETE /be/v1/orgs/Studio_CO?prune=false -> 200, POST /be/v1/orgs -> 200", "the tainted organization replaced"),
		),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("organization", "", "Studio_CO"),
		Steps:                    steps,
	})
}

// A create-only value known only at apply time (here from a role created in the same run) is
// planned as an in-place change; the plan made at apply time, with the value known, either
// agrees (nothing happens) or fails with the create-only error. Never "Provider produced
// inconsistent final plan", never a DELETE of the organization.
func TestAccOrganization_createOnlyUnknownAtPlanNeverReplaces(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Seed_CO")
	org := func(email string) string {
		return fmt.Sprintf(`
resource "rockit_organization" "test" {
  name        = "Studio_Unk"
  admin_email = %s
}
`, email)
	}
	role := func(name string) string {
		return fmt.Sprintf(`
resource "rockit_role" "mail" {
  name        = %q
  permissions = { apps = ["read"] }
}
`, name)
	}
	noOrgDelete := func() {
		if dels := ts.requestsMatching("DELETE", "/be/v1/orgs/"); len(dels) > 0 {
			t.Errorf("the organization received DELETE requests: %s", describeRequests(dels))
		}
		if !ts.OrgExists("Studio_Unk") {
			t.Error("the organization is gone")
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             ts.checkGone("organization", "", "Studio_Unk"),
		Steps: []resource.TestStep{
			{Config: prov + org(`"ops@example.com"`)},
			// Turns out different: the create-only error, at apply time, before any request for the organization.
			{
				Config:      prov + role("Sales") + org(`"${lower(rockit_role.mail.id)}@example.com"`),
				ExpectError: expectError(`Cannot change admin_email of an existing organization`),
			},
			// Turns out the same: an in-place no-op, no inconsistent final plan.
			{
				PreConfig: noOrgDelete,
				Config:    prov + role("Ops") + org(`"${lower(rockit_role.mail.id)}@example.com"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_organization.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("rockit_organization.test", tfjsonpath.New("admin_email")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_organization.test", tfjsonpath.New("admin_email"), knownvalue.StringExact("ops@example.com")),
				},
				Check: func(*terraform.State) error {
					noOrgDelete()
					if posts := ts.requestsMatching("POST", "/be/v1/orgs"); len(posts) != 1 {
						return fmt.Errorf("want the one POST of the first create, got %s", describeRequests(posts))
					}
					return nil
				},
			},
		},
	})
}

// testPublicKeyPEM is a fresh RSA public key in PEM.
func testPublicKeyPEM(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
