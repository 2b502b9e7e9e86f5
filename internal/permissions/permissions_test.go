package permissions

import (
	"reflect"
	"strings"
	"testing"
)

func TestBitsRoundTrip(t *testing.T) {
	for bits := 0; bits < 32; bits++ {
		if got := ToBits(FromBits(bits)); got != bits {
			t.Errorf("ToBits(FromBits(%d)) = %d", bits, got)
		}
	}
	if got := FromBits(6); !reflect.DeepEqual(got, []string{"read", "update"}) {
		t.Errorf("FromBits(6) = %v", got)
	}
	if got := ToBits([]string{"execute", "create"}); got != 17 {
		t.Errorf("ToBits(execute, create) = %d", got)
	}
}

func TestCheck(t *testing.T) {
	if err := Check("tasks", "execute"); err != nil {
		t.Errorf("tasks execute: %v", err)
	}
	for _, c := range []struct{ res, op, want string }{
		{"consumption", "update", `operation "update" is not allowed on resource "consumption"; it allows read`},
		{"apps", "execute", `operation "execute" is not allowed on resource "apps"`},
		{"widgets", "read", `unknown resource id "widgets"; the resource ids are apps, beUsers,`},
		{"apps", "fly", `unknown operation "fly" on resource "apps"; it allows create, read, update, delete`},
		// Near matches: edit distance, case, aliases; an unknown operation lists the
		// resource's own operations (apps have no execute) and suggests only those.
		{"apps", "reed", `unknown operation "reed" on resource "apps" (did you mean "read"?); it allows create, read, update, delete`},
		{"apps", "Read", `unknown operation "Read" on resource "apps" (did you mean "read"?)`},
		{"apps", "write", `(did you mean "update"?)`},
		{"apps", "run", `unknown operation "run" on resource "apps"; it allows create, read, update, delete`},
		{"tasks", "run", `(did you mean "execute"?); it allows create, read, update, delete, execute`},
		{"users", "read", `unknown resource id "users" (did you mean "beUsers"?); the resource ids are`},
		{"BeUsers", "read", `unknown resource id "BeUsers" (did you mean "beUsers"?)`},
		{"app", "read", `unknown resource id "app" (did you mean "apps"?)`},
		{"tsaks", "read", `(did you mean "tasks"?)`},
	} {
		err := Check(c.res, c.op)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%s, %s) = %v, want %q", c.res, c.op, err, c.want)
		}
	}
}

// The table matches the contract's maxima.
func TestTableMaxima(t *testing.T) {
	want := map[string]int{"apps": 15, "beUsers": 15, "bundles": 15, "consumption": 2, "dependencies": 15, "deployments": 15,
		"keys": 15, "roles": 15, "sources": 15, "subscriptions": 15, "tasks": 31, "trainings": 6}
	for res, maxBits := range want {
		if got := ToBits(ResourceOperations[res]); got != maxBits {
			t.Errorf("%s: %d, want %d", res, got, maxBits)
		}
	}
	if len(ResourceOperations) != len(want) {
		t.Errorf("%d resource ids, want %d", len(ResourceOperations), len(want))
	}
}

// Every resource id of the table says what it covers, and the docs table has a row per id
// with exactly the operations the validator allows.
func TestMarkdownTable(t *testing.T) {
	if len(ResourceCovers) != len(ResourceOperations) {
		t.Errorf("ResourceCovers has %d ids, ResourceOperations %d", len(ResourceCovers), len(ResourceOperations))
	}
	table := MarkdownTable()
	for _, id := range ResourceIDs() {
		if ResourceCovers[id] == "" {
			t.Errorf("resource id %q: no ResourceCovers entry", id)
		}
	}
	for _, row := range []string{
		"| resource id | allowed operations | what it covers |",
		"| `consumption` | `read` | consumption figures |",
		"| `tasks` | `create`, `read`, `update`, `delete`, `execute` | tasks; `execute` runs triggers |",
		"| `trainings` | `read`, `update` | training settings |",
	} {
		if !strings.Contains(table, row+"\n") {
			t.Errorf("table lacks the row %q:\n%s", row, table)
		}
	}
	if got, want := strings.Count(table, "\n"), len(ResourceOperations)+2; got != want {
		t.Errorf("table has %d lines, want %d (header, rule, one per resource id):\n%s", got, want, table)
	}
}
