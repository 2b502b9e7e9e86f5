package bench

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

func TestLayoutSpreadsNOverTheMix(t *testing.T) {
	kinds := chooseMix(context.Background(), nil)
	if len(kinds) < 2 {
		t.Fatalf("the provider registers the mix's types, got only %d kinds", len(kinds))
	}
	for _, n := range []int{1, 7, 50, 200, 500} {
		objs := layout(n, kinds)
		if len(objs) != n {
			t.Fatalf("layout(%d) made %d objects", n, len(objs))
		}
		seen := map[string]bool{}
		for _, o := range objs {
			if seen[o.name] {
				t.Fatalf("layout(%d): name %s twice", n, o.name)
			}
			seen[o.name] = true
		}
	}
	if got := mixDescription(500, kinds); !strings.Contains(got, "100 rockit_role") || !strings.Contains(got, "250 rockit_user") {
		t.Errorf("mix of 500 = %q, want 100 roles and 250 users", got)
	}
}

func TestConfigsReferToRolesThatExistAndChangeOneInTen(t *testing.T) {
	kinds := chooseMix(context.Background(), nil)
	m := &mock{URL: "http://127.0.0.1:1", Password: "pw"}
	for _, target := range []string{TargetData, TargetNoop, TargetShaped, TargetRockit} {
		v0 := configFor(target, 50, 0, kinds, m)
		v1 := configFor(target, 50, 1, kinds, m)
		l0, l1 := strings.Split(v0, "\n"), strings.Split(v1, "\n")
		blocks := 0
		for _, line := range l0 {
			if strings.HasPrefix(line, "resource ") {
				blocks++
			}
		}
		if blocks != 50 {
			t.Errorf("%s: %d resource blocks, want 50", target, blocks)
		}
		// Every tenth object differs, in one line or two each.
		diff := 0
		if len(l0) != len(l1) {
			t.Fatalf("%s: the update changes the number of lines", target)
		}
		for i := range l0 {
			if l0[i] != l1[i] {
				diff++
			}
		}
		if diff == 0 || diff > 5*2 {
			t.Errorf("%s: %d lines differ between versions, want one or two per changed object (5 objects)", target, diff)
		}
		if target == TargetRockit || target == TargetShaped {
			prefix := map[string]string{TargetRockit: "rockit_", TargetShaped: "noop_"}[target]
			for _, line := range l0 {
				if i := strings.Index(line, prefix+"role.role_"); i >= 0 {
					ref := strings.TrimSuffix(strings.TrimPrefix(line[i:], prefix+"role."), ".name]")
					if !strings.Contains(v0, `resource "`+prefix+`role" "`+ref+`"`) {
						t.Errorf("%s: %q refers to a role that is not in the configuration", target, line)
					}
				}
			}
		}
	}
}

func TestCountRequestsByEndpoint(t *testing.T) {
	reqs := []mockserver.RequestRecord{
		{Method: "POST", Path: "/be/v1/login", Status: 200},
		{Method: "POST", Path: "/be/v1/auth", Status: 200},
		{Method: "GET", Path: "/be/v1/users/b_user_0001", Status: 200},
		{Method: "GET", Path: "/be/v1/users/b_user_0002", Status: 200},
		{Method: "GET", Path: "/be/v1/roles", Query: "offset=0&limit=100", Status: 200},
		{Method: "PATCH", Path: "/be/v1/users", Status: 404},
	}
	by, logins, auths, errs := countRequests(reqs)
	if logins != 1 || auths != 1 || errs != 1 {
		t.Errorf("logins, auths, errors = %d, %d, %d; want 1, 1, 1", logins, auths, errs)
	}
	want := map[string]int{"GET /be/v1/users/{name}": 2, "GET /be/v1/roles?…": 1, "PATCH /be/v1/users": 1}
	for k, v := range want {
		if by[k] != v {
			t.Errorf("%s: %d, want %d (all: %v)", k, by[k], v, by)
		}
	}
	if collection("GET /be/v1/users/{name}") != "users" || collection("GET /be/v1/roles?…") != "roles" {
		t.Error("collection() does not name the collection")
	}
}

func TestMedian(t *testing.T) {
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("median of 3 values = %v", got)
	}
	if got := median([]float64{4, 1, 2, 3}); got != 2.5 {
		t.Errorf("median of 4 values = %v", got)
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median of nothing is not NaN")
	}
}
