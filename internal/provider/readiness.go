package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// This file holds what every resource and data source shares about whether its provider
// configuration can serve it, and the messages that say what to do when it cannot.

// checkProviderServes adds a plan-time error to a resource's plan when its provider configuration
// is known to lack a credential that typeName needs (scope: the organization resource needs the
// admin token, everything else the org-scoped credentials; both need the endpoint). Credentials
// configured from values not known yet (the bootstrap pattern) are fine: Terraform configures
// the provider again with them before it applies. Resources call it from ModifyPlan; data
// sources need no call, since their first request fails the same way while planning.
func checkProviderServes(c *client.Client, scope client.Scope, typeName string, diags *diag.Diagnostics) {
	if c == nil {
		return // not configured yet (validation)
	}
	var m *client.MissingCredentialError
	if !errors.As(c.CheckCredentials(scope), &m) || m.Pending {
		return
	}
	diags.AddError("Provider configuration cannot manage "+typeName,
		missingDetail(m)+"\n\nIf "+typeName+" should use another provider configuration, set its `provider` argument "+
			"(e.g. `provider = rockit.studio`). Nothing was changed: this is checked while planning.")
}

// missingDetail says which credentials a provider configuration lacks and where to set them.
func missingDetail(m *client.MissingCredentialError) string {
	creds := m.Missing
	if len(creds) == 0 {
		creds = []client.Credential{m.Credential}
	}
	names := make([]string, 0, len(creds))
	settings := make([]string, 0, len(creds))
	for _, c := range creds {
		names = append(names, string(c))
		settings = append(settings, credentialSettings[c])
	}
	attr := "attribute"
	if len(creds) > 1 {
		attr = "attributes"
	}
	detail := fmt.Sprintf("The provider configuration has no %s. Set the provider %s %s; it is needed for %s.",
		joinAnd(names), attr, joinAnd(settings), m.Purpose)
	if m.Hint != "" {
		detail += "\n\n" + m.Hint
	}
	if len(creds) == 1 && creds[0] == client.CredentialSecret {
		detail += "\n\nIf `password` is set from `admin_initial_password` of a rockit_organization that has `public_key_pem`, " +
			"it is null: the API encrypts that organization's initial password (`admin_initial_password_encrypted`), so it " +
			"cannot feed a provider configuration. Decrypt it outside Terraform and pass it in (a sensitive variable, or " +
			envPassword + " with " + envOrgName + " and " + envUsername + " naming that organization and user), or create the organization without `public_key_pem` " +
			"to bootstrap it in one apply." +
			"\n\n" + invitationNote +
			"\n\nLikewise, if `api_key` is set from `api_key` of a rockit_machine_user whose key is encrypted (its " +
			"`public_key_pem`, or the provider's `secrets_public_key_pem`), it is null: only `api_key_encrypted` is kept. " +
			"Set `public_key_pem = \"\"` on that machine user to keep its key in clear (sensitive) state for the alias, or " +
			"decrypt it outside Terraform and pass it in (a sensitive variable, or " + envAPIKey + " with " + envOrgName +
			" and " + envUsername + " naming that organization and machine user)."
	}
	return detail
}

// invitationNote explains the invitation generation of hosts (contract section 4) to a provider
// configuration whose password, fed from an organization's admin_initial_password, is null.
const invitationNote = "On a ROCKIT Edge host of the invitation generation (ROCKITPLAY's \"Create Organization\" of " +
	"2025-10-15), `admin_initial_password` is always null: the first administrator gets an invitation e-mail at " +
	"`admin_email` instead of an initial password, and the account is active once that address is confirmed. Such an " +
	"organization cannot feed a provider configuration in the apply that creates it. Bootstrap it in two applies: the " +
	"first creates the organization (and sends the invitation); once the administrator has accepted it and set a " +
	"password, pass that password to this provider configuration (a sensitive variable) and apply again."

