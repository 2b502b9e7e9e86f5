package mockserver

import "testing"

// An invitation host's administrator cannot log in until the invitation is accepted; POST
// /_mock/orgs/{name}/accept-invitation accepts it as the e-mail's link would and answers the
// password set, which then logs in. A second accept, an unknown organization or user, fail.
func TestAcceptInvitationEndpoint(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken, OrgInvitations: true})
	code, env := foundationCall(t, s, "POST", "/be/v1/orgs", adminHeaders(), map[string]any{"name": "Invited", "adminEmail": "ops@example.com"})
	expectEnvelope(t, code, env, 200, "")
	if _, ok := env["data"].(map[string]any)["initialPassword"]; ok {
		t.Fatalf("an invitation host answered an initial password: %v", env)
	}
	code, env = foundationCall(t, s, "POST", "/be/v1/login", nil, map[string]any{"orgName": "Invited", "username": "admin", "password": "pw_guess"})
	expectEnvelope(t, code, env, 401, "login failed")

	code, env = foundationCall(t, s, "POST", "/_mock/orgs/Invited/accept-invitation", nil, nil)
	expectEnvelope(t, code, env, 200, "")
	data := env["data"].(map[string]any)
	pw, _ := data["password"].(string)
	if data["orgName"] != "Invited" || data["username"] != "admin" || pw == "" {
		t.Fatalf("accept-invitation answered %v, want the organization, the administrator and a password", data)
	}
	loginAndAuth(t, s, "Invited", "admin", pw)

	code, env = foundationCall(t, s, "POST", "/_mock/orgs/Invited/accept-invitation?username=admin", nil, nil)
	expectEnvelope(t, code, env, 409, "user 'admin' has a password already: no invitation is pending")
	code, env = foundationCall(t, s, "POST", "/_mock/orgs/Invited/accept-invitation?username=nobody", nil, nil)
	expectEnvelope(t, code, env, 404, "no invited user 'nobody'")
	code, env = foundationCall(t, s, "POST", "/_mock/orgs/Missing/accept-invitation", nil, nil)
	expectEnvelope(t, code, env, 404, "organization 'Missing' not found")
	if n := len(s.Requests()); n != 4 {
		t.Errorf("request log holds %d requests, want the 4 of the API (the /_mock/ endpoints are not logged)", n)
	}
}
