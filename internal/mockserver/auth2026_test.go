package mockserver

import (
	"testing"
	"time"
)

// login2026 runs both login steps for the seeded administrator and returns the tokens.
func login2026(t *testing.T, s *Server, org, password string) (access, refresh string) {
	t.Helper()
	code, env := foundationCall(t, s, "POST", "/be/v1/login", nil,
		map[string]string{"orgName": "Ignored", "username": "admin", "password": password})
	expectEnvelope(t, code, env, 200, "")
	data := env["data"].(map[string]any)
	sel, _ := data["selectionToken"].(string)
	if sel == "" || data["sessionToken"] != nil {
		t.Fatalf("step 1 answer %v: want a selectionToken and no sessionToken", data)
	}
	code, env = foundationCall(t, s, "POST", "/be/v1/login", map[string]string{headerAuthorization: "Bearer " + sel},
		map[string]string{"orgName": org})
	expectEnvelope(t, code, env, 200, "")
	data = env["data"].(map[string]any)
	access, _ = data["accessToken"].(string)
	refresh, _ = data["refreshToken"].(string)
	if access == "" || refresh == "" || data["expiresIn"] != float64(2) || data["refreshExpiresIn"] != float64(60) {
		t.Fatalf("step 2 answer %v: want both tokens with expiresIn 2 and refreshExpiresIn 60", data)
	}
	return access, refresh
}

func TestAuth2026_LoginSelectRefreshLogout(t *testing.T) {
	clock := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{AdminToken: foundationAdminToken, AuthScheme: AuthScheme2026,
		AuthTokenTTL: 2 * time.Second, SessionTTL: time.Minute, Now: func() time.Time { return clock }})
	pw := s.SeedOrg("Acme", "admin")
	s.SeedOrg("Other", "someone")

	// Step 1 lists only the organizations where the password matches.
	code, env := foundationCall(t, s, "POST", "/be/v1/login", nil, map[string]string{"username": "admin", "password": pw})
	expectEnvelope(t, code, env, 200, "")
	if orgs := env["data"].(map[string]any)["orgs"].([]any); len(orgs) != 1 || orgs[0] != "Acme" {
		t.Fatalf("orgs %v, want [Acme]", orgs)
	}
	sel := env["data"].(map[string]any)["selectionToken"].(string)
	// Step 2 for an organization the login did not offer is 403 naming it.
	code, env = foundationCall(t, s, "POST", "/be/v1/login", map[string]string{headerAuthorization: "Bearer " + sel}, map[string]string{"orgName": "Other"})
	expectEnvelope(t, code, env, 403, "does not belong to organization 'Other'")

	access, refresh := login2026(t, s, "Acme", pw)
	bearer := map[string]string{headerAuthorization: "Bearer " + access}
	code, env = foundationCall(t, s, "GET", "/be/v1/roles", bearer, nil)
	expectEnvelope(t, code, env, 200, "")
	// The 2025 header with the same token is ignored: 401.
	code, env = foundationCall(t, s, "GET", "/be/v1/roles", map[string]string{headerAuthToken: access}, nil)
	expectEnvelope(t, code, env, 401, "Authorization: Bearer")
	// The 2025 auth endpoint is gone.
	code, env = foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: refresh}, nil)
	expectEnvelope(t, code, env, 404, "/be/v1/refresh")

	// The access token expires; the refresh rotates both tokens; the used one is dead.
	clock = clock.Add(3 * time.Second)
	code, env = foundationCall(t, s, "GET", "/be/v1/roles", bearer, nil)
	expectEnvelope(t, code, env, 401, "expired")
	code, env = foundationCall(t, s, "POST", "/be/v1/refresh", map[string]string{headerAuthorization: "Bearer " + refresh}, map[string]any{})
	expectEnvelope(t, code, env, 200, "")
	data := env["data"].(map[string]any)
	access2, refresh2 := data["accessToken"].(string), data["refreshToken"].(string)
	if access2 == "" || refresh2 == "" || access2 == access || refresh2 == refresh {
		t.Fatalf("refresh answer %v: want new access and refresh tokens", data)
	}
	code, env = foundationCall(t, s, "POST", "/be/v1/refresh", map[string]string{headerAuthorization: "Bearer " + refresh}, map[string]any{})
	expectEnvelope(t, code, env, 401, "used or revoked")
	code, env = foundationCall(t, s, "GET", "/be/v1/roles", map[string]string{headerAuthorization: "Bearer " + access2}, nil)
	expectEnvelope(t, code, env, 200, "")

	// Logout ends the access token and its refresh token.
	code, env = foundationCall(t, s, "POST", "/be/v1/logout", map[string]string{headerAuthorization: "Bearer " + access2}, map[string]any{})
	expectEnvelope(t, code, env, 200, "logged out")
	code, env = foundationCall(t, s, "POST", "/be/v1/refresh", map[string]string{headerAuthorization: "Bearer " + refresh2}, map[string]any{})
	expectEnvelope(t, code, env, 401, "")

	// A revoked refresh token is refused as well.
	_, refresh3 := login2026(t, s, "Acme", pw)
	if n := s.RevokeRefreshTokens(); n != 1 {
		t.Fatalf("revoked %d refresh tokens, want 1", n)
	}
	code, env = foundationCall(t, s, "POST", "/be/v1/refresh", map[string]string{headerAuthorization: "Bearer " + refresh3}, map[string]any{})
	expectEnvelope(t, code, env, 401, "revoked")

	var kinds []string
	for _, r := range s.Requests() {
		kinds = append(kinds, r.Path+":"+r.Auth)
	}
	want := map[string]bool{"/be/v1/login:": true, "/be/v1/login:selection": true, "/be/v1/roles:bearer": true,
		"/be/v1/roles:authToken": true, "/be/v1/refresh:refresh": true, "/be/v1/logout:bearer": true}
	for _, k := range kinds {
		delete(want, k)
	}
	if len(want) > 0 {
		t.Errorf("request log auth kinds %v lack %v", kinds, want)
	}
}

