package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Terraform's graceful stop cancels the context of every operation in flight. A write that was
// sent runs to its answer (bounded by the request timeout), so its result reaches state.
func TestStopLetsASentWriteFinish(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		arrived <- struct{}{}
		time.Sleep(300 * time.Millisecond) // the server is busy creating the role
		writeJSONAnswer(w, http.StatusOK, success(map[string]any{"name": "Ops", "permissions": map[string]int{"apps": 15}}))
	})
	c := newTestClient(t, srv.URL, nil, apiKeyConfig)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }() // the stop arrives while the POST is on the server
	ro, err := c.CreateRole(ctx, CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}})
	if err != nil {
		t.Fatalf("a write sent before the stop must return its answer, got %v", err)
	}
	if ro.Name != "Ops" || ro.Permissions["apps"] != 15 {
		t.Errorf("role = %+v, want the server's answer", ro)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}

	// A read is not detached: it ends with the context at once.
	readCtx, cancelRead := context.WithCancel(context.Background())
	ctx = readCtx
	go func() { <-arrived; cancelRead() }()
	start := time.Now()
	if _, err := c.GetRole(ctx, "Ops"); !errors.Is(err, context.Canceled) {
		t.Errorf("a read must end with the context, got %v", err)
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("the read took %v after the stop, want it to end at once", d)
	}
}

// A stop during the backoff ends the wait at once, starts no further attempt, and says that the
// write may have been carried out (the 503 may come from a server that acted).
func TestStopDuringBackoffReturnsPromptlyWithoutAnotherAttempt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeJSONAnswer(w, http.StatusServiceUnavailable, map[string]any{"status": "error", "message": "busy"})
		go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	})
	c := newTestClient(t, srv.URL, nil, apiKeyConfig) // the real sleep
	start := time.Now()
	_, err := c.CreateRole(ctx, CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}})
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v: the backoff did not end with the stop", d)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("attempts = %d, want 1: no attempt may start after the stop", n)
	}
	if !errors.Is(err, context.Canceled) || StatusOf(err) != http.StatusServiceUnavailable || !OutcomeUnknown(err) {
		t.Fatalf("error = %v, want the 503, the cancellation and an unknown outcome", err)
	}
	for _, want := range []string{"after 1 attempt over", "cancelled (Terraform is stopping)", "HTTP 503: busy", "may have carried it out"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// A stop while waiting for the rate limiter sends nothing, and the error does not claim that
// anything may have been created.
func TestStopWhileWaitingForTheRateLimitSendsNothing(t *testing.T) {
	srv := newRecordingServer(t, failThenSucceed(0, 0, ""))
	c := newTestClient(t, srv.URL, nil, func(cfg *Config) { apiKeyConfig(cfg); cfg.RateLimit = 0.2 })
	if err := c.get(context.Background(), "/be/v1/apps/A", nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.CreateRole(ctx, CreateRoleRequest{Name: "Ops"})
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v: the rate limiter's wait (5 s) did not end with the context", d)
	}
	if err == nil || OutcomeUnknown(err) {
		t.Errorf("error = %v, want a plain cancellation (nothing was sent)", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("requests = %d, want only the first one", n)
	}
}

// A login held up by a 429 must not hold other requests beyond their own contexts.
func TestWaitingForAnotherRequestsLoginEndsWithOwnContext(t *testing.T) {
	var logins atomic.Int32
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/be/v1/login" {
			logins.Add(1)
			w.Header().Set("Retry-After", "30")
			writeJSONAnswer(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "slow down"})
			return
		}
		writeJSONAnswer(w, http.StatusOK, success(map[string]any{"name": "A"}))
	})
	c := newTestClient(t, srv.URL, nil, func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.Password = "Acme", "admin", "pw" })
	// Without learning from the 429, so that the second request meets the login slot (with
	// it, the shared hold of Retry-After stops it first: TestA429HoldsEveryRequestUntilRetryAfter).
	c.limiter.learn = false
	first, cancelFirst := context.WithCancel(context.Background())
	defer cancelFirst()
	firstDone := make(chan error, 1)
	go func() { firstDone <- c.get(first, "/be/v1/apps/A", nil) }()
	for logins.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	// The first request now sleeps 30 s in the login's backoff, holding the renewal slot.
	second, cancelSecond := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancelSecond()
	start := time.Now()
	err := c.get(second, "/be/v1/apps/A", nil)
	if d := time.Since(start); d > time.Second {
		t.Errorf("the second request waited %v for the first one's login, beyond its own context", d)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for the login of another request") {
		t.Errorf("error = %v, want the end of its own context while waiting for the login", err)
	}
	cancelFirst()
	select {
	case err := <-firstDone:
		if StatusOf(err) != http.StatusTooManyRequests {
			t.Errorf("first request: %v, want the 429 of the login", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the first request's login did not end with its context")
	}
}

// Retry-After: 86400 must not hold a plan for a day: it is capped at maxRetryAfter, and when
// even the capped wait is beyond what is left of the budget the request fails at once with a
// message that says so (one rule: the budget check uses the capped wait too).
func TestLongRetryAfterIsCappedOrFailsFast(t *testing.T) {
	srv := newRecordingServer(t, failThenSucceed(1, http.StatusTooManyRequests, "86400"))
	clock := newFakeClock()
	c := newTestClient(t, srv.URL, clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxElapsed = 30 * time.Second })
	err := c.get(context.Background(), "/be/v1/apps/A", nil)
	if len(clock.Waits()) != 0 || len(srv.Requests()) != 1 {
		t.Fatalf("waits %v, requests %d: want no wait and no retry", clock.Waits(), len(srv.Requests()))
	}
	if StatusOf(err) != http.StatusTooManyRequests {
		t.Fatalf("error = %v, want the 429", err)
	}
	for _, want := range []string{"asked to wait 24h0m0s (Retry-After)", "left of retry_max_elapsed (30s)", "after 1 attempt"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	// Within the default budget (5m) the wait is capped at a minute (the hold: no jitter).
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		srv = newRecordingServer(t, failThenSucceed(1, status, "86400"))
		clock = newFakeClock()
		c = newTestClient(t, srv.URL, clock, apiKeyConfig)
		if err := c.get(context.Background(), "/be/v1/apps/A", nil); err != nil {
			t.Fatal(err)
		}
		if w := clock.Waits(); len(w) != 1 || w[0] != maxRetryAfter {
			t.Errorf("%d: waits = %v, want one of %v", status, w, maxRetryAfter)
		}
	}
}

