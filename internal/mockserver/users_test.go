package mockserver

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestUsersCRUD(t *testing.T) {
	s, url, admin := newOrgMock(t)
	s.SeedRole("Org", "Dev", map[string]int{"apps": 15})
	a := admin.do("POST", "/be/v1/users", map[string]any{"username": "alice", "email": "a@example.com", "firstname": "Alice", "surname": "A", "roles": []string{"Dev"}}).expect(t, 200, "")
	var created userAnswer
	_ = json.Unmarshal(a.Data, &created)
	if created.Type != UserTypeHuman || created.InitialPassword == "" || created.APIKey != "" {
		t.Fatalf("created %+v", created)
	}
	// The initial password logs in.
	login(t, url, "alice", created.InitialPassword)

	admin.do("POST", "/be/v1/users", map[string]any{"username": "alice", "email": "a@example.com", "firstname": "A", "surname": "A"}).expect(t, 409, "user 'alice' already exists")
	admin.do("POST", "/be/v1/users", map[string]any{"username": "bob", "email": "b@example.com", "firstname": "B", "surname": "B", "roles": []string{"Ghost"}}).expect(t, 400, "role 'Ghost' does not exist")
	admin.do("POST", "/be/v1/users", map[string]any{"username": "bob", "email": "nope", "firstname": "B", "surname": "B"}).expect(t, 400, "'email'")
	admin.do("POST", "/be/v1/users", map[string]any{"username": "b", "label": "x"}).expect(t, 400, "'username'")

	// A machine user authenticates with its API key.
	a = admin.do("POST", "/be/v1/users", map[string]any{"username": "ci", "label": "CI", "roles": []string{"Dev"}}).expect(t, 200, "")
	var machine userAnswer
	_ = json.Unmarshal(a.Data, &machine)
	if machine.Type != UserTypeMachine || machine.APIKey == "" || machine.InitialPassword != "" {
		t.Fatalf("created %+v", machine)
	}
	ci := mockCaller{t: t, url: url, headers: map[string]string{headerOrgName: "Org", headerUsername: "ci", headerAPIKey: machine.APIKey}}
	ci.do("GET", "/be/v1/users/ci", nil).expect(t, 200, "")
	ci.do("GET", "/be/v1/users/alice", nil).expect(t, 403, "read permission on 'beUsers'")
	mockCaller{t: t, url: url}.do("POST", "/be/v1/login", map[string]string{"orgName": "Org", "username": "ci", "password": "x"}).expect(t, 401, "machine users cannot log in")

	// PATCH changes only the fields sent; null clears title.
	admin.do("PATCH", "/be/v1/users", map[string]any{"username": "alice", "title": "Dr"}).expect(t, 200, "")
	admin.do("PATCH", "/be/v1/users", map[string]any{"username": "alice", "surname": "B", "title": nil, "roles": []string{}}).expect(t, 200, "")
	info, _ := s.UserInfo("Org", "alice")
	if info["surname"] != "B" || info["title"] != nil || info["email"] != "a@example.com" || len(info["roles"].([]any)) != 0 {
		t.Fatalf("after PATCH: %v", info)
	}
	admin.do("PATCH", "/be/v1/users", map[string]any{"username": "alice", "email": nil}).expect(t, 400, "'email': required")
	admin.do("PATCH", "/be/v1/users", map[string]any{"username": "alice", "label": "x"}).expect(t, 400, "'label': does not apply")
	admin.do("PATCH", "/be/v1/users", map[string]any{"username": "alice", "roles": []string{"Ghost"}}).expect(t, 400, "role 'Ghost' does not exist")
	admin.do("PATCH", "/be/v1/users", map[string]any{"username": "nobody", "title": "x"}).expect(t, 404, "")

	// resetCreds issues a new key; the old one stops working.
	a = admin.do("PATCH", "/be/v1/users", map[string]any{"username": "ci", "resetCreds": true}).expect(t, 200, "")
	var reset userAnswer
	_ = json.Unmarshal(a.Data, &reset)
	if reset.APIKey == "" || reset.APIKey == machine.APIKey || reset.Label != "CI" {
		t.Fatalf("reset answer %+v", reset)
	}
	ci.do("GET", "/be/v1/users/ci", nil).expect(t, 401, "")

	admin.do("DELETE", "/be/v1/users/ci", nil).expect(t, 200, "user deleted")
	admin.do("DELETE", "/be/v1/users/ci", nil).expect(t, 404, "")
}

func TestUsersSelfAndPermissions(t *testing.T) {
	s, url, _ := newOrgMock(t)
	s.SeedRole("Org", "Nobody", map[string]int{})
	pw := s.SeedUser("Org", "carol", false, "Nobody")
	carol := login(t, url, "carol", pw)
	// A user may modify its own profile without beUsers Update...
	carol.do("PATCH", "/be/v1/users", map[string]any{"username": "carol", "firstname": "Caroline"}).expect(t, 200, "")
	// ...but not its roles, nor anyone else, nor reset credentials.
	carol.do("PATCH", "/be/v1/users", map[string]any{"username": "carol", "roles": []string{"Administrators"}}).expect(t, 403, "update permission on 'beUsers'")
	carol.do("PATCH", "/be/v1/users", map[string]any{"username": "admin", "firstname": "X"}).expect(t, 403, "update permission on 'beUsers'")
	carol.do("PATCH", "/be/v1/users", map[string]any{"username": "carol", "resetCreds": true}).expect(t, 403, "full permission on 'beUsers'")
	carol.do("POST", "/be/v1/users", map[string]any{"username": "dave", "label": "x"}).expect(t, 403, "create permission on 'beUsers'")
	carol.do("DELETE", "/be/v1/users/admin", nil).expect(t, 403, "delete permission on 'beUsers'")
	carol.do("GET", "/be/v1/users", nil).expect(t, 403, "read permission on 'beUsers'")
	carol.do("GET", "/be/v1/users/carol", nil).expect(t, 200, "")
}

func TestUsersListPagingAndType(t *testing.T) {
	s, _, admin := newOrgMock(t)
	for i := 0; i < 105; i++ {
		s.SeedUser("Org", fmt.Sprintf("u%03d", i), i%5 == 0)
	}
	a := admin.do("GET", "/be/v1/users?limit=100", nil).expect(t, 200, "")
	var page []user
	_ = json.Unmarshal(a.Data, &page)
	if a.Total != 106 || len(page) != 100 {
		t.Fatalf("total %d page %d, want 106 and 100", a.Total, len(page))
	}
	a = admin.do("GET", "/be/v1/users?type=machine&limit=100", nil).expect(t, 200, "")
	_ = json.Unmarshal(a.Data, &page)
	if a.Total != 21 || page[0].Type != UserTypeMachine {
		t.Fatalf("machine total %d, first %+v", a.Total, page[0])
	}
	admin.do("GET", "/be/v1/users?type=robot", nil).expect(t, 400, "'type'")
}
