package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// objects lists the names of Acme's roles and users, through an admin client of its own.
func (h *host) objects(t *testing.T) []string {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: h.url, OrgName: "Acme", Username: "admin", Password: h.password})
	if err != nil {
		t.Fatal(err)
	}
	roles, err := c.ListRoles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.ListUsers(context.Background(), client.ListUsersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range roles {
		out = append(out, "role "+r.Name)
	}
	for _, u := range users {
		out = append(out, "user "+u.Username)
	}
	slices.Sort(out)
	return out
}

// onlyPrefixed checks that every write the host received names an object of the doctor's
// prefix (in its path or its body), and returns the prefix.
func onlyPrefixed(t *testing.T, reqs []mockserver.RequestRecord) string {
	t.Helper()
	prefix := ""
	for _, w := range writes(reqs) {
		i := strings.Index(w, namePrefix)
		if i < 0 {
			t.Errorf("a write names no scratch object: %s", w)
			continue
		}
		p := w[i : i+len(namePrefix)+9] // rockit_doctor_ + 8 hex digits + _
		if prefix == "" {
			prefix = p
		}
		if p != prefix {
			t.Errorf("writes of two prefixes, %s and %s: %s", prefix, p, w)
		}
	}
	return prefix
}

// -write runs the round trip on a role and a machine user of its own prefix, each step ok, and
// leaves the organization as it found it; every write names a scratch object.
func TestDoctorWriteRoundTrip(t *testing.T) {
	t.Parallel()
	h := newHost(t, mockserver.Options{})
	before := h.objects(t)
	checks, code := doctorRun(t, context.Background(), h.env(), hooks{}, "-write")
	if code != exitOK || len(notOK(checks)) > 0 {
		t.Fatalf("exit %d, checks not ok: %v", code, notOK(checks))
	}
	var names []string
	for _, c := range checks {
		if strings.HasPrefix(c.Name, "write: ") {
			names = append(names, c.Name)
		}
	}
	want := []string{"write: create", "write: update", "write: duplicate create", "write: delete of a held role", "write: delete"}
	if !slices.Equal(names, want) {
		t.Errorf("write checks %v, want %v", names, want)
	}
	reqs := h.srv.Requests()
	prefix := onlyPrefixed(t, reqs)
	for _, want := range []struct {
		method, path string
		status       int
	}{
		{http.MethodPost, "/be/v1/roles", http.StatusConflict},
		{http.MethodDelete, "/be/v1/roles/" + prefix + "role", http.StatusConflict},
		{http.MethodDelete, "/be/v1/users/" + prefix + "machine", http.StatusOK},
		{http.MethodDelete, "/be/v1/roles/" + prefix + "role", http.StatusOK},
	} {
		if !slices.ContainsFunc(reqs, func(r mockserver.RequestRecord) bool {
			return r.Method == want.method && r.Path == want.path && r.Status == want.status
		}) {
			t.Errorf("no %s %s answered %d", want.method, want.path, want.status)
		}
	}
	if after := h.objects(t); !slices.Equal(after, before) {
		t.Errorf("objects after the run %v, before %v", after, before)
	}
}

// Interrupted at any step (the context ends, as on Ctrl-C), -write still removes every scratch
// object under a fresh context, reports the interruption as a failure and touches nothing else.
func TestDoctorWriteInterruptedCleansUp(t *testing.T) {
	t.Parallel()
	for _, at := range []string{"create", "update", "duplicate create", "hold", "delete held"} {
		t.Run(at, func(t *testing.T) {
			t.Parallel()
			h := newHost(t, mockserver.Options{})
			before := h.objects(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			checks, code := doctorRun(t, ctx, h.env(), hooks{afterWriteStep: func(step string) {
				if step == at {
					cancel()
				}
			}}, "-write")
			if code != exitFailed {
				t.Errorf("exit %d, want 1", code)
			}
			if c := find(t, checks, "write: interrupted"); c.Status != statusFail || !strings.Contains(c.Detail, `stopped after "`+at+`"`) {
				t.Errorf("write: interrupted: %+v", c)
			}
			if c := find(t, checks, "write: cleanup"); c.Status != statusOK || !strings.Contains(c.Detail, "role "+namePrefix) {
				t.Errorf("write: cleanup: %+v", c)
			}
			onlyPrefixed(t, h.srv.Requests())
			if after := h.objects(t); !slices.Equal(after, before) {
				t.Errorf("objects after the run %v, before %v", after, before)
			}
		})
	}
}

// Each run has a prefix of its own, the same for all its objects.
func TestDoctorWriteScratchNamesAreUnique(t *testing.T) {
	t.Parallel()
	a, b := &doctor{}, &doctor{}
	first := a.prefix()
	if first == b.prefix() || !strings.HasPrefix(first, namePrefix) || a.prefix() != first {
		t.Errorf("prefixes %q and %q: want two different ones, each stable, starting with %s", first, b.prefix(), namePrefix)
	}
}
