package provider

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// credentialSettings names the provider attribute and environment variable of each credential.
var credentialSettings = map[client.Credential]string{
	client.CredentialEndpoint:   "`endpoint` (or " + envEndpoint + ")",
	client.CredentialAdminToken: "`admin_token` (or " + envAdminToken + ")",
	client.CredentialOrgName:    "`org_name` (or " + envOrgName + ")",
	client.CredentialUsername:   "`username` (or " + envUsername + ")",
	client.CredentialSecret:     "`password` (or " + envPassword + ") for a backend user, or `api_key` (or " + envAPIKey + ") for a machine user",
}

// addClientError turns a client error into a diagnostic whose detail tells the user what to do.
// summary says what failed, e.g. "Error creating organization".
func addClientError(diags *diag.Diagnostics, summary string, err error) {
	var missing *client.MissingCredentialError
	if errors.As(err, &missing) {
		diags.AddError(summary, fmt.Sprintf(
			"The provider configuration has no %s. Set the provider attribute %s; it is needed for %s.",
			missing.Credential, credentialSettings[missing.Credential], missing.Purpose))
		return
	}
	detail := err.Error()
	var notOffered *client.OrgNotOfferedError
	var mismatch *client.SchemeMismatchError
	switch {
	case errors.As(err, &notOffered):
		detail += "\n\nSet `org_name` (or " + envOrgName + ") to one of the organizations the login offered, " +
			"or add the user to that organization."
	case errors.As(err, &mismatch):
		detail += "\n\nThe provider attribute `auth_scheme` (or " + envAuthScheme + ") selects the login flow; " +
			"\"auto\" (the default) tells the generations apart by the login's answer."
	case client.IsUnauthorized(err):
		detail += "\n\nThe ROCKIT Edge host did not accept the credentials. Check `admin_token` (" + envAdminToken +
			") for organizations, and `org_name`, `username` and `password` or `api_key` for everything inside an organization."
	case client.IsForbidden(err):
		detail += "\n\nThe user the provider acts as lacks a permission: grant it through one of its roles."
	case isCertificateError(err):
		detail += "\n\nThe ROCKIT Edge host's TLS certificate is not trusted. For a host with its own certificate authority, " +
			"set `ca_cert_pem` (or " + envCACertPEM + ") to that CA's PEM certificate; `insecure_skip_verify = true` turns " +
			"verification off and is only for test hosts."
	}
	diags.AddError(summary, detail)
}

// getClient reads the provider data handed to Configure of a resource or data source.
func getClient(data any, diags *diag.Diagnostics) *client.Client {
	if data == nil {
		return nil // the provider is not configured yet (validation); the framework calls again.
	}
	c, ok := data.(*client.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *client.Client, got %T; this is a bug in the provider", data))
		return nil
	}
	return c
}

// isCertificateError reports whether err is a failed TLS certificate verification.
func isCertificateError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	return errors.As(err, &certErr) || errors.As(err, &authErr) || errors.As(err, &hostErr)
}
