package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestRolesAgainstMock(t *testing.T) {
	m, c := newMockOrgClient(t)
	ctx := context.Background()
	ro, err := c.CreateRole(ctx, CreateRoleRequest{Name: "Dev", Permissions: map[string]int{"apps": 6}})
	if err != nil || ro.Name != "Dev" || ro.Permissions["apps"] != 6 || ro.Permissions["tasks"] != 0 {
		t.Fatalf("CreateRole: %+v, %v", ro, err)
	}
	if _, err := c.CreateRole(ctx, CreateRoleRequest{Name: "Dev"}); !IsConflict(err) {
		t.Fatalf("duplicate: want 409, got %v", err)
	}
	if _, err := c.CreateRole(ctx, CreateRoleRequest{Name: "Bad", Permissions: map[string]int{"consumption": 4}}); !IsBadRequest(err) {
		t.Fatalf("bad bits: want 400, got %v", err)
	}
	// An empty map is sent as {} (clears every permission), not left out.
	ro, err = c.UpdateRole(ctx, UpdateRoleRequest{Name: "Dev"})
	if err != nil || ro.Permissions["apps"] != 0 {
		t.Fatalf("UpdateRole: %+v, %v", ro, err)
	}
	reqs := m.Requests()
	last := reqs[len(reqs)-1]
	var body map[string]json.RawMessage
	_ = json.Unmarshal(last.Body, &body)
	if last.Method != "PATCH" || last.Path != "/be/v1/roles" || string(body["permissions"]) != "{}" || string(body["name"]) != `"Dev"` {
		t.Fatalf("PATCH body %s %s %s", last.Method, last.Path, last.Body)
	}
	got, err := c.GetRole(ctx, "Dev")
	if err != nil || got.Name != "Dev" {
		t.Fatalf("GetRole: %+v, %v", got, err)
	}
	m.SeedUser("Org", "bob", false, "Dev")
	if err := c.DeleteRole(ctx, "Dev"); !IsConflict(err) || !strings.Contains(err.Error(), "bob") {
		t.Fatalf("delete in use: want 409 naming bob, got %v", err)
	}
	if _, err := c.GetRole(ctx, "Nope"); !IsNotFound(err) {
		t.Fatalf("GetRole unknown: want 404, got %v", err)
	}
	for i := 0; i < 205; i++ {
		m.SeedRole("Org", fmt.Sprintf("R%03d", i), nil)
	}
	all, err := c.ListRoles(ctx)
	if err != nil || len(all) != 207 {
		t.Fatalf("ListRoles: %d, %v; want 207", len(all), err)
	}
}
