package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The public_key_pem description of each resource with an issued secret names that secret's
// own use, not the machine user's (issue 23 item 9: rockit_user and rockit_subscription said
// "a machine user whose key feeds an aliased provider").
func TestPublicKeyDescriptionsFitTheirResource(t *testing.T) {
	resp, err := providerserver.NewProtocol6(New("test")())().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"rockit_machine_user": "a machine user whose key feeds an aliased provider",
		"rockit_user":         "an initial password handed on through a sensitive output",
		"rockit_subscription": "the webhook's receiver",
	} {
		var desc string
		for _, a := range resp.ResourceSchemas[name].Block.Attributes {
			if a.Name == "public_key_pem" {
				desc = a.Description
			}
		}
		if !strings.Contains(desc, want) {
			t.Errorf("%s public_key_pem does not say %q:\n%s", name, want, desc)
		}
		if name != "rockit_machine_user" && strings.Contains(desc, "machine user") {
			t.Errorf("%s public_key_pem speaks of a machine user:\n%s", name, desc)
		}
	}
}

// An import of an organization cannot check that it exists (no read endpoint): the import
// warns so, and a destroy of an organization that does not exist deletes nothing and warns
// instead of reporting the 404 silently as a success (issue 23 item 9).
func TestOrganization_importAndDestroyOfAMissingOrganizationWarn(t *testing.T) {
	ts := newTestServer(t)
	ts.SeedOrg("Acme", "admin")
	p := protoNewServer(t, map[string]any{"endpoint": ts.URL, "admin_token": testAdminToken, "max_retries": int64(0)})
	imp := p.protoImportResponse("rockit_organization", "Acme_Typo", nil)
	protoNoErrors(t, "ImportResourceState", imp.Diagnostics)
	if !hasWarning(imp.Diagnostics, "The organization's existence was not checked", `the import of "Acme_Typo" cannot check that it exists`) {
		t.Errorf("the import of an organization does not warn that it was not checked: %+v", imp.Diagnostics)
	}
	typ := p.resourceType("rockit_organization")
	resp, err := p.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "rockit_organization", PriorState: imp.ImportedResources[0].State,
		PlannedState: protoDynamic(t, typ, nil), Config: protoDynamic(t, typ, nil), PlannedPrivate: imp.ImportedResources[0].Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	protoNoErrors(t, "ApplyResourceChange (delete)", resp.Diagnostics)
	if !hasWarning(resp.Diagnostics, "Organization not found", `The organization "Acme_Typo" did not exist on the host (the delete answered 404): nothing was deleted`) {
		t.Errorf("the destroy of a missing organization does not warn: %+v", resp.Diagnostics)
	}
	if dels := ts.requestsMatching("DELETE", "/be/v1/orgs/"); len(dels) != 1 || dels[0].Status != 404 {
		t.Errorf("want one DELETE answered 404, got %s", describeRequests(dels))
	}
	if !ts.OrgExists("Acme") {
		t.Error("the other organization was deleted")
	}
}

// hasWarning reports whether diags hold a warning with this summary whose detail contains detail.
func hasWarning(diags []*tfprotov6.Diagnostic, summary, detail string) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning && d.Summary == summary && strings.Contains(d.Detail, detail) {
			return true
		}
	}
	return false
}
