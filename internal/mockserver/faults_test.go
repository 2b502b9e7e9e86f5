package mockserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const faultsAdminToken = "faults-admin-token"

// faultServer starts a mock with fault options over real HTTP (lost answers need a connection).
func faultServer(t *testing.T, tweak func(*Options)) (*Server, string) {
	t.Helper()
	o := Options{AdminToken: faultsAdminToken}
	tweak(&o)
	s := New(o)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs.URL
}

// send makes one request on a fresh connection and returns the status, or 0 when the
// connection was dropped without an answer.
func send(t *testing.T, method, url string, body any, header map[string]string) (int, http.Header) {
	t.Helper()
	var rdr io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rdr = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rdr)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header
}

func faultCounts(reqs []RequestRecord) map[string]int {
	out := map[string]int{}
	for _, r := range reqs {
		out[r.Fault]++
	}
	return out
}

func TestFailRateInjectsServerErrorsDeterministically(t *testing.T) {
	run := func(seed int64) []int {
		s, url := faultServer(t, func(o *Options) { o.FailRate = 0.3; o.Seed = seed })
		var statuses []int
		for range 200 {
			st, _ := send(t, http.MethodGet, url+"/be/v1/roles", nil, nil) // 401 unless a fault hits
			statuses = append(statuses, st)
		}
		// The /_mock/ endpoints are exempt.
		for range 50 {
			if st, _ := send(t, http.MethodGet, url+"/_mock/health", nil, nil); st != http.StatusOK {
				t.Fatalf("/_mock/health answered %d", st)
			}
		}
		counts := map[int]int{}
		for _, st := range statuses {
			counts[st]++
		}
		failed := counts[500] + counts[502] + counts[503]
		if failed+counts[401] != 200 {
			t.Fatalf("unexpected statuses: %v", counts)
		}
		if failed < 35 || failed > 85 || counts[500] == 0 || counts[502] == 0 || counts[503] == 0 {
			t.Errorf("30%% of 200 should fail with 500, 502 and 503: %v", counts)
		}
		if fc := faultCounts(s.Requests()); fc[FaultServerError] != failed || len(s.Requests()) != 200 {
			t.Errorf("request log: %v faults for %d failures, %d entries", fc, failed, len(s.Requests()))
		}
		return statuses
	}
	a, b, c := run(42), run(42), run(43)
	if !equalInts(a, b) {
		t.Error("the same seed must inject the same faults")
	}
	if equalInts(a, c) {
		t.Error("another seed should inject other faults")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, url := faultServer(t, func(o *Options) { o.RateLimit = 5; o.Now = clock; o.Seed = 1 })
	burst := func() (ok, limited int, retryAfter string) {
		for range 8 {
			st, h := send(t, http.MethodGet, url+"/be/v1/roles", nil, nil)
			if st == http.StatusTooManyRequests {
				limited++
				retryAfter = h.Get("Retry-After")
			} else {
				ok++
			}
		}
		return
	}
	ok, limited, ra := burst()
	if ok != 5 || limited != 3 || ra != "1" {
		t.Fatalf("at 5/s with no time passing: %d passed, %d limited, Retry-After %q; want 5, 3, \"1\"", ok, limited, ra)
	}
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	if ok, limited, _ := burst(); ok != 5 || limited != 3 {
		t.Errorf("one second later: %d passed, %d limited, want 5 and 3", ok, limited)
	}
	if fc := faultCounts(s.Requests()); fc[FaultRateLimited] != 6 {
		t.Errorf("request log faults = %v", fc)
	}
}

// Below one request per second, Retry-After says when the next request will be accepted, in
// whole seconds, and a refused request takes nothing from the bucket.
func TestSlowRateLimitAsksForTheWholeWait(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	_, url := faultServer(t, func(o *Options) { o.RateLimit = 0.25; o.Now = clock; o.Seed = 1 })
	get := func() (int, string) {
		st, h := send(t, http.MethodGet, url+"/be/v1/roles", nil, nil)
		return st, h.Get("Retry-After")
	}
	if st, _ := get(); st == http.StatusTooManyRequests {
		t.Fatal("the first request must pass")
	}
	if st, ra := get(); st != http.StatusTooManyRequests || ra != "4" {
		t.Fatalf("second request at once: %d, Retry-After %q; want 429 and \"4\" (0.25/s)", st, ra)
	}
	advance(2500 * time.Millisecond)
	if st, ra := get(); st != http.StatusTooManyRequests || ra != "2" {
		t.Fatalf("2.5 s later: %d, Retry-After %q; want 429 and \"2\" (1.5 s rounded up)", st, ra)
	}
	advance(1500 * time.Millisecond)
	if st, _ := get(); st == http.StatusTooManyRequests {
		t.Error("after 4 s the next request must pass: the refused ones took nothing")
	}
}

func TestLoseResponsesDropsTheAnswerAfterCreating(t *testing.T) {
	s, url := faultServer(t, func(o *Options) { o.LoseResponses = 1; o.Seed = 7 })
	admin := map[string]string{headerAuthToken: faultsAdminToken, "Content-Type": "application/json"}
	if st, _ := send(t, http.MethodPost, url+"/be/v1/orgs", map[string]any{"name": "Lost"}, admin); st != 0 {
		t.Fatalf("the answer should have been dropped, got %d", st)
	}
	if !s.OrgExists("Lost") {
		t.Fatal("the organization must exist although its answer was lost")
	}
	// A POST that fails is answered: only successful creates lose their answer.
	if st, _ := send(t, http.MethodPost, url+"/be/v1/orgs", map[string]any{"name": "Lost"}, admin); st != http.StatusConflict {
		t.Errorf("a failing POST must be answered, got %d", st)
	}
	// Other methods are never lost.
	if st, _ := send(t, http.MethodDelete, url+"/be/v1/orgs/Lost", nil, admin); st != http.StatusOK {
		t.Errorf("DELETE answered %d", st)
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].Fault != FaultLostResponse || reqs[0].Status != http.StatusOK || reqs[1].Fault != "" || reqs[2].Fault != "" {
		t.Errorf("request log = %+v", reqs)
	}
}

func TestLatencyIsAdded(t *testing.T) {
	// A latency far above what a request takes on a busy machine, and the exempt request
	// bounded at half of it: no tight deadline.
	_, url := faultServer(t, func(o *Options) { o.Latency = time.Second })
	start := time.Now()
	send(t, http.MethodGet, url+"/be/v1/roles", nil, nil)
	if d := time.Since(start); d < time.Second {
		t.Errorf("request took %v, want at least the 1s latency", d)
	}
	start = time.Now()
	send(t, http.MethodGet, url+"/_mock/health", nil, nil)
	if d := time.Since(start); d >= 500*time.Millisecond {
		t.Errorf("/_mock/ must be exempt from latency, took %v", d)
	}
}

func TestNoFaultsByDefault(t *testing.T) {
	s, url := faultServer(t, func(*Options) {})
	for range 100 {
		if st, _ := send(t, http.MethodGet, url+"/be/v1/roles", nil, nil); st != http.StatusUnauthorized {
			t.Fatalf("status %d without faults configured", st)
		}
	}
	for _, r := range s.Requests() {
		if r.Fault != "" || strings.Contains(r.Path, "_mock") {
			t.Fatalf("unexpected record %+v", r)
		}
	}
}

func TestPauseFaults(t *testing.T) {
	s, url := faultServer(t, func(o *Options) { o.FailRate = 1; o.Seed = 3 })
	if st, _ := send(t, http.MethodGet, url+"/be/v1/roles", nil, nil); st < 500 {
		t.Fatalf("fail rate 1 answered %d", st)
	}
	s.PauseFaults(true)
	if st, _ := send(t, http.MethodGet, url+"/be/v1/roles", nil, nil); st != http.StatusUnauthorized {
		t.Fatalf("paused faults still injected: %d", st)
	}
	s.PauseFaults(false)
	if st, _ := send(t, http.MethodGet, url+"/be/v1/roles", nil, nil); st < 500 {
		t.Fatalf("resumed faults not injected: %d", st)
	}
}
