package provider

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

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
	if interrupted(err) {
		s, d := interruptedDiag(summary, err)
		diags.AddError(s, d)
		return
	}
	var missing *client.MissingCredentialError
	if errors.As(err, &missing) {
		if missing.Pending {
			diags.AddError(summary, pendingDetail(missing))
			return
		}
		diags.AddError(summary, missingDetail(missing))
		return
	}
	var gone *client.OrganizationNotFoundError
	if errors.As(err, &gone) {
		diags.AddError(summary, organizationGoneDetail(gone, false))
		return
	}
	var notOffered *client.OrgNotOfferedError
	if errors.As(err, &notOffered) {
		diags.AddError(summary, orgNotOfferedDetail(notOffered, err))
		return
	}
	detail := err.Error()
	var unconfirmed *client.UnconfirmedCreateError
	var mismatch *client.SchemeMismatchError
	var endpointErr *client.EndpointError
	switch {
	case errors.As(err, &unconfirmed):
		detail += fmt.Sprintf("\n\nNothing was changed on the existing object. If it is the one you meant to create, import it "+
			"by its name (`terraform import <resource address> %s`, or an import block with id = %q); otherwise choose "+
			"another name, or delete the existing object first.", unconfirmed.Name, unconfirmed.Name)
	case errors.As(err, &mismatch):
		detail += "\n\nThe provider attribute `auth_scheme` (or " + envAuthScheme + ") selects the login flow; " +
			"\"auto\" (the default) tells the generations apart by the login's answer."
	case client.IsUnauthorized(err) && adminRequest(err):
		detail += "\n\nThe ROCKIT Edge host did not accept the administrator token: check `admin_token` (or " + envAdminToken + ")."
	case client.IsUnauthorized(err):
		detail += "\n\nThe ROCKIT Edge host did not accept the credentials: check `org_name`, `username` and `password` or " +
			"`api_key` (or " + envOrgName + ", " + envUsername + " and " + envPassword + " or " + envAPIKey + ")."
	case client.IsForbidden(err):
		detail += "\n\nThe user the provider acts as lacks a permission: grant it through one of its roles."
	case isRetryError(err):
		detail += "\n\nThe provider settings `request_timeout` (one attempt, default 30s), `max_retries` (default 5) and " +
			"`retry_max_elapsed` (all attempts of one operation, default 5m) bound the retries."
	case isCertificateError(err):
		detail += "\n\nThe ROCKIT Edge host's TLS certificate is not trusted. For a host with its own certificate authority, " +
			"set `ca_cert_pem` (or " + envCACertPEM + ") to that CA's PEM certificate; `insecure_skip_verify = true` turns " +
			"verification off and is only for test hosts."
	case errors.As(err, &endpointErr):
		detail += "\n\nCheck `endpoint` (or " + envEndpoint + "): retrying cannot help, so the request was sent once."
	}
	diags.AddError(summary, detail)
}

// addReadError is addClientError for the refresh (Read) of an object in state: an organization
// found missing then existed once, since the object was created in it.
func addReadError(diags *diag.Diagnostics, summary string, err error) {
	var gone *client.OrganizationNotFoundError
	if errors.As(err, &gone) {
		diags.AddError(summary, organizationGoneDetail(gone, true))
		return
	}
	addClientError(diags, summary, err)
}

// getClient reads the provider data handed to Configure of a resource or data source.
func getClient(data any, diags *diag.Diagnostics) *client.Client {
	if data == nil {
		return nil // the provider is not configured yet (validation); the framework calls again.
	}
	switch d := data.(type) {
	case *providerData:
		return d.client
	case *client.Client:
		return d
	}
	diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; this is a bug in the provider", data))
	return nil
}

// isCertificateError reports whether err is a failed TLS certificate verification.
func isCertificateError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	return errors.As(err, &certErr) || errors.As(err, &authErr) || errors.As(err, &hostErr)
}

// credentialsLost handles a create whose answer was lost, whose object was adopted as this
// apply's own, and whose secret (attribute secretAttr) could not be obtained again
// (*client.CredentialsLostError). It adds an error saying so and reports true: the caller then
// saves the object to state with the secret null, so that nothing exists on the server that
// state does not know; Terraform marks the resource tainted because of the error, and the next
// apply replaces it, which issues a new secret.
func credentialsLost(diags *diag.Diagnostics, typ, secretAttr, rotation string, err error) bool {
	var lost *client.CredentialsLostError
	if !errors.As(err, &lost) {
		return false
	}
	detail := fmt.Sprintf("%s.\n\nThe %s %q exists and is saved in state with %s unknown (null); it is marked "+
		"tainted, so the next apply replaces it (deletes it and creates it again), which issues a new %s.",
		err, lost.Kind, lost.Name, secretAttr, secretAttr)
	if rotation != "" {
		detail += fmt.Sprintf(" To keep it instead, run `terraform untaint %s.<resource name>` and change `%s` to issue a new %s.",
			typ, rotation, secretAttr)
	}
	diags.AddError("Created without its "+secretAttr, detail)
	return true
}

// isRetryError reports whether err is a request that ended without a definite answer after its
// attempts (client.RequestError).
func isRetryError(err error) bool {
	var re *client.RequestError
	return errors.As(err, &re)
}

// interrupted reports whether err is an operation that Terraform's stop (Ctrl-C) ended with
// nothing changed on the server: its request never left (client.NotSent), or it was cancelled
// before an attempt that may have acted (else client.OutcomeUnknown holds, and the caller
// keeps the object with its evidence).
func interrupted(err error) bool {
	return client.Stopped(err) && !client.OutcomeUnknown(err)
}

// notDone says, per verb of an error summary ("Error creating role"), what became of the object
// when nothing reached the server.
var notDone = map[string]string{
	"creating": "was not created", "updating": "was not changed", "deleting": "was not deleted",
	"reading": "was not read", "importing": "was not imported",
}

// interruptedDiag is the error of an operation that Terraform's stop ended before anything
// reached the server: the summary says it was interrupted, the detail leads with what state the
// object is in and the one step that finishes it. summary is the caller's "Error <verb> <kind>".
func interruptedDiag(summary string, err error) (string, string) {
	when := "before the request was sent"
	if !client.NotSent(err) {
		when = "before the request took effect" // a read cut off, or a retry never sent
	}
	verb, kind, ok := strings.Cut(strings.TrimPrefix(summary, "Error "), " ")
	state, known := notDone[verb]
	if !ok || !known || !strings.HasPrefix(summary, "Error ") {
		return summary + ": interrupted", fmt.Sprintf("Terraform was interrupted (Ctrl-C or a stop signal) %s: nothing "+
			"changed on the ROCKIT Edge host. Run the command again to finish it.\n\n%s.", when, err)
	}
	return "Interrupted before " + verb + " " + kind, fmt.Sprintf("Terraform was interrupted (Ctrl-C or a stop signal) %s, "+
		"so the %s %s: nothing changed on the ROCKIT Edge host, and the state is as before. Run the command again to "+
		"finish it.\n\n%s.", when, kind, state, err)
}

// adminRequest reports whether err answers a request of the organization endpoints, which the
// administrator token authorizes (everything else uses the org-scoped credentials).
func adminRequest(err error) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && strings.HasPrefix(apiErr.Path, "/be/v1/orgs")
}
