package mockserver

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const foundationAdminToken = "adm-token"

// foundationCall sends one request to the server in-process and decodes the envelope.
func foundationCall(t *testing.T, s *Server, method, target string, headers map[string]string, body any) (int, map[string]any) {
	t.Helper()
	var rdr *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rdr = bytes.NewReader(b)
	} else {
		rdr = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, target, rdr)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var env map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %q", method, target, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, target, ct)
	}
	return rec.Code, env
}

func adminHeaders() map[string]string {
	return map[string]string{headerAuthToken: foundationAdminToken}
}

// expectEnvelope checks status code, envelope status and (a part of) the message.
func expectEnvelope(t *testing.T, code int, env map[string]any, wantCode int, wantMsg string) {
	t.Helper()
	if code != wantCode {
		t.Fatalf("status %d, want %d (answer %v)", code, wantCode, env)
	}
	wantStatus := "success"
	if wantCode >= 400 {
		wantStatus = "error"
	}
	if env["status"] != wantStatus {
		t.Errorf("envelope status %v, want %s", env["status"], wantStatus)
	}
	if msg, _ := env["message"].(string); !strings.Contains(msg, wantMsg) {
		t.Errorf("message %q does not contain %q", msg, wantMsg)
	}
}

func TestCreateOrganization(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	code, env := foundationCall(t, s, "POST", "/be/v1/orgs", adminHeaders(), map[string]any{"name": "Acme_1", "adminEmail": "a@example.com"})
	expectEnvelope(t, code, env, 200, "")
	data := env["data"].(map[string]any)
	if data["name"] != "Acme_1" || data["adminUsername"] != "admin" {
		t.Errorf("data %v: want name Acme_1 and the default adminUsername admin", data)
	}
	pw, _ := data["initialPassword"].(string)
	if stored, _ := s.UserPassword("Acme_1", "admin"); pw == "" || pw != stored {
		t.Errorf("initialPassword %q, the store has %q", pw, stored)
	}

	code, env = foundationCall(t, s, "POST", "/be/v1/orgs", adminHeaders(), map[string]any{"name": "Acme_1"})
	expectEnvelope(t, code, env, 409, "organization 'Acme_1' already exists")
}

func TestCreateOrganizationValidation(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	cases := []struct {
		body    any
		code    int
		message string
	}{
		{map[string]any{"name": "a"}, 400, "invalid parameter 'name'"},
		{map[string]any{"name": "has space"}, 400, "invalid parameter 'name'"},
		{map[string]any{"name": strings.Repeat("x", 51)}, 400, "invalid parameter 'name'"},
		{map[string]any{"name": "Good", "adminUsername": "a-b"}, 400, "invalid parameter 'adminUsername'"},
		{map[string]any{"name": "Good", "adminEmail": "nope"}, 400, "invalid parameter 'adminEmail'"},
		{map[string]any{"name": "Good", "publicKey": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}, 400, "invalid parameter 'publicKey'"},
		{"not an object", 400, "invalid parameter: body must be a JSON object"},
	}
	for _, c := range cases {
		code, env := foundationCall(t, s, "POST", "/be/v1/orgs", adminHeaders(), c.body)
		expectEnvelope(t, code, env, c.code, c.message)
	}
	if s.OrgExists("Good") {
		t.Error("an invalid create made an organization")
	}
}

func TestOrganizationsNeedTheAdminToken(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	for _, h := range []map[string]string{nil, {headerAuthToken: "wrong"}} {
		code, env := foundationCall(t, s, "POST", "/be/v1/orgs", h, map[string]any{"name": "Acme"})
		expectEnvelope(t, code, env, 401, "administrator token")
		code, env = foundationCall(t, s, "DELETE", "/be/v1/orgs/Acme", h, nil)
		expectEnvelope(t, code, env, 401, "administrator token")
	}
	// An org user's auth token is no admin token.
	pw := s.SeedOrg("Acme", "admin")
	tok := loginAndAuth(t, s, "Acme", "admin", pw)
	code, env := foundationCall(t, s, "DELETE", "/be/v1/orgs/Acme", map[string]string{headerAuthToken: tok}, nil)
	expectEnvelope(t, code, env, 401, "administrator token")
	if !s.OrgExists("Acme") {
		t.Fatal("a user's token deleted the organization")
	}
}

