package export

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Names that map to the same label get distinct labels; a deployment's download
// authentication key becomes a variable of its own; a machine user's export runs as itself
// and is left out. (internal/e2e runs the whole export through terraform.)
func TestWriteLabelsAndSecrets(t *testing.T) {
	mock := mockserver.New(mockserver.Options{AdminToken: "admin"})
	hs := httptest.NewServer(mock)
	defer hs.Close()
	mock.SeedOrg("Acme", "admin")
	key := mock.SeedUser("Acme", "exporter", true, "Administrators")
	c, err := client.New(client.Config{Endpoint: hs.URL, OrgName: "Acme", Username: "exporter", APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mock.SeedDeployment("Acme", "Origin[EU]")
	if _, err := c.CreateDeployment(ctx, client.CreateDeploymentRequest{
		Name:         "Origin_EU",
		Origin:       client.Origin{Type: "s3", Endpoint: "s3.eu-west-1.amazonaws.com", Bucket: "b", Prefix: "p", AccessKeyID: "AK", SecretAccessKey: "s"},
		DownloadAuth: &client.DownloadAuth{Provider: "akamai", Key: "k"},
	}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Write(ctx, c, Options{Self: "exporter"}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		`resource "rockit_deployment" "Origin_EU" {`, `name = "Origin[EU]"`,
		`resource "rockit_deployment" "Origin_EU_2" {`, `name = "Origin_EU"`,
		`key      = var.deployment_Origin_EU_2_download_auth_key`,
		`resource "rockit_user" "admin" {`,
		`The user "exporter" is left out`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the export lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"rockit_machine_user" "exporter"`) {
		t.Errorf("the export includes the user it runs as:\n%s", got)
	}
}
