package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// mockCaller sends requests to a mock with one set of org-scoped credentials.
type mockCaller struct {
	t       *testing.T
	url     string
	headers map[string]string
}

type answer struct {
	Status  int
	Message string
	Data    json.RawMessage
	Total   int
}

func (c mockCaller) do(method, path string, body any) answer {
	c.t.Helper()
	var rdr *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rdr = bytes.NewReader(b)
	} else {
		rdr = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, c.url+path, rdr)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var env struct {
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
		Total   int             `json:"total"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&env)
	return answer{Status: resp.StatusCode, Message: env.Message, Data: env.Data, Total: env.Total}
}

// expect fails unless the answer has the status and its message contains msg.
func (a answer) expect(t *testing.T, status int, msg string) answer {
	t.Helper()
	if a.Status != status || !strings.Contains(a.Message, msg) {
		t.Fatalf("got %d %q, want %d with message containing %q", a.Status, a.Message, status, msg)
	}
	return a
}

// newOrgMock starts a mock with the organization Org and returns a caller logged in as its
// administrator.
func newOrgMock(t *testing.T) (*Server, string, mockCaller) {
	t.Helper()
	s := New(Options{AdminToken: "adm"})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	pw := s.SeedOrg("Org", "admin")
	return s, hs.URL, login(t, hs.URL, "admin", pw)
}

// login returns a caller with an auth token of a human user.
func login(t *testing.T, url, username, password string) mockCaller {
	t.Helper()
	anon := mockCaller{t: t, url: url}
	a := anon.do("POST", "/be/v1/login", map[string]string{"orgName": "Org", "username": username, "password": password}).expect(t, 200, "")
	var sess struct{ SessionToken string }
	_ = json.Unmarshal(a.Data, &sess)
	anon.headers = map[string]string{headerSessionToken: sess.SessionToken}
	a = anon.do("POST", "/be/v1/auth", nil).expect(t, 200, "")
	var auth struct{ AuthToken string }
	_ = json.Unmarshal(a.Data, &auth)
	return mockCaller{t: t, url: url, headers: map[string]string{headerAuthToken: auth.AuthToken}}
}

func TestRolesCRUD(t *testing.T) {
	s, _, admin := newOrgMock(t)
	a := admin.do("POST", "/be/v1/roles", map[string]any{"name": "Dev", "permissions": map[string]int{"apps": 6, "tasks": 16}}).expect(t, 200, "")
	var ro role
	_ = json.Unmarshal(a.Data, &ro)
	if ro.Name != "Dev" || ro.Permissions["apps"] != 6 || ro.Permissions["tasks"] != 16 || ro.Permissions["keys"] != 0 || len(ro.Permissions) != 12 {
		t.Fatalf("created role %+v", ro)
	}
	admin.do("POST", "/be/v1/roles", map[string]any{"name": "Dev"}).expect(t, 409, "role 'Dev' already exists")
	admin.do("POST", "/be/v1/roles", map[string]any{"name": "X"}).expect(t, 400, "invalid parameter 'name'")
	admin.do("POST", "/be/v1/roles", map[string]any{"name": "Bad", "permissions": map[string]int{"consumption": 4}}).expect(t, 400, "'permissions.consumption'")
	admin.do("POST", "/be/v1/roles", map[string]any{"name": "Bad", "permissions": map[string]int{"widgets": 2}}).expect(t, 400, "'permissions.widgets': unknown resource id")
	admin.do("GET", "/be/v1/roles/Dev", nil).expect(t, 200, "")
	admin.do("GET", "/be/v1/roles/Nope", nil).expect(t, 404, "role 'Nope' not found")

	// PATCH replaces the permissions.
	admin.do("PATCH", "/be/v1/roles", map[string]any{"name": "Dev", "permissions": map[string]int{"keys": 2}}).expect(t, 200, "")
	if p, _ := s.RolePermissions("Org", "Dev"); p["apps"] != 0 || p["keys"] != 2 {
		t.Fatalf("after PATCH: %v", p)
	}
	admin.do("PATCH", "/be/v1/roles", map[string]any{"name": "Nope", "permissions": map[string]int{}}).expect(t, 404, "")
	admin.do("PATCH", "/be/v1/roles", map[string]any{"name": AdministratorsRole, "permissions": map[string]int{}}).expect(t, 403, "cannot be modified")
	admin.do("DELETE", "/be/v1/roles/"+AdministratorsRole, nil).expect(t, 403, "cannot be deleted")

	// 409 while users hold the role, naming them.
	s.SeedUser("Org", "bob", false, "Dev")
	s.SeedUser("Org", "ci", true, "Dev")
	admin.do("DELETE", "/be/v1/roles/Dev", nil).expect(t, 409, "role 'Dev' is still held by users: bob, ci")
	s.RemoveUser("Org", "bob")
	s.RemoveUser("Org", "ci")
	admin.do("DELETE", "/be/v1/roles/Dev", nil).expect(t, 200, "role deleted")
	admin.do("DELETE", "/be/v1/roles/Dev", nil).expect(t, 404, "")
}

func TestRolesPermissionAndPaging(t *testing.T) {
	s, url, admin := newOrgMock(t)
	s.SeedRole("Org", "Reader", map[string]int{"roles": PermRead})
	pw := s.SeedUser("Org", "reader", false, "Reader")
	reader := login(t, url, "reader", pw)
	reader.do("GET", "/be/v1/roles/Reader", nil).expect(t, 200, "")
	reader.do("POST", "/be/v1/roles", map[string]any{"name": "Mine"}).expect(t, 403, "create permission on 'roles'")
	reader.do("PATCH", "/be/v1/roles", map[string]any{"name": "Reader", "permissions": map[string]int{"roles": 15}}).expect(t, 403, "update permission on 'roles'")
	reader.do("DELETE", "/be/v1/roles/Reader", nil).expect(t, 403, "delete permission on 'roles'")
	mockCaller{t: t, url: url}.do("GET", "/be/v1/roles", nil).expect(t, 401, "")

	for i := 0; i < 120; i++ {
		s.SeedRole("Org", fmt.Sprintf("R%03d", i), nil)
	}
	a := admin.do("GET", "/be/v1/roles?offset=100&limit=100", nil).expect(t, 200, "")
	var page []role
	_ = json.Unmarshal(a.Data, &page)
	if a.Total != 122 || len(page) != 22 {
		t.Fatalf("total %d, page %d, want 122 and 22", a.Total, len(page))
	}
}
