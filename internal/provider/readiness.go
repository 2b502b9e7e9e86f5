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
//
// The check runs in the plan Terraform makes before the apply and again in the one it makes
// of each resource during the apply, after the resources it depends on were applied: the
// message says only what holds in both (nothing was sent for typeName), never that nothing
// was changed.
func checkProviderServes(c *client.Client, scope client.Scope, typeName string, diags *diag.Diagnostics) {
	if c == nil {
		return // not configured yet (validation)
	}
	var m *client.MissingCredentialError
	if !errors.As(c.CheckCredentials(scope), &m) || m.Pending {
		return
	}
	if rec, ok := invitationOf(m); ok {
		diags.AddError("Provider configuration cannot manage "+typeName, invitationDetail(rec, typeName))
		return
	}
	diags.AddError("Provider configuration cannot manage "+typeName,
		missingDetail(m)+"\n\nIf "+typeName+" should use another provider configuration, set its `provider` argument "+
			"(e.g. `provider = rockit.studio`). Nothing was sent for "+typeName+".")
}

// missingDetail says which credentials a provider configuration lacks and where to set them.
// What it knows of the cause leads: an invitation its organization's create was answered with
// (invitationDetail, alone), or why a secret in the environment was not used (Hint). When the
// secret alone is missing and no invitation is known, one paragraph lists the ways an output fed
// to it can be null.
func missingDetail(m *client.MissingCredentialError) string {
	if rec, ok := invitationOf(m); ok {
		return invitationDetail(rec, "")
	}
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
		detail = m.Hint + "\n\n" + detail
	}
	if len(creds) == 1 && creds[0] == client.CredentialSecret {
		detail += "\n\n" + nullSecretCauses
	}
	return detail
}

// nullSecretCauses lists, in one paragraph, the outputs that are null when fed to a provider
// configuration's secret, each with its one step.
const nullSecretCauses = "A secret fed from another resource is null when it is `admin_initial_password` of a " +
	"rockit_organization with `public_key_pem` (the API returns it only encrypted: decrypt " +
	"`admin_initial_password_encrypted` outside Terraform and pass it in a sensitive variable, or drop " +
	"`public_key_pem` to bootstrap in one apply), or of an organization on a host that sends invitations (its create " +
	"warned \"Invitation sent instead of an initial password\": once the administrator has set a password, pass it in " +
	"a sensitive variable), or `api_key` of a rockit_machine_user whose key is encrypted (set `public_key_pem = \"\"` " +
	"on it, or decrypt `api_key_encrypted` and pass it in)."

// invitationOf returns the record of an invitation answer for the organization and user of a
// configuration that lacks only its secret.
func invitationOf(m *client.MissingCredentialError) (invitationRecord, bool) {
	creds := m.Missing
	if len(creds) == 0 {
		creds = []client.Credential{m.Credential}
	}
	if len(creds) != 1 || creds[0] != client.CredentialSecret {
		return invitationRecord{}, false
	}
	return pendingInvitation(m.Endpoint, m.OrgName, m.Username)
}

// invitationDetail is the whole message for a provider configuration whose password is missing
// because its organization's create was answered with an invitation: the cause, the state, the
// one step. typeName ("" for a data source's read) is what was not created.
func invitationDetail(rec invitationRecord, typeName string) string {
	to := "the administrator's e-mail address"
	if rec.Email != "" {
		to = rec.Email
	}
	what := "nothing inside it was read or created"
	if typeName != "" {
		what = typeName + " was not created"
	}
	return fmt.Sprintf("The host created the organization %q with an invitation instead of an initial password: its first "+
		"administrator %q has no password until they accept the invitation sent to %s, so `admin_initial_password` is "+
		"null and this provider configuration cannot log in yet.\n\n"+
		"The organization exists and is kept in state; %s, and no request was sent with this provider configuration.\n\n"+
		"Once the administrator has accepted the invitation and set a password, pass it to this provider configuration "+
		"(`password = var.<name>`, a sensitive variable) and apply again. (To destroy the organization before that, run "+
		"`terraform destroy -refresh=false`: a plain destroy first refreshes what this provider configuration serves, "+
		"which needs the password.)", rec.Org, rec.Admin, to, what)
}

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
// (e.Known, asked of the run memory) or, objectsInState, objects created in it (a refresh of them). Later errors of the
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
	case e.Known:
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