func TestDeleteOrganization(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	s.SeedOrg("Gone", "admin")
	code, env := foundationCall(t, s, "DELETE", "/be/v1/orgs/Gone?prune=maybe", adminHeaders(), nil)
	expectEnvelope(t, code, env, 400, "invalid parameter 'prune'")
	code, env = foundationCall(t, s, "DELETE", "/be/v1/orgs/Gone?prune=true", adminHeaders(), nil)
	expectEnvelope(t, code, env, 200, "organization deleted")
	if s.OrgExists("Gone") {
		t.Fatal("the organization still exists")
	}
	code, env = foundationCall(t, s, "DELETE", "/be/v1/orgs/Gone?prune=false", adminHeaders(), nil)
	expectEnvelope(t, code, env, 404, "organization 'Gone' not found")
}

func TestCreateOrganizationWithPublicKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	s := New(Options{AdminToken: foundationAdminToken})
	code, env := foundationCall(t, s, "POST", "/be/v1/orgs", adminHeaders(), map[string]any{"name": "Sealed", "publicKey": pub})
	expectEnvelope(t, code, env, 200, "")
	data := env["data"].(map[string]any)
	if _, inClear := data["initialPassword"]; inClear {
		t.Fatal("the clear-text password was returned although a public key was given")
	}
	ct, err := base64.StdEncoding.DecodeString(data["initialPasswordEncrypted"].(string))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := rsa.DecryptOAEP(sha256.New(), nil, key, ct, nil)
	if err != nil {
		t.Fatalf("does not decrypt with RSA-OAEP SHA-256: %v", err)
	}
	if want, _ := s.UserPassword("Sealed", "admin"); string(plain) != want {
		t.Errorf("decrypted %q, stored %q", plain, want)
	}
}

// loginAndAuth logs in and exchanges the session for an auth token.
func loginAndAuth(t *testing.T, s *Server, org, user, pw string) string {
	t.Helper()
	code, env := foundationCall(t, s, "POST", "/be/v1/login", nil, map[string]any{"orgName": org, "username": user, "password": pw})
	expectEnvelope(t, code, env, 200, "")
	sess := env["data"].(map[string]any)
	if sess["expiresIn"].(float64) != 86400 {
		t.Errorf("session expiresIn %v, want 86400", sess["expiresIn"])
	}
	if perms := sess["permissions"].(map[string]any); perms["tasks"].(float64) != 31 || perms["consumption"].(float64) != 2 {
		t.Errorf("an administrator's permissions %v, want the maxima", perms)
	}
	code, env = foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: sess["sessionToken"].(string)}, nil)
	expectEnvelope(t, code, env, 200, "")
	auth := env["data"].(map[string]any)
	if auth["expiresIn"].(float64) != 300 {
		t.Errorf("auth expiresIn %v, want 300", auth["expiresIn"])
	}
	return auth["authToken"].(string)
}

func TestLoginRules(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	pw := s.SeedOrg("Acme", "admin")
	for _, c := range []struct {
		body    map[string]any
		code    int
		message string
	}{
		{map[string]any{"orgName": "Acme", "username": "admin"}, 400, "invalid parameter 'password'"},
		{map[string]any{"orgName": "Acme", "username": "admin", "password": "wrong"}, 401, "login failed"},
		{map[string]any{"orgName": "Other", "username": "admin", "password": pw}, 401, "organization 'Other' does not exist"},
		{map[string]any{"orgName": "Acme", "username": "nobody", "password": pw}, 401, "login failed"},
	} {
		code, env := foundationCall(t, s, "POST", "/be/v1/login", nil, c.body)
		expectEnvelope(t, code, env, c.code, c.message)
	}
	code, env := foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: "sess_unknown"}, nil)
	expectEnvelope(t, code, env, 401, "unknown session token")
}

func TestTokenExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{AdminToken: foundationAdminToken, Now: func() time.Time { return now }, AuthTokenTTL: 5 * time.Minute, SessionTTL: time.Hour})
	pw := s.SeedOrg("Acme", "admin")
	tok := loginAndAuthTTL(t, s, pw)
	get := func() (int, map[string]any) {
		return foundationCall(t, s, "GET", "/be/v1/roles/Administrators", map[string]string{headerAuthToken: tok}, nil)
	}
	code, env := get()
	expectEnvelope(t, code, env, 200, "")
	now = now.Add(5*time.Minute - time.Second)
	code, env = get()
	expectEnvelope(t, code, env, 200, "")
	now = now.Add(time.Second)
	code, env = get()
	expectEnvelope(t, code, env, 401, "auth token expired")
}

// loginAndAuthTTL is loginAndAuth without the default-lifetime assertions.
func loginAndAuthTTL(t *testing.T, s *Server, pw string) string {
	t.Helper()
	_, env := foundationCall(t, s, "POST", "/be/v1/login", nil, map[string]any{"orgName": "Acme", "username": "admin", "password": pw})
	sess := env["data"].(map[string]any)["sessionToken"].(string)
	_, env = foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: sess}, nil)
	return env["data"].(map[string]any)["authToken"].(string)
}

func TestSessionExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{AdminToken: foundationAdminToken, Now: func() time.Time { return now }, SessionTTL: time.Hour})
	pw := s.SeedOrg("Acme", "admin")
	_, env := foundationCall(t, s, "POST", "/be/v1/login", nil, map[string]any{"orgName": "Acme", "username": "admin", "password": pw})
	sess := env["data"].(map[string]any)["sessionToken"].(string)
	now = now.Add(time.Hour)
	code, env := foundationCall(t, s, "POST", "/be/v1/auth", map[string]string{headerSessionToken: sess}, nil)
	expectEnvelope(t, code, env, 401, "session expired")
}

func TestOrgScopedRequestsNeedCredentials(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	s.SeedOrg("Acme", "admin")
	for _, c := range []struct {
		headers map[string]string
		code    int
		message string
	}{
		{nil, 401, "send x-rockit-beauth-token or the API-key headers"},
		{map[string]string{headerAuthToken: "auth_unknown"}, 401, "unknown auth token"},
		{map[string]string{headerAuthToken: foundationAdminToken}, 401, "unknown auth token"},
		{map[string]string{headerOrgName: "Acme", headerUsername: "admin", headerAPIKey: "k"}, 401, "unknown organization, machine user or API key"},
		{map[string]string{headerOrgName: "Gone", headerUsername: "ci", headerAPIKey: "k"}, 401, "organization 'Gone' does not exist"},
		{map[string]string{headerOrgName: "Acme", headerUsername: "admin", headerAPIKey: "k", headerAuthToken: "t"}, 400, "cannot be combined"},
	} {
		code, env := foundationCall(t, s, "GET", "/be/v1/roles", c.headers, nil)
		expectEnvelope(t, code, env, c.code, c.message)
	}
}

func TestRequestLogAndHealth(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	code, env := foundationCall(t, s, "GET", "/_mock/health", nil, nil)
	expectEnvelope(t, code, env, 200, "ok")
	foundationCall(t, s, "POST", "/be/v1/orgs", adminHeaders(), map[string]any{"name": "Logged"})
	foundationCall(t, s, "DELETE", "/be/v1/orgs/Logged?prune=true", adminHeaders(), nil)

	_, env = foundationCall(t, s, "GET", "/_mock/requests", nil, nil)
	reqs := env["data"].([]any)
	if len(reqs) != 2 {
		t.Fatalf("logged %d requests, want 2 (the /_mock/ calls are not logged): %v", len(reqs), reqs)
	}
	first, second := reqs[0].(map[string]any), reqs[1].(map[string]any)
	if first["method"] != "POST" || first["path"] != "/be/v1/orgs" || first["status"].(float64) != 200 {
		t.Errorf("first record %v", first)
	}
	if body := first["body"].(map[string]any); body["name"] != "Logged" {
		t.Errorf("first record body %v", body)
	}
	if second["method"] != "DELETE" || second["query"] != "prune=true" {
		t.Errorf("second record %v", second)
	}

	code, _ = foundationCall(t, s, "DELETE", "/_mock/requests", nil, nil)
	if code != http.StatusOK || len(s.Requests()) != 0 {
		t.Fatalf("DELETE /_mock/requests: %d, %d records left", code, len(s.Requests()))
	}
}

