package export

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// exportOf seeds the organization Acme with a machine user "exporter" holding roles, lets
// seed add objects, and returns what the export running as that user writes, with the
// warnings it gave.
func exportOf(t *testing.T, opts Options, seed func(m *mockserver.Server, c *client.Client), roles ...string) (string, []string) {
	t.Helper()
	_, c := seeded(t, seed, roles...)
	var warnings []string
	opts.Self = "exporter"
	opts.Warn = func(s string) { warnings = append(warnings, s) }
	var out bytes.Buffer
	if err := Write(context.Background(), c, opts, &out); err != nil {
		t.Fatal(err)
	}
	return out.String(), warnings
}

// seeded is a mock with the organization Acme, a machine user "exporter" holding roles and
// what seed adds, and a client of it as that user.
func seeded(t *testing.T, seed func(m *mockserver.Server, c *client.Client), roles ...string) (*mockserver.Server, *client.Client) {
	t.Helper()
	mock := mockserver.New(mockserver.Options{AdminToken: "admin"})
	hs := httptest.NewServer(mock)
	t.Cleanup(hs.Close)
	mock.SeedOrg("Acme", "admin")
	key := mock.SeedUser("Acme", "exporter", true, roles...)
	c, err := client.New(client.Config{Endpoint: hs.URL, OrgName: "Acme", Username: "exporter", APIKey: key, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	seed(mock, c)
	return mock, c
}

// resourceBlock matches the resource block of typ with this label whose name is name.
func hasResource(out, typ, label, nameAttr, name string) bool {
	re := regexp.MustCompile(`(?m)^resource "` + regexp.QuoteMeta(typ) + `" "` + regexp.QuoteMeta(label) + `" \{\n\s+` +
		nameAttr + `\s+= "` + regexp.QuoteMeta(name) + `"`)
	return re.MatchString(out)
}

// A name that is a valid label keeps it, whatever the order: the deployment named Origin_US
// is rockit_deployment.Origin_US, and Origin[US] takes the next free label (issue 23 item 7).
// A deployment's download authentication key becomes a variable of its own; the user the
// export runs as and the built-in role are left out, each with a comment. (internal/e2e runs
// the whole export through terraform.)
func TestWriteLabelsAndSecrets(t *testing.T) {
	out, warnings := exportOf(t, Options{}, func(m *mockserver.Server, c *client.Client) {
		m.SeedDeployment("Acme", "Origin[US]")
		m.SeedDeployment("Acme", "Origin[EU]")
		if _, err := c.CreateDeployment(context.Background(), client.CreateDeploymentRequest{
			Name:         "Origin_US",
			Origin:       client.Origin{Type: "s3", Endpoint: "s3.eu-west-1.amazonaws.com", Bucket: "b", Prefix: "p", AccessKeyID: "AK", SecretAccessKey: "s"},
			DownloadAuth: &client.DownloadAuth{Provider: "akamai", Key: "k"},
		}); err != nil {
			t.Fatal(err)
		}
		m.SeedUser("Acme", "2nd_admin", false, "Administrators")
	}, "Administrators")
	for _, r := range [][2]string{{"Origin_US", "Origin_US"}, {"Origin_US_2", "Origin[US]"}, {"Origin_EU", "Origin[EU]"}} {
		if !hasResource(out, "rockit_deployment", r[0], "name", r[1]) {
			t.Errorf("the deployment %q is not rockit_deployment.%s:\n%s", r[1], r[0], out)
		}
	}
	if !hasResource(out, "rockit_user", "_2nd_admin", "username", "2nd_admin") {
		t.Errorf("a name with a leading digit is not given a label with a leading _:\n%s", out)
	}
	for _, want := range []string{
		`secret_access_key = var.deployment_Origin_US_secret_access_key`,
		`secret_access_key = var.deployment_Origin_US_2_secret_access_key`,
		`key      = var.deployment_Origin_US_download_auth_key`,
		`The user "exporter" is left out`,
		`The role "Administrators" is left out: every organization has it built in`,
		`state
  # keeps them (rockit-export -write-only writes the write-only attributes instead).`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the export lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"rockit_machine_user" "exporter"`) || strings.Contains(out, `"rockit_role" "Administrators"`) {
		t.Errorf("the export includes the user it runs as or the built-in role:\n%s", out)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings without a 403: %q", warnings)
	}
}

// -write-only: the secrets go to the write-only attributes, version 1, from ephemeral
// variables; secret_access_key and key are not written.
func TestWriteWriteOnlySecrets(t *testing.T) {
	out, _ := exportOf(t, Options{WriteOnly: true}, func(_ *mockserver.Server, c *client.Client) {
		if _, err := c.CreateDeployment(context.Background(), client.CreateDeploymentRequest{
			Name:         "Origin[US]",
			Origin:       client.Origin{Type: "s3", Endpoint: "s3.eu-west-1.amazonaws.com", Bucket: "b", Prefix: "p", AccessKeyID: "AK", SecretAccessKey: "s"},
			DownloadAuth: &client.DownloadAuth{Provider: "gcore", Key: "k"},
		}); err != nil {
			t.Fatal(err)
		}
	}, "Administrators")
	for _, want := range []string{
		`secret_access_key_wo         = var.deployment_Origin_US_secret_access_key`,
		`secret_access_key_wo_version = 1`,
		`key_wo         = var.deployment_Origin_US_download_auth_key`,
		`key_wo_version = 1`,
		`ephemeral   = true`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the export lacks %q:\n%s", want, out)
		}
	}
	if regexp.MustCompile(`(?m)^\s+(secret_access_key|key)\s+=`).MatchString(out) {
		t.Errorf("the write-only export writes a secret attribute that state keeps:\n%s", out)
	}
}

// A type the user may not read (403) is left out, named in a comment at the top and a
// warning; everything else is exported (issue 23 item 7).
func TestWriteForbiddenTypeIsSkipped(t *testing.T) {
	out, warnings := exportOf(t, Options{}, func(m *mockserver.Server, _ *client.Client) {
		m.SeedDeployment("Acme", "Origin_A")
		m.SeedApp("Acme", "Game", "Game", 0, 0)
		m.SeedRole("Acme", "Dev", map[string]int{"apps": 2})
		m.SeedRole("Acme", "Reader", map[string]int{"roles": 2, "beUsers": 2, "apps": 2, "subscriptions": 2})
	}, "Reader")
	want := "The deployments could not be read, so none is exported: the export's user lacks the `deployments` read permission"
	if len(warnings) != 1 || !strings.Contains(warnings[0], want) {
		t.Errorf("warnings = %q, want one saying %q", warnings, want)
	}
	if !strings.Contains(out, "# NOT EXPORTED: "+want) {
		t.Errorf("the export does not say what it left out:\n%s", out)
	}
	for _, r := range [][3]string{{"rockit_app", "Game", "name"}, {"rockit_role", "Dev", "name"}, {"rockit_user", "admin", "username"}} {
		if !hasResource(out, r[0], r[1], r[2], r[1]) {
			t.Errorf("the export lacks %s.%s:\n%s", r[0], r[1], out)
		}
	}
	if strings.Contains(out, "rockit_deployment") {
		t.Errorf("the export writes deployments it could not read:\n%s", out)
	}
}
