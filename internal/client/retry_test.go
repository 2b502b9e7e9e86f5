package client

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func apiKeyConfig(cfg *Config) { cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", "key" }

// failThenSucceed answers status (with Retry-After if set) to the first n requests, then 200.
func failThenSucceed(n int, status int, retryAfter string) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, _ *http.Request) {
		if int(calls.Add(1)) <= n {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeJSONAnswer(w, status, map[string]any{"status": "error", "message": "injected " + strconv.Itoa(status)})
			return
		}
		writeJSONAnswer(w, http.StatusOK, success(map[string]any{"name": "A"}))
	}
}

func TestRetryOnlyTransientStatuses(t *testing.T) {
	cases := []struct {
		status int
		retry  bool
	}{
		{429, true}, {500, true}, {502, true}, {503, true}, {504, true},
		{400, false}, {401, false}, {403, false}, {404, false}, {409, false}, {422, false}, {501, false},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			srv := newRecordingServer(t, failThenSucceed(1, tc.status, ""))
			clock := newFakeClock()
			c := newTestClient(t, srv.URL, clock, apiKeyConfig)
			err := c.get(context.Background(), "/be/v1/apps/A", nil)
			attempts := len(srv.Requests())
			if tc.retry {
				if err != nil || attempts != 2 || len(clock.Waits()) != 1 {
					t.Fatalf("%d must be retried once: err=%v attempts=%d waits=%v", tc.status, err, attempts, clock.Waits())
				}
				return
			}
			if StatusOf(err) != tc.status || attempts != 1 || len(clock.Waits()) != 0 {
				t.Fatalf("%d must not be retried: err=%v attempts=%d", tc.status, err, attempts)
			}
		})
	}
}

func TestRetryEveryMethodWithTheSameBody(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			srv := newRecordingServer(t, failThenSucceed(2, http.StatusServiceUnavailable, ""))
			c := newTestClient(t, srv.URL, newFakeClock(), apiKeyConfig)
			body := map[string]any{"name": "A", "label": "L"}
			var err error
			switch method {
			case http.MethodGet:
				err = c.get(context.Background(), "/be/v1/apps/A", nil)
			case http.MethodPost:
				err = c.post(context.Background(), "/be/v1/apps", body, nil)
			case http.MethodPatch:
				err = c.patch(context.Background(), "/be/v1/apps", body, nil)
			case http.MethodDelete:
				err = c.del(context.Background(), "/be/v1/apps/A")
			}
			if err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != 3 {
				t.Fatalf("attempts = %d, want 3", len(reqs))
			}
			for _, r := range reqs[1:] {
				if r.Method != method || r.Path != reqs[0].Path || r.Body != reqs[0].Body {
					t.Errorf("retry differs: %s %s %s vs %s %s %s", r.Method, r.Path, r.Body, reqs[0].Method, reqs[0].Path, reqs[0].Body)
				}
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	clock := newFakeClock()
	cases := []struct {
		name   string
		header string
		want   time.Duration
	}{
		{"seconds", "7", 7 * time.Second},
		{"HTTP date", clock.Now().Add(12 * time.Second).Format(http.TimeFormat), 12 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecordingServer(t, failThenSucceed(1, http.StatusTooManyRequests, tc.header))
			clock := newFakeClock()
			c := newTestClient(t, srv.URL, clock, apiKeyConfig)
			if err := c.get(context.Background(), "/be/v1/apps/A", nil); err != nil {
				t.Fatal(err)
			}
			// The server's wait, with up to half of it again as jitter on top.
			if w := clock.Waits(); len(w) != 1 || w[0] < tc.want || w[0] > tc.want*3/2 {
				t.Fatalf("waits = %v, want one within [%v, %v]", w, tc.want, tc.want*3/2)
			}
		})
	}
	// A date in the past or garbage means no server-imposed wait: the backoff alone applies.
	now := func() time.Time { return clock.Now() }
	for _, v := range []string{"", "soon", "-3", clock.Now().Add(-time.Minute).Format(http.TimeFormat)} {
		if d := retryAfter(v, now); d != 0 {
			t.Errorf("retryAfter(%q) = %v, want 0", v, d)
		}
	}
}