func TestListPaging(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	pw := s.SeedOrg("Acme", "admin")
	tok := loginAndAuth(t, s, "Acme", "admin", pw)
	h := map[string]string{headerAuthToken: tok}
	code, env := foundationCall(t, s, "GET", "/be/v1/roles?offset=0&limit=5", h, nil)
	expectEnvelope(t, code, env, 200, "")
	if env["total"].(float64) != 1 || len(env["data"].([]any)) != 1 {
		t.Errorf("list %v: want total 1 and the Administrators role", env)
	}
	code, env = foundationCall(t, s, "GET", "/be/v1/roles?offset=1", h, nil)
	expectEnvelope(t, code, env, 200, "")
	if env["total"].(float64) != 1 || len(env["data"].([]any)) != 0 {
		t.Errorf("page past the end %v: want total 1 and no items", env)
	}
	for _, q := range []string{"offset=-1", "limit=0", "limit=x"} {
		code, env = foundationCall(t, s, "GET", "/be/v1/roles?"+q, h, nil)
		expectEnvelope(t, code, env, 400, "invalid parameter")
	}
	code, env = foundationCall(t, s, "GET", "/be/v1/roles?fields[]=name", h, nil)
	expectEnvelope(t, code, env, 200, "")
	if item := env["data"].([]any)[0].(map[string]any); len(item) != 1 || item["name"] != "Administrators" {
		t.Errorf("fields[]=name gave %v", item)
	}
}

func TestWritePageOrderAndLimitCap(t *testing.T) {
	type item struct {
		Name string `json:"name"`
		N    int    `json:"n"`
	}
	items := make([]item, 0, 150)
	for i := range 150 {
		items = append(items, item{Name: string(rune('a'+i%26)) + "x", N: i})
	}
	rec := httptest.NewRecorder()
	writePage(rec, httptest.NewRequest("GET", "/x?limit=1000&order[]=-n", nil), Options{}, items)
	var env struct {
		Data  []item `json:"data"`
		Total int    `json:"total"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatal(err)
	}
	if env.Total != 150 || len(env.Data) != 100 {
		t.Fatalf("total %d and %d items, want 150 and the cap of 100", env.Total, len(env.Data))
	}
	if env.Data[0].N != 149 || env.Data[99].N != 50 {
		t.Errorf("order[]=-n: first %d last %d, want 149 and 50", env.Data[0].N, env.Data[99].N)
	}
	rec = httptest.NewRecorder()
	writePage(rec, httptest.NewRequest("GET", "/x?order[]=name&order[]=-n", nil), Options{}, items)
	_ = json.Unmarshal(rec.Body.Bytes(), &env)
	if len(env.Data) != 10 || env.Data[0].Name != "ax" || env.Data[0].N != 130 {
		t.Errorf("default limit 10 and order by name then -n: got %d items, first %+v", len(env.Data), env.Data[0])
	}
}

// The host variants of the list answers: NoTotal drops the envelope's total, ListsOmitOptional
// drops the optional fields of every item (the paging and order stay as they are).
func TestWritePageHostVariants(t *testing.T) {
	type item struct {
		Name    string `json:"name"`
		Title   string `json:"title,omitempty"`
		Created string `json:"created"`
		Updated string `json:"updated"`
	}
	items := []item{{"b", "Dr", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"}, {"a", "", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"}}
	for _, tc := range []struct {
		opts        Options
		total       bool
		firstFields int
	}{
		{Options{}, true, 4},
		{Options{NoTotal: true}, false, 4},
		{Options{ListsOmitOptional: true}, true, 1},
	} {
		rec := httptest.NewRecorder()
		writePage(rec, httptest.NewRequest("GET", "/x?order[]=-name&limit=1", nil), tc.opts, items)
		var env map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
			t.Fatal(err)
		}
		if _, has := env["total"]; has != tc.total {
			t.Errorf("%+v: total present %v, want %v (%s)", tc.opts, has, tc.total, rec.Body.String())
		}
		data := env["data"].([]any)
		first := data[0].(map[string]any)
		if len(data) != 1 || first["name"] != "b" || len(first) != tc.firstFields {
			t.Errorf("%+v: data %v, want the one item b with %d fields", tc.opts, data, tc.firstFields)
		}
	}
}