func TestAuth2026_AdminTokenAndAPIKey(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken, AuthScheme: AuthScheme2026})
	s.SeedOrg("Acme", "admin")
	// The admin token in the 2025 header is ignored: 401; as Bearer it is accepted (404: no such org).
	code, env := foundationCall(t, s, "DELETE", "/be/v1/orgs/Nope", adminHeaders(), nil)
	expectEnvelope(t, code, env, 401, "administrator token")
	code, env = foundationCall(t, s, "DELETE", "/be/v1/orgs/Nope", map[string]string{headerAuthorization: "Bearer " + foundationAdminToken}, nil)
	expectEnvelope(t, code, env, 404, "not found")
	// Machine users keep the API-key headers; combined with a Bearer token they are a 400.
	key := s.SeedUser("Acme", "ci", true, AdministratorsRole)
	apiKey := map[string]string{headerOrgName: "Acme", headerUsername: "ci", headerAPIKey: key}
	code, env = foundationCall(t, s, "GET", "/be/v1/roles", apiKey, nil)
	expectEnvelope(t, code, env, 200, "")
	apiKey[headerAuthorization] = "Bearer x"
	code, env = foundationCall(t, s, "GET", "/be/v1/roles", apiKey, nil)
	expectEnvelope(t, code, env, 400, "cannot be combined with Authorization")
	recs := s.Requests()
	if recs[0].Auth != "admin" || recs[1].Auth != "admin" || recs[2].Auth != "apiKey" {
		t.Errorf("request log auth kinds %q %q %q, want admin admin apiKey", recs[0].Auth, recs[1].Auth, recs[2].Auth)
	}
}

func TestAuth2025_Refuses2026Endpoints(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	pw := s.SeedOrg("Acme", "admin")
	code, env := foundationCall(t, s, "POST", "/be/v1/refresh", map[string]string{headerAuthorization: "Bearer x"}, map[string]any{})
	expectEnvelope(t, code, env, 404, "not part of this API generation")
	// Step 1 of 2026 (no orgName) is a 400 on a 2025 server.
	code, env = foundationCall(t, s, "POST", "/be/v1/login", nil, map[string]string{"username": "admin", "password": pw})
	expectEnvelope(t, code, env, 400, "orgName")
	// The admin token as Bearer is not the 2025 header.
	code, env = foundationCall(t, s, "DELETE", "/be/v1/orgs/Nope", map[string]string{headerAuthorization: "Bearer " + foundationAdminToken}, nil)
	expectEnvelope(t, code, env, 401, "administrator token")
}