func TestRetryBudgetIsRespected(t *testing.T) {
	for _, maxRetries := range []int{0, 1, 3} {
		t.Run(strconv.Itoa(maxRetries), func(t *testing.T) {
			srv := newRecordingServer(t, failThenSucceed(1000, http.StatusBadGateway, ""))
			clock := newFakeClock()
			c := newTestClient(t, srv.URL, clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxRetries = maxRetries })
			err := c.get(context.Background(), "/be/v1/apps/A", nil)
			if StatusOf(err) != http.StatusBadGateway {
				t.Fatalf("error = %v, want the last 502", err)
			}
			if n := len(srv.Requests()); n != maxRetries+1 {
				t.Errorf("attempts = %d, want %d", n, maxRetries+1)
			}
			if n := len(clock.Waits()); n != maxRetries {
				t.Errorf("waits = %d, want %d", n, maxRetries)
			}
		})
	}
	// The default budget is 5.
	c, err := New(Config{MaxRetries: -1})
	if err != nil || c.cfg.MaxRetries != 5 {
		t.Errorf("default MaxRetries = %d, want 5", c.cfg.MaxRetries)
	}
}

func TestBackoffBounds(t *testing.T) {
	for attempt := 1; attempt <= 12; attempt++ {
		ceiling := min(backoffBase<<(attempt-1), backoffMax)
		lo, hi := ceiling, time.Duration(0)
		for range 300 {
			d := backoff(attempt, 0)
			if d < ceiling/2 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		if hi-lo < ceiling/10 {
			t.Errorf("backoff(%d) has no jitter: %v..%v", attempt, lo, hi)
		}
	}
	if d := backoff(1, 3*time.Second); d < 3*time.Second || d > 4500*time.Millisecond {
		t.Errorf("a longer Retry-After must win, with at most half of it as jitter on top: %v", d)
	}
	if d := backoff(8, time.Millisecond); d < backoffMax/2 {
		t.Errorf("a shorter Retry-After must not shorten the backoff: %v", d)
	}
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	t.Run("reset after sending", func(t *testing.T) {
		var calls atomic.Int32
		srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
			if calls.Add(1) == 1 {
				panic(http.ErrAbortHandler) // drop the connection without an answer
			}
			writeJSONAnswer(w, http.StatusOK, success(nil))
		})
		clock := newFakeClock()
		c := newTestClient(t, srv.URL, clock, apiKeyConfig)
		if err := c.get(context.Background(), "/be/v1/apps/A", nil); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("attempts = %d, want 2", n)
		}
	})
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		clock := newFakeClock()
		c := newTestClient(t, "http://"+addr, clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxRetries = 2 })
		err = c.get(context.Background(), "/be/v1/apps/A", nil)
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Fatalf("error = %v", err)
		}
		if n := len(clock.Waits()); n != 2 {
			t.Errorf("retries = %d, want 2", n)
		}
	})
}

func TestRateLimitSpacesRequests(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSONAnswer(w, http.StatusOK, success(nil))
	})
	clock := newFakeClock()
	c := newTestClient(t, srv.URL, clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.RateLimit = 5 })
	var last time.Time
	for i := range 11 {
		if err := c.get(context.Background(), "/be/v1/apps/A", nil); err != nil {
			t.Fatal(err)
		}
		if i > 0 && clock.Now().Sub(last) < 199*time.Millisecond {
			t.Fatalf("request %d came %v after the previous one; 5/s allows one per 200ms", i, clock.Now().Sub(last))
		}
		last = clock.Now()
	}
	var total time.Duration
	for _, w := range clock.Waits() {
		total += w
	}
	if total < 1990*time.Millisecond || total > 2010*time.Millisecond {
		t.Errorf("11 requests at 5/s waited %v in all, want 2s", total)
	}
	if n := len(srv.Requests()); n != 11 {
		t.Errorf("requests = %d", n)
	}
}

// One rule for every wait: a Retry-After is capped at maxRetryAfter once, and the hold of a
// 429 and the wait of a 5xx (jitter included) use the capped value; the check against
// retry_max_elapsed reads the uncapped one (TestLongRetryAfterIsCappedOrFailsFast). The jitter
// stretched a 5xx's wait to 90 s.
func TestOneRuleForWaits(t *testing.T) {
	for _, ra := range []time.Duration{50 * time.Second, maxRetryAfter, time.Hour} {
		for range 300 {
			if d := backoff(1, ra); d > maxRetryAfter || d < min(ra, maxRetryAfter) {
				t.Fatalf("backoff(1, %v) = %v, want within [%v, %v]", ra, d, min(ra, maxRetryAfter), maxRetryAfter)
			}
		}
	}
}
