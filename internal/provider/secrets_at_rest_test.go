package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
	"github.com/rockitplay/terraform-provider-rockit/internal/rsaoaep"
)

// testKey is an RSA key pair a test encrypts secrets to.
type testKey struct {
	priv *rsa.PrivateKey
	pem  string // the public key, PKIX PEM
}

func newTestKey(t *testing.T) testKey {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{priv: priv, pem: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}
}

// hcl is the key as an HCL heredoc value.
func (k testKey) hcl() string { return "<<-EOT\n" + k.pem + "EOT" }

// decryptAttr decrypts the ciphertext attribute attr of res in state with k.
func (k testKey) decryptAttr(s *terraform.State, res, attr string) (string, error) {
	var ct string
	if rs, ok := s.RootModule().Resources[res]; ok {
		ct = rs.Primary.Attributes[attr]
	}
	if ct == "" {
		return "", fmt.Errorf("%s.%s is empty", res, attr)
	}
	plain, err := rsaoaep.Decrypt(k.priv, ct)
	if err != nil {
		return "", fmt.Errorf("%s.%s does not decrypt with the test's private key: %w", res, attr, err)
	}
	return plain, nil
}

// orgClient is a client of the test's mock acting as username with a password or an API key.
func (ts *testServer) orgClient(t *testing.T, org, username, password, apiKey string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: ts.URL, OrgName: org, Username: username, Password: password, APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// credentialWorks sends one request as username with the credential and reports the answer.
func (ts *testServer) credentialWorks(t *testing.T, org, username, password, apiKey string) error {
	_, err := ts.orgClient(t, org, username, password, apiKey).GetUser(context.Background(), username)
	return err
}

// A user with a key: only ciphertext in state and plan, it decrypts to a password that logs
// in; a rotation encrypts the new one (the old stops working); a new key changes only the
// attribute (no request) and is used by the next rotation; removing it brings nothing back.
func TestAccSecretsAtRest_user(t *testing.T) {
	k1, k2 := newTestKey(t), newTestKey(t)
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	user := func(extra string) string {
		return prov + `
resource "rockit_user" "alice" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Jones"
  roles     = ["Administrators"]
` + extra + `
}
`
	}
	const res = "rockit_user.alice"
	var first, second string
	checkPassword := func(k testKey, out *string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			pw, err := k.decryptAttr(s, res, "initial_password_encrypted")
			if err != nil {
				return err
			}
			if want, _ := ts.UserPassword("Acme", "alice"); pw != want {
				return fmt.Errorf("decrypted password is not the one the mock issued")
			}
			if err := ts.credentialWorks(t, "Acme", "alice", pw, ""); err != nil {
				return fmt.Errorf("the decrypted password does not log in: %w", err)
			}
			*out = pw
			return nil
		}
	}
	clearNull := statecheck.ExpectKnownValue(res, tfjsonpath.New("initial_password"), knownvalue.Null())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: user("  public_key_pem = " + k1.hcl()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(res, tfjsonpath.New("initial_password"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(res, tfjsonpath.New("initial_password_encrypted")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{clearNull},
				Check:             checkPassword(k1, &first),
			},
			// Rotation: the new password is encrypted too, the old one stops working.
			{
				Config: user("  public_key_pem = " + k1.hcl() + "\n  credentials_version = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("initial_password"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(res, tfjsonpath.New("initial_password_encrypted")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{clearNull},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkPassword(k1, &second),
					func(*terraform.State) error {
						if second == first {
							return fmt.Errorf("the rotation kept the password")
						}
						if err := ts.credentialWorks(t, "Acme", "alice", first, ""); !client.IsUnauthorized(err) {
							return fmt.Errorf("the old password still logs in after the rotation (err %w)", err)
						}
						return nil
					},
					ts.resetRequests(),
				),
			},
			// A new key: only public_key_pem changes, and the apply sends nothing.
			{
				Config: user("  public_key_pem = " + k2.hcl() + "\n  credentials_version = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("initial_password"), knownvalue.Null()),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("initial_password_encrypted"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("public_key_pem"), knownvalue.StringExact(k2.pem)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{clearNull},
				Check:             resource.ComposeAggregateTestCheckFunc(ts.checkNoWrites(), checkPassword(k1, &second)),
			},
			// The next rotation uses the new key.
			{
				Config:            user("  public_key_pem = " + k2.hcl() + "\n  credentials_version = 2"),
				ConfigStateChecks: []statecheck.StateCheck{clearNull},
				Check:             checkPassword(k2, &second),
			},
			// Removing the key does not bring the clear password back, and sends nothing.
			{
				Config: user("  credentials_version = 2"),
				PreConfig: func() {
					ts.ResetRequests()
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(res, tfjsonpath.New("initial_password"), knownvalue.Null()),
					plancheck.ExpectKnownValue(res, tfjsonpath.New("initial_password_encrypted"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{clearNull},
				Check:             resource.ComposeAggregateTestCheckFunc(ts.checkNoWrites(), checkPassword(k2, &second)),
			},
			{
				Config:           user("  credentials_version = 2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A machine user with a key: the decrypted key authorizes a request; a rotation encrypts the
// new key and the old one stops working.
func TestAccSecretsAtRest_machineUser(t *testing.T) {
	k := newTestKey(t)
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "Acme")
	machine := func(extra string) string {
		return prov + `
resource "rockit_machine_user" "ci" {
  username       = "ci_bot"
  label          = "CI"
  roles          = ["Administrators"]
  public_key_pem = ` + k.hcl() + `
` + extra + `
}
`
	}
	const res = "rockit_machine_user.ci"
	var first, second string
	checkKey := func(out *string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			key, err := k.decryptAttr(s, res, "api_key_encrypted")
			if err != nil {
				return err
			}
			if want, _ := ts.UserAPIKey("Acme", "ci_bot"); key != want {
				return fmt.Errorf("decrypted key is not the one the mock issued")
			}
			if err := ts.credentialWorks(t, "Acme", "ci_bot", "", key); err != nil {
				return fmt.Errorf("the decrypted API key does not authorize a request: %w", err)
			}
			*out = key
			return nil
		}
	}
	clearNull := statecheck.ExpectKnownValue(res, tfjsonpath.New("api_key"), knownvalue.Null())
	ciphertextChanges := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: machine(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(res, tfjsonpath.New("api_key"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(res, tfjsonpath.New("api_key_encrypted")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{clearNull, ciphertextChanges.AddStateValue(res, tfjsonpath.New("api_key_encrypted"))},
				Check:             checkKey(&first),
			},
			{
				Config: machine("  api_key_version = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(res, tfjsonpath.New("api_key"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(res, tfjsonpath.New("api_key_encrypted")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{clearNull, ciphertextChanges.AddStateValue(res, tfjsonpath.New("api_key_encrypted"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkKey(&second),
					func(*terraform.State) error {
						if second == first {
							return fmt.Errorf("the rotation kept the key")
						}
						if err := ts.credentialWorks(t, "Acme", "ci_bot", "", first); !client.IsUnauthorized(err) {
							return fmt.Errorf("the old API key still works after the rotation (err %w)", err)
						}
						return nil
					},
				),
			},
		},
	})
}

// A subscription with a key: the decrypted secret is the one the mock holds.
func TestAccSecretsAtRest_subscription(t *testing.T) {
	k := newTestKey(t)
	ts := newTestServer(t)
	cfg := ts.orgProvider(t, "Acme") + `
resource "rockit_subscription" "hook" {
  name           = "build_events"
  type           = "webhook"
  url            = "https://hooks.example.com/rockit"
  public_key_pem = ` + k.hcl() + `
}
`
	const res = "rockit_subscription.hook"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(res, tfjsonpath.New("secret"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(res, tfjsonpath.New("secret_encrypted")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(res, tfjsonpath.New("secret"), knownvalue.Null())},
				Check: func(s *terraform.State) error {
					secret, err := k.decryptAttr(s, res, "secret_encrypted")
					if err != nil {
						return err
					}
					if want, ok := ts.SubscriptionSecret("Acme", "build_events"); !ok || secret != want {
						return fmt.Errorf("decrypted secret is not the one the mock holds")
					}
					return nil
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The provider's secrets_public_key_pem is the default: a resource without a key of its own
// uses it, a resource's own key wins, and setting it moves a clear secret already in state
// into ciphertext without a request.
func TestAccSecretsAtRest_providerDefault(t *testing.T) {
	def, own := newTestKey(t), newTestKey(t)
	ts := newTestServer(t)
	pw := ts.SeedOrg("Acme", "admin")
	provider := func(extra string) string {
		return fmt.Sprintf(`
provider "rockit" {
  endpoint    = %q
  org_name    = "Acme"
  username    = "admin"
  password    = %q
  max_retries = 0
%s
}

resource "rockit_machine_user" "ci" {
  username = "ci_bot"
  label    = "CI"
  roles    = ["Administrators"]
}
`, ts.URL, pw, extra)
	}
	withDefault := provider("  secrets_public_key_pem = "+def.hcl()) + `
resource "rockit_user" "bob" {
  username  = "bob"
  email     = "bob@example.com"
  firstname = "Bob"
  surname   = "Smith"
}

resource "rockit_subscription" "hook" {
  name           = "build_events"
  type           = "webhook"
  url            = "https://hooks.example.com/rockit"
  public_key_pem = ` + own.hcl() + `
}

# Opts out of the default: its key feeds an aliased provider.
resource "rockit_machine_user" "alias" {
  username       = "alias_bot"
  label          = "bootstrap"
  public_key_pem = ""
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: provider(""),
				// Without a key api_key holds the issued key.
				ConfigStateChecks: []statecheck.StateCheck{ts.expectAPIKey("rockit_machine_user.ci", "Acme", "ci_bot")},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr("rockit_machine_user.ci", "api_key_encrypted"),
					ts.resetRequests(),
				),
			},
			{
				Config: withDefault,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("rockit_machine_user.ci", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("rockit_machine_user.ci", tfjsonpath.New("api_key"), knownvalue.Null()),
					plancheck.ExpectUnknownValue("rockit_machine_user.ci", tfjsonpath.New("api_key_encrypted")),
					plancheck.ExpectKnownValue("rockit_user.bob", tfjsonpath.New("initial_password"), knownvalue.Null()),
					plancheck.ExpectKnownValue("rockit_subscription.hook", tfjsonpath.New("secret"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("rockit_machine_user.ci", tfjsonpath.New("api_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_user.bob", tfjsonpath.New("initial_password"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_user.bob", tfjsonpath.New("public_key_pem"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_subscription.hook", tfjsonpath.New("secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue("rockit_machine_user.alias", tfjsonpath.New("api_key_encrypted"), knownvalue.Null()),
					// public_key_pem = "" keeps the key in clear text despite the default.
					ts.expectAPIKey("rockit_machine_user.alias", "Acme", "alias_bot"),
				},
				Check: func(s *terraform.State) error {
					// The machine user was sealed without a request to it, so its key on the
					// mock is still the one that was in state in clear text.
					for _, r := range writeRequests(ts.Requests()) {
						if strings.Contains(r.Path, "ci_bot") || strings.Contains(string(r.Body), "ci_bot") {
							return fmt.Errorf("sealing the machine user's key sent %s %s", r.Method, r.Path)
						}
					}
					key, err := def.decryptAttr(s, "rockit_machine_user.ci", "api_key_encrypted")
					if err != nil {
						return err
					}
					if want, _ := ts.UserAPIKey("Acme", "ci_bot"); key != want {
						return fmt.Errorf("the sealed ciphertext is not the key that was in state")
					}
					if err := ts.credentialWorks(t, "Acme", "ci_bot", "", key); err != nil {
						return fmt.Errorf("the sealed key no longer works: %w", err)
					}
					// The user uses the provider's default.
					pw, err := def.decryptAttr(s, "rockit_user.bob", "initial_password_encrypted")
					if err != nil {
						return err
					}
					if want, _ := ts.UserPassword("Acme", "bob"); pw != want {
						return fmt.Errorf("bob's decrypted password is not the one the mock issued")
					}
					// The subscription's own key wins.
					if _, err := def.decryptAttr(s, "rockit_subscription.hook", "secret_encrypted"); err == nil {
						return fmt.Errorf("the subscription's secret decrypts with the provider's key, not its own")
					}
					secret, err := own.decryptAttr(s, "rockit_subscription.hook", "secret_encrypted")
					if err != nil {
						return err
					}
					if want, _ := ts.SubscriptionSecret("Acme", "build_events"); secret != want {
						return fmt.Errorf("the decrypted subscription secret is not the one the mock holds")
					}
					return nil
				},
			},
			{
				Config:           withDefault,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A bad key in ROCKIT_SECRETS_PUBLIC_KEY_PEM is a plan-time error naming the attribute and the
// variable, with no request that changes anything. (Not parallel: it sets the environment.)
func TestAccSecretsAtRest_badEnvironmentKey(t *testing.T) {
	ts := newTestServer(t)
	t.Setenv(envSecretsKey, "ssh-rsa AAAAB3NzaC1yc2E")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: ts.orgProvider(t, "Acme") + `
resource "rockit_role" "r" {
  name        = "Ops"
  permissions = { apps = ["read"] }
}
`,
			PlanOnly:    true,
			ExpectError: expectError(`The environment variable ROCKIT_SECRETS_PUBLIC_KEY_PEM, read because secrets_public_key_pem is not set, must be a PEM-encoded RSA public key of at least 2048 bits`),
		}},
	})
	if w := writeRequests(ts.Requests()); len(w) > 0 {
		t.Errorf("a bad key made write requests: %s", describeRequests(w))
	}
}

// A create whose answer is lost is adopted (the first user's and the subscription's), and the
// secret issued afterwards (credentials reset, subscribing again) obeys the key like any other:
// only ciphertext, decrypting to what the server holds now.
func TestAccSecretsAtRest_adoptedCreates(t *testing.T) {
	k := newTestKey(t)
	m := mockserver.New(mockserver.Options{AdminToken: testAdminToken})
	password := m.SeedOrg("Adopt", "admin")
	url := losingFirstAnswers(t, m, "/be/v1/users", "/be/v1/subscriptions")
	cfg := fmt.Sprintf(`
provider "rockit" {
  endpoint               = %q
  org_name               = "Adopt"
  username               = "admin"
  password               = %q
  secrets_public_key_pem = %q
}

resource "rockit_user" "u" {
  username  = "alice"
  email     = "alice@example.com"
  firstname = "Alice"
  surname   = "Liddell"
}

resource "rockit_machine_user" "m" {
  username   = "ci_bot"
  label      = "CI"
  depends_on = [rockit_user.u] # alice's create is the one whose answer is lost
}

resource "rockit_subscription" "s" {
  name = "hook"
  type = "webhook"
  url  = "https://hooks.example.com/x"
}
`, url, password, k.pem)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("rockit_user.u", tfjsonpath.New("initial_password"), knownvalue.Null()),
				statecheck.ExpectKnownValue("rockit_machine_user.m", tfjsonpath.New("api_key"), knownvalue.Null()),
				statecheck.ExpectKnownValue("rockit_subscription.s", tfjsonpath.New("secret"), knownvalue.Null()),
			},
			Check: func(s *terraform.State) error {
				conflicts := 0
				for _, r := range m.Requests() {
					if r.Method == http.MethodPost && r.Status == http.StatusConflict {
						conflicts++
					}
				}
				if conflicts != 2 { // alice's create (the first to /be/v1/users) and the subscription's
					return fmt.Errorf("%d creates were answered 409 after a lost answer, want 2 (each adopted)", conflicts)
				}
				for _, c := range []struct{ res, attr, want string }{
					{"rockit_user.u", "initial_password_encrypted", first(m.UserPassword("Adopt", "alice"))},
					{"rockit_machine_user.m", "api_key_encrypted", first(m.UserAPIKey("Adopt", "ci_bot"))},
					{"rockit_subscription.s", "secret_encrypted", first(m.SubscriptionSecret("Adopt", "hook"))},
				} {
					got, err := k.decryptAttr(s, c.res, c.attr)
					if err != nil {
						return err
					}
					if c.want == "" || got != c.want {
						return fmt.Errorf("%s.%s does not decrypt to the secret the server holds now", c.res, c.attr)
					}
				}
				return nil
			},
		}},
	})
}

func first(s string, _ bool) string { return s }