// Parallel requests refused with the same Retry-After do not all come back at the same instant.
func TestRetryAfterHasJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 50 {
		d := backoff(1, 2*time.Second)
		if d < 2*time.Second || d > 3*time.Second {
			t.Fatalf("backoff = %v, want within [2s, 3s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct waits in 50: no jitter on top of Retry-After", len(seen))
	}
}

// Against a server that never answers, the error names the attempts, the time they took and the
// last answer, and a write says that it may have been carried out.
func TestNeverAnsweringServerErrorNamesAttemptsTimeAndLastAnswer(t *testing.T) {
	srv := newRecordingServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newTestClient(t, srv.URL, nil, func(cfg *Config) {
		apiKeyConfig(cfg)
		cfg.Timeout, cfg.MaxRetries = 100*time.Millisecond, 2
	})
	start := time.Now()
	_, err := c.CreateRole(context.Background(), CreateRoleRequest{Name: "Ops"})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v, want about 3 x 100 ms plus backoff", d)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("attempts = %d, want 3", n)
	}
	if !OutcomeUnknown(err) {
		t.Errorf("a POST without an answer must have an unknown outcome: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"POST /be/v1/roles failed after 3 attempts over ", "no retry left, max_retries = 2",
		"last answer: POST /be/v1/roles: no answer within 100ms (request timeout)", "may have carried it out"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "context deadline exceeded") {
		t.Errorf("error %q still says only \"context deadline exceeded\"", msg)
	}
}

// retry_max_elapsed bounds an operation with all its retries, however many max_retries allows.
func TestRetryMaxElapsedIsRespected(t *testing.T) {
	srv := newRecordingServer(t, failThenSucceed(1000, http.StatusBadGateway, ""))
	clock := newFakeClock()
	c := newTestClient(t, srv.URL, clock, func(cfg *Config) {
		apiKeyConfig(cfg)
		cfg.MaxRetries, cfg.MaxElapsed = 20, 10*time.Second
	})
	err := c.get(context.Background(), "/be/v1/apps/A", nil)
	var total time.Duration
	for _, w := range clock.Waits() {
		total += w
	}
	if total > 10*time.Second {
		t.Errorf("waited %v in all, beyond the budget of 10s", total)
	}
	if n := len(srv.Requests()); n >= 21 || n < 4 {
		t.Errorf("attempts = %d, want the budget (not max_retries) to end them", n)
	}
	if StatusOf(err) != http.StatusBadGateway || !strings.Contains(err.Error(), "retry_max_elapsed (10s) spent") {
		t.Errorf("error = %v, want the last 502 and the spent budget", err)
	}
	if OutcomeUnknown(err) {
		t.Errorf("a read has no outcome to be unknown: %v", err)
	}
	if c, _ := New(Config{}); c.cfg.MaxElapsed != DefaultMaxElapsed || DefaultMaxElapsed != 5*time.Minute {
		t.Errorf("default MaxElapsed = %v, want 5m", c.cfg.MaxElapsed)
	}
}

// A DELETE carried out whose answer was lost, retried, answers 404: that is "gone", which the
// provider's checkDelete treats as success, so the object leaves state.
func TestLostDeleteAnswerThenNotFoundIsGone(t *testing.T) {
	var deleted atomic.Bool
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		if deleted.CompareAndSwap(false, true) {
			panic(http.ErrAbortHandler) // carried out, answer lost
		}
		writeJSONAnswer(w, http.StatusNotFound, map[string]any{"status": "error", "message": "role 'Ops' not found"})
	})
	clock := newFakeClock()
	c := newTestClient(t, srv.URL, clock, apiKeyConfig)
	err := c.DeleteRole(context.Background(), "Ops")
	if !IsNotFound(err) || OutcomeUnknown(err) {
		t.Errorf("error = %v, want the 404 of the retry (gone), with a known outcome", err)
	}
	if n := srv.count(http.MethodDelete, "/be/v1/roles/Ops"); n != 2 {
		t.Errorf("DELETEs = %d, want 2", n)
	}
}

// TestFreeLoginSlotIsTakenAfterAStop: a request that reaches the login slot after Terraform's
// stop, with no login in progress, takes the slot (and then ends as not sent), instead of
// failing half of the time with "waiting for the login of another request" (a select with both
// cases ready picks at random). Seen in TestInterruptedApplyLeavesStateEqualToServer.
func TestFreeLoginSlotIsTakenAfterAStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := 0; i < 100; i++ {
		s := newSlot()
		if err := s.lock(ctx); err != nil {
			t.Fatalf("try %d: %v; want the free slot taken", i, err)
		}
		s.unlock()
	}
}
