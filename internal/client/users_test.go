package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// newMockOrgClient starts the mock with the organization Org and returns a client logged in
// as its administrator.
func newMockOrgClient(t *testing.T) (*mockserver.Server, *Client) {
	t.Helper()
	m := mockserver.New(mockserver.Options{AdminToken: "adm"})
	hs := httptest.NewServer(m)
	t.Cleanup(hs.Close)
	pw := m.SeedOrg("Org", "admin")
	c, err := New(Config{Endpoint: hs.URL, OrgName: "Org", Username: "admin", Password: pw, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return m, c
}

func TestUpdateUserRequestBody(t *testing.T) {
	empty, title := "", "Dr"
	for _, c := range []struct {
		in   UpdateUserRequest
		want string
	}{
		{UpdateUserRequest{Username: "a", Title: &title}, `{"title":"Dr","username":"a"}`},
		{UpdateUserRequest{Username: "a", Title: &empty}, `{"title":null,"username":"a"}`},
		{UpdateUserRequest{Username: "a", Roles: []string{}}, `{"roles":[],"username":"a"}`},
		{UpdateUserRequest{Username: "a", ResetCreds: true}, `{"resetCreds":true,"username":"a"}`},
		{UpdateUserRequest{Username: "a"}, `{"username":"a"}`},
	} {
		b, err := json.Marshal(c.in)
		if err != nil || string(b) != c.want {
			t.Errorf("got %s (%v), want %s", b, err, c.want)
		}
	}
}

func TestUsersAgainstMock(t *testing.T) {
	m, c := newMockOrgClient(t)
	ctx := context.Background()
	m.SeedRole("Org", "Dev", map[string]int{"apps": 15})

	human, err := c.CreateUser(ctx, CreateUserRequest{Username: "alice", Email: "a@example.com", Firstname: "Alice", Surname: "A", Roles: []string{"Dev"}})
	if err != nil || human.InitialPassword == "" || human.Type != UserTypeHuman || strings.Join(human.Roles, ",") != "Dev" {
		t.Fatalf("CreateUser human: %+v, %v", human, err)
	}
	if pw, _ := m.UserPassword("Org", "alice"); pw != human.InitialPassword {
		t.Fatalf("initial password %q is not the mock's %q", human.InitialPassword, pw)
	}
	machine, err := c.CreateUser(ctx, CreateUserRequest{Username: "ci", Label: "CI"})
	if err != nil || machine.APIKey == "" || machine.Type != UserTypeMachine || machine.Roles == nil {
		t.Fatalf("CreateUser machine: %+v, %v", machine, err)
	}
	if _, err := c.CreateUser(ctx, CreateUserRequest{Username: "alice", Label: "x"}); !IsConflict(err) {
		t.Fatalf("duplicate: want 409, got %v", err)
	}
	if _, err := c.CreateUser(ctx, CreateUserRequest{Username: "bob", Label: "x", Roles: []string{"Ghost"}}); !IsBadRequest(err) || !strings.Contains(err.Error(), "role 'Ghost' does not exist") {
		t.Fatalf("unknown role: want 400 naming it, got %v", err)
	}

	empty := ""
	got, err := c.UpdateUser(ctx, UpdateUserRequest{Username: "alice", Title: &empty, Roles: []string{}})
	if err != nil || got.Title != "" || len(got.Roles) != 0 || got.InitialPassword != "" {
		t.Fatalf("UpdateUser: %+v, %v", got, err)
	}
	rotated, err := c.ResetUserCredentials(ctx, "ci")
	if err != nil || rotated.APIKey == "" || rotated.APIKey == machine.APIKey {
		t.Fatalf("ResetUserCredentials: %+v, %v", rotated, err)
	}
	if key, _ := m.UserAPIKey("Org", "ci"); key != rotated.APIKey {
		t.Fatalf("rotated key is not the mock's")
	}

	// The rotated key authenticates a machine-user client.
	mc, _ := New(Config{Endpoint: c.cfg.Endpoint, OrgName: "Org", Username: "ci", APIKey: rotated.APIKey, MaxRetries: 0})
	if u, err := mc.GetUser(ctx, "ci"); err != nil || u.Label != "CI" {
		t.Fatalf("GetUser as the machine user: %+v, %v", u, err)
	}

	if _, err := c.GetUser(ctx, "nobody"); !IsNotFound(err) {
		t.Fatalf("GetUser unknown: want 404, got %v", err)
	}
	if err := c.DeleteUser(ctx, "ci"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteUser(ctx, "ci"); !IsNotFound(err) {
		t.Fatalf("second delete: want 404, got %v", err)
	}
}

func TestListUsersPagesAndFilters(t *testing.T) {
	m, c := newMockOrgClient(t)
	for i := 0; i < 130; i++ {
		m.SeedUser("Org", fmt.Sprintf("u%03d", i), i%2 == 0)
	}
	all, err := c.ListUsers(context.Background(), ListUsersOptions{})
	if err != nil || len(all) != 131 {
		t.Fatalf("ListUsers: %d users, %v; want 131", len(all), err)
	}
	machines, err := c.ListUsers(context.Background(), ListUsersOptions{Type: UserTypeMachine})
	if err != nil || len(machines) != 65 {
		t.Fatalf("ListUsers machine: %d, %v; want 65", len(machines), err)
	}
	for _, u := range machines {
		if u.Type != UserTypeMachine {
			t.Fatalf("filter let through %+v", u)
		}
	}
	var queries []string
	for _, r := range m.Requests() {
		if r.Path == "/be/v1/users" {
			queries = append(queries, r.Query)
		}
	}
	sort.Strings(queries)
	want := "limit=100&offset=0&order%5B%5D=username,limit=100&offset=0&order%5B%5D=username&type=machine,limit=100&offset=100&order%5B%5D=username"
	if strings.Join(queries, ",") != want {
		t.Fatalf("list requests %v, want %s", queries, want)
	}
}