// pendingDetail explains a data source read while its provider configuration's credentials are
// not known yet: the bootstrap alias, fed from an organization created in the same run.
func pendingDetail(m *client.MissingCredentialError) string {
	creds := m.Missing
	if len(creds) == 0 {
		creds = []client.Credential{m.Credential}
	}
	names := make([]string, 0, len(creds))
	for _, c := range creds {
		names = append(names, "`"+strings.ReplaceAll(string(c), " or ", "` or `")+"`")
	}
	return fmt.Sprintf("The provider configuration's %s is not known yet: it comes from a value known only during apply, "+
		"such as an output of a rockit_organization created in the same run. Terraform reads a data source while planning, "+
		"before that value exists.\n\nAdd `depends_on = [rockit_organization.<name>]` to the data source: Terraform then "+
		"reads it during apply, once the organization exists.", joinAnd(names))
}

// organizationGoneDetail says that the organization of the org-scoped credentials does not
// exist. It leads with the likeliest cause, a wrong org_name; the way back for an organization
// deleted outside Terraform comes only when it existed: the state holds the organization
// (e.InState) or, objectsInState, objects created in it (a refresh of them). Later errors of the
// same run point to the first for the host's answer, and still give the way back when they know it existed.
func organizationGoneDetail(e *client.OrganizationNotFoundError, objectsInState bool) string {
	lead := fmt.Sprintf("organization %q does not exist: check `org_name` / `%s` (names are case-sensitive).", e.OrgName, envOrgName)
	answer := fmt.Sprintf("\n\nThe host answered: %s.", e.Cause)
	if e.Repeated {
		// The first error may have come from a data source, which cannot know that the
		// organization existed: a Read of an object in state still gives the way back.
		answer = " (The host said so once already and was not asked again: see the first error about it.)"
	}
	const recreate = "To create it again with everything Terraform manages in it (also while deletion_protection = true), run\n\n" +
		"  terraform state rm rockit_organization.<name>\n\n" +
		"which forgets the deleted organization (no request), then\n\n" +
		"  terraform apply -refresh=false\n\n" +
		"which creates the organization again without reading what was in it, then\n\n" +
		"  terraform apply\n\n" +
		"which finds the objects inside it gone and creates them again."
	switch {
	case e.InState:
		return fmt.Sprintf("%s%s\n\nThe Terraform state holds rockit_organization %q, so it existed: "+
			"it was deleted outside Terraform, and everything in it with it. %s", lead, answer, e.OrgName, recreate)
	case objectsInState:
		return fmt.Sprintf("%s%s\n\nThe Terraform state holds objects created in %q, so it existed: "+
			"it was probably deleted outside Terraform, and everything in it with it. If a rockit_organization in this "+
			"configuration manages it: %s", lead, answer, e.OrgName, recreate)
	}
	return lead + answer
}

// orgNotOfferedDetail says that a 2026 login does not offer the configured organization: it does
// not exist, or the user is not a member. It lists what the login offered, with the name that
// differs only in case first.
func orgNotOfferedDetail(e *client.OrgNotOfferedError, err error) string {
	detail := fmt.Sprintf("organization %q does not exist, or user %q is not a member of it: check `org_name` / `%s` "+
		"(names are case-sensitive).", e.OrgName, e.Username, envOrgName)
	if len(e.Offered) == 0 {
		detail += fmt.Sprintf(" The login offered no organization to user %q.", e.Username)
	} else {
		detail += fmt.Sprintf(" The login offered: %s.", strings.Join(e.Offered, ", "))
		for _, o := range e.Offered {
			if strings.EqualFold(o, e.OrgName) {
				detail += fmt.Sprintf(" Did you mean %q?", o)
				break
			}
		}
	}
	return detail + fmt.Sprintf("\n\nThe host answered: %s.\n\nSet `org_name` (or %s) to one of the organizations the login "+
		"offered, or add the user to that organization.", err, envOrgName)
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// dataSourceBootstrapNote ends the description of every data source: data sources are read
// while planning, so behind the bootstrap configuration they need depends_on.
const dataSourceBootstrapNote = "\n\nA data source is read while planning. When its provider configuration gets its credentials " +
	"from a `rockit_organization` created in the same run (the bootstrap pattern), add " +
	"`depends_on = [rockit_organization.<name>]` so that it is read during apply, once the organization exists; " +
	"without it the plan fails saying that the credentials are not known yet."
