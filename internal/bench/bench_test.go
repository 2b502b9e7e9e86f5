package bench

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Any N: the release curve's 2000 (make bench BENCH_N=50,200,500,2000) and beyond, where the
// four digits of a name's index no longer suffice.
func TestLayoutSpreadsNOverTheMix(t *testing.T) {
	kinds := chooseMix(context.Background(), nil)
	if len(kinds) < 2 {
		t.Fatalf("the provider registers the mix's types, got only %d kinds", len(kinds))
	}
	for _, n := range []int{1, 7, 50, 200, 500, 2000, 25000} {
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
	if got := mixDescription(2000, kinds); got != "400 rockit_role, 1000 rockit_user, 200 rockit_machine_user, 400 rockit_app" {
		t.Errorf("mix of 2000 = %q", got)
	}
	// Every target's configuration of 12000 objects has as many distinct resource addresses.
	m := &mock{URL: "http://127.0.0.1:1", Password: "pw"}
	for _, target := range []string{TargetData, TargetNoop, TargetShaped, TargetRockit} {
		addrs := map[string]bool{}
		for _, line := range strings.Split(configFor(target, 12000, 0, kinds, m), "\n") {
			if strings.HasPrefix(line, "resource ") {
				addrs[line] = true
			}
		}
		if len(addrs) != 12000 {
			t.Errorf("%s: %d distinct resources of 12000", target, len(addrs))
		}
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

// The cycles of a repeat: the floors and ours after at every N; before only at BeforeNs in the
// first BeforeRepeats; the rate-limited scenario only at RateLimitNs in the first
// RateLimitRepeats, with before where both apply.
func TestPlanRunsBeforeAndTheRateLimitWhereAsked(t *testing.T) {
	free, slow, limited := &mock{Latency: 0}, &mock{Latency: 20 * time.Millisecond}, &mock{RateLimit: 25}
	mocks := map[time.Duration]*mock{0: free, 20 * time.Millisecond: slow}
	o := Options{Ns: []int{50, 500}, Latencies: []time.Duration{0, 20 * time.Millisecond}, Repeats: 3,
		BeforeNs: []int{500}, BeforeRepeats: 1, RateLimit: 25, RateLimitNs: []int{500}, RateLimitRepeats: 1}
	describe := func(jobs []job) string {
		var parts []string
		for _, j := range jobs {
			s := j.target
			switch j.m {
			case free:
				s += "/0ms"
			case slow:
				s += "/20ms"
			case limited:
				s += "/25rps"
			}
			if j.target == TargetRockit {
				s += "/" + j.mode
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	floors := "terraform_data noop noop_shaped "
	cases := []struct {
		rep, n int
		want   string
	}{
		{1, 50, floors + "rockit/0ms/after rockit/20ms/after"},
		{1, 500, floors + "rockit/0ms/after rockit/0ms/before rockit/20ms/after rockit/20ms/before rockit/25rps/after rockit/25rps/before"},
		{2, 500, floors + "rockit/0ms/after rockit/20ms/after"},
	}
	for _, tc := range cases {
		if got := describe(plan(o, tc.rep, tc.n, mocks, limited)); got != tc.want {
			t.Errorf("repeat %d, N = %d:\n got %s\nwant %s", tc.rep, tc.n, got, tc.want)
		}
	}
	// -targets keeps only the targets named, before mode included.
	o.Targets = []string{TargetShaped, TargetRockit}
	if got, want := describe(plan(o, 1, 500, mocks, nil)), "noop_shaped rockit/0ms/after rockit/0ms/before rockit/20ms/after rockit/20ms/before"; got != want {
		t.Errorf("-targets noop_shaped,rockit:\n got %s\nwant %s", got, want)
	}
	o.Targets = []string{TargetShaped}
	if got := describe(plan(o, 1, 500, mocks, limited)); got != "noop_shaped" {
		t.Errorf("-targets noop_shaped: got %s", got)
	}
	o.Targets = nil
	// Without a rate-limited mock there is no such cycle.
	if got := describe(plan(o, 1, 500, mocks, nil)); strings.Contains(got, "25rps") {
		t.Errorf("no rate limit, yet %s", got)
	}
	env := withEnv(map[string]string{"A": "1"}, EnvCollectionReads, "false")
	if env[EnvCollectionReads] != "false" || env["A"] != "1" {
		t.Errorf("withEnv = %v", env)
	}
}

// The report judges issue 13's targets on "after" and shows "before" beside it; results
// written before modes existed count as "after".
func TestReportShowsIssue13TargetsBeforeAndAfter(t *testing.T) {
	reqs := func(n int) map[string]int { return map[string]int{"GET /be/v1/roles/{name}": n} }
	r := &Results{Ns: []int{50, 500}, LatenciesMS: []int64{0, 20}, Repeats: 1, Parallelism: 10,
		RateLimit: 25, RateLimitNs: []int{500}, RateLimitRepeats: 1, BeforeNs: []int{500}, BeforeRepeats: 1,
		Mix: map[int]string{50: "50 rockit_role", 500: "500 rockit_role"}}
	add := func(target string, lat int64, rate float64, mode, phase string, secs float64, requests, refused int) {
		r.Measurements = append(r.Measurements, Measurement{Target: target, LatencyMS: lat, RateLimit: rate, Mode: mode,
			N: 500, Repeat: 1, Phase: phase, Seconds: secs, Requests: reqs(requests), RateLimited: refused})
	}
	add(TargetNoop, 0, 0, "", "refresh", 1.0, 0, 0)
	add(TargetNoop, 0, 0, "", "destroy", 4.0, 0, 0)
	add(TargetRockit, 0, 0, "", "refresh", 1.1, 5, 0) // an old result without a mode: after
	add(TargetRockit, 0, 0, ModeBefore, "refresh", 1.6, 500, 0)
	add(TargetRockit, 20, 0, ModeAfter, "refresh", 1.1, 5, 0)
	add(TargetRockit, 20, 0, ModeBefore, "refresh", 2.2, 500, 0)
	add(TargetRockit, 20, 0, ModeAfter, "destroy", 6.0, 505, 0)
	add(TargetRockit, 0, 25, ModeAfter, "refresh", 1.5, 30, 12)
	add(TargetRockit, 0, 25, ModeBefore, "refresh", 22.0, 530, 14)
	dir := t.TempDir()
	path := dir + "/BENCHMARKS.md"
	if err := WriteReport(r, path, "BENCHMARKS.png", ""); err != nil {
		t.Fatal(err)
	}
	if err := WriteChart(r, dir+"/BENCHMARKS.png"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	report := string(b)
	for _, want := range []string{
		"| refresh, requests per object, 0 ms | 0.010 | 1.000 | <= 0.05 | met |",
		"| refresh, requests per object, 25 req/s | 0.060 | 1.060 | <= 0.05 | **missed** |",
		"| refresh time at 20 ms / noop | 1.10x | 2.20x | <= 1.2x | met |",
		"| destroy time at 20 ms / noop | 1.50x | n/a | <= 1.2x | **missed** |",
		"| refresh time at 25 req/s / refresh time at 0 ms | 1.36x | 13.75x | <= 2x | met |",
		"| 25 req/s | 500 | refresh | 1.060 | 0.060 | 22.00 | 1.50 | 14 | 12 |",
		"| 0 ms | 500 | refresh | 1.000 | 0.010 | 1.60 | 1.10 | 0 | 0 |",
		"`ROCKIT_COLLECTION_READS=false`",
		"mock limited to 25 requests per second",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// N = 50 ran no before: no rows for it in the before/after table.
	if strings.Contains(report, "| 0 ms | 50 | refresh |") {
		t.Error("before/after rows for N = 50, where before did not run")
	}
}
