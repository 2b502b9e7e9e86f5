package nearest

import (
	"reflect"
	"testing"
)

func TestNames(t *testing.T) {
	ids := []string{"apps", "beUsers", "roles", "tasks", "trainings"}
	for _, c := range []struct {
		name string
		want []string
	}{
		{"APPS", []string{"apps"}},
		{"tsaks", []string{"tasks"}},
		{"rolez", []string{"roles"}},
		{"spaceships", nil},
		{"xyz", nil},
		{"ab", nil}, // "apps" is 3 edits away, more than the limit of 2
	} {
		if got := Names(c.name, ids); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Names(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	if got := Hint([]string{"a", "b", "c"}); got != `did you mean "a", "b" or "c"?` {
		t.Errorf("Hint = %q", got)
	}
	if Hint(nil) != "" {
		t.Error("Hint of no names is not empty")
	}
}
