package client

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

const learnedLogLine = "ROCKIT Edge rate limit reached (429)"

// logLines returns the log lines that contain s.
func logLines(l *recordingLogger, s string) []string {
	var out []string
	for _, line := range l.Lines() {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// refusingClient is a client (API key, fake clock, recording logger) of a server that answers
// 429 with retryAfter to the requests numbered refused (1-based) and 200 to every other.
func refusingClient(t *testing.T, retryAfter string, refused ...int32) (*recordingServer, *Client, *fakeClock, *recordingLogger) {
	t.Helper()
	var calls atomic.Int32
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		if slices.Contains(refused, calls.Add(1)) {
			w.Header().Set("Retry-After", retryAfter)
			writeJSONAnswer(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "slow down"})
			return
		}
		writeJSONAnswer(w, http.StatusOK, success(map[string]any{"name": "A"}))
	})
	clock := newFakeClock()
	logger := &recordingLogger{}
	c := newTestClient(t, srv.URL, clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.Logger = logger })
	return srv, c, clock, logger
}

// A lone 429 (one request refused, no other of its wave, none shortly before) costs its
// Retry-After and nothing more (issue 29): the rate at it is the client's own demand, and a
// cut from there would take seconds to grow back.
func TestALone429CostsItsRetryAfter(t *testing.T) {
	// The third request (the first create of a run, after a login's worth of requests) is refused.
	srv, c, clock, logger := refusingClient(t, "1", 3)
	start := clock.Now()
	for range 62 {
		if err := c.get(context.Background(), "/be/v1/apps/A", nil); err != nil {
			t.Fatal(err)
		}
	}
	if w := clock.Waits(); len(w) != 1 || w[0] != time.Second {
		t.Errorf("waits = %v, want only the 1 s of Retry-After", w)
	}
	if elapsed := clock.Now().Sub(start); elapsed != time.Second {
		t.Errorf("62 requests around a lone 429 took %v, want its Retry-After (1s)", elapsed)
	}
	if lines := logLines(logger, learnedLogLine); len(lines) != 0 {
		t.Errorf("a lone 429 cut the rate: %q", lines)
	}
	if n := len(srv.Requests()); n != 63 {
		t.Errorf("requests = %d, want 62 and one retry", n)
	}
}

// After a second 429 (here a second after the hold of a lone one, within confirmWindow) the
// client holds every request until Retry-After has passed, then cuts its rate to 70% of what
// the server accepted in the second before it and lets it grow back while no 429 comes (AIMD);
// it says so once in the debug log.
func TestA429CutsTheRateWhichThenRecovers(t *testing.T) {
	srv, c, clock, logger := refusingClient(t, "2", 21, 43) // after 20 accepted at once, twice
	get := func(n int) {
		t.Helper()
		for range n {
			if err := c.get(context.Background(), "/be/v1/apps/A", nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	get(20)
	if w := clock.Waits(); len(w) != 0 {
		t.Fatalf("unlimited before the 429, but waited %v", w)
	}
	start := clock.Now()
	get(1) // the lone 429: its hold
	if w := clock.Waits(); len(w) != 1 || w[0] != 2*time.Second {
		t.Fatalf("waits = %v after a lone 429, want only its 2 s of Retry-After", w)
	}
	clock.Advance(time.Second)
	get(220) // 20 at once, then the second 429
	waits := clock.Waits()
	if len(waits) < 4 || waits[1] != 2*time.Second {
		t.Fatalf("waits = %v, want the 2 s of each Retry-After first", waits)
	}
	// 20 accepted in the second before the second 429: 14 per second just after its hold ...
	if w := waits[3]; w < time.Second/15 || w > time.Second/14+time.Millisecond {
		t.Errorf("the first wait after the hold is %v, want about 1/14 s (70%% of 20/s)", w)
	}
	// ... growing while no 429 comes: past the old rate after about 2.5 s, then faster.
	last := waits[len(waits)-1]
	if last >= time.Second/20 {
		t.Errorf("the last wait is %v: the rate did not grow back above 20/s", last)
	}
	for i := 4; i < len(waits); i++ {
		if waits[i] > waits[i-1]+time.Millisecond {
			t.Fatalf("wait %d (%v) is longer than the one before (%v): the rate went down without a 429", i, waits[i], waits[i-1])
		}
	}
	// After the two holds and the second between them (5 s), a rate that never recovers (90% of
	// 20/s for the rest of the run) takes 200/18 s for the 200 requests.
	if after, old := clock.Now().Sub(start)-5*time.Second, 200*time.Second/18; after > old*7/10 {
		t.Errorf("200 requests after the second hold took %v, want well under the %v of a rate that never recovers", after, old)
	} else {
		t.Logf("200 requests after the second hold took %v (a rate that never recovers: %v)", after, old)
	}
	lines := logLines(logger, learnedLogLine)
	if len(lines) != 1 || !strings.Contains(lines[0], `"requests_per_second":14`) || !strings.Contains(lines[0], `"accepted":20`) {
		t.Errorf("want one debug line about the cut (14/s from 20 accepted), got %q", lines)
	}
	if n := len(srv.Requests()); n != 243 {
		t.Errorf("requests = %d, want 241 and two retries", n)
	}
}

// The AIMD rule itself, on the limiter with a fake clock: cut to 70% of the rate at the 429
// (the answers around it, or the limiter's own rate when that is lower), grow back along the
// cubic, never above rate_limit, and cut again on each 429 of a request sent after the last cut.
func TestLimiterAIMD(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	waitAt := func(l *limiter, at time.Time) *learnedRate {
		t.Helper()
		clock := &fakeClock{now: at}
		learned, err := l.wait(context.Background(), clock.Now, clock.Sleep)
		if err != nil {
			t.Fatal(err)
		}
		return learned
	}
	near := func(got rate.Limit, want float64) bool { return math.Abs(float64(got)-want) < 0.01 }
	// refused records a wave of two 429s (Retry-After 1 s) at t0: a limit, not a lone 429.
	refused := func(l *limiter) {
		l.rateLimited(t0, t0, time.Second)
		l.rateLimited(t0, t0, time.Second)
	}
	// at429 is an unlimited limiter that received accepted answers and then such a wave at t0.
	at429 := func(accepted int) *limiter {
		l := newLimiter(0)
		for range accepted {
			l.accept(t0)
		}
		refused(l)
		return l
	}

	t.Run("never above rate_limit", func(t *testing.T) {
		l := newLimiter(2)
		for range 10 {
			l.accept(t0)
		}
		refused(l)
		// 10 answers in the second before, but the limiter sent at most 2/s: cut from 2.
		if learned := waitAt(l, t0.Add(time.Second)); learned == nil || !near(l.lim.Limit(), 1.4) {
			t.Fatalf("learned %+v, limit %v; want a cut to 1.4/s (70%% of rate_limit 2)", learned, l.lim.Limit())
		}
		for _, after := range []time.Duration{2 * time.Second, 10 * time.Second, time.Hour} {
			waitAt(l, t0.Add(after))
			if l.lim.Limit() > 2 {
				t.Fatalf("%v after the 429 the rate is %v, above rate_limit 2", after, l.lim.Limit())
			}
		}
		if l.lim.Limit() != 2 {
			t.Errorf("an hour later the rate is %v, want rate_limit 2 again", l.lim.Limit())
		}
	})

	t.Run("unlimited recovers", func(t *testing.T) {
		l := at429(5)
		for range 5 { // answers of requests the server took before refusing count too
			l.accept(t0.Add(10 * time.Millisecond))
		}
		if hold, learned := l.afterHold(t0.Add(500 * time.Millisecond)); learned != nil || !hold.Equal(t0.Add(time.Second)) || l.lim.Limit() != rate.Inf {
			t.Errorf("during the hold: learned %+v, hold %v, limit %v; want nothing changed yet", learned, hold, l.lim.Limit())
		}
		if learned := waitAt(l, t0.Add(time.Second)); learned == nil || learned.accepted != 10 || !near(l.lim.Limit(), 7) {
			t.Fatalf("learned %+v, limit %v; want 7/s (70%% of 10 accepted)", learned, l.lim.Limit())
		}
		// K = cbrt(10 * 0.3 / 0.4) s after the hold the rate is back at 10/s, and it grows on.
		k := time.Duration(math.Cbrt(10*0.3/0.4) * float64(time.Second))
		waitAt(l, t0.Add(time.Second+k))
		if !near(l.lim.Limit(), 10) {
			t.Errorf("K after the hold the rate is %v, want 10/s", l.lim.Limit())
		}
		waitAt(l, t0.Add(time.Second+k+5*time.Second))
		if !near(l.lim.Limit(), 10+0.4*125) {
			t.Errorf("K + 5 s after the hold the rate is %v, want 60/s", l.lim.Limit())
		}
		waitAt(l, t0.Add(time.Minute))
		if l.lim.Limit() != rate.Inf {
			t.Errorf("a minute later the rate is %v, want unlimited again", l.lim.Limit())
		}
	})

	t.Run("each 429 cuts once", func(t *testing.T) {
		l := at429(20)
		waitAt(l, t0.Add(time.Second)) // 14/s
		// A 429 of a request sent before the cut took effect: a hold, no second cut.
		l.rateLimited(t0.Add(1100*time.Millisecond), t0.Add(900*time.Millisecond), time.Second)
		waitAt(l, t0.Add(2100*time.Millisecond))
		// (Grown along the cubic from 14/s: 0.4 * (1.1 - K)^3 + 20, with K = cbrt(15).)
		if got, want := float64(l.lim.Limit()), 0.4*math.Pow(1.1-math.Cbrt(15), 3)+20; math.Abs(got-want) > 0.01 {
			t.Errorf("a 429 of the wave already cut for changed the rate to %v, want %v", got, want)
		}
		// A 429 of a request sent after it, with its second overlapping that hold: cut from the
		// limiter's own rate (the count of that second undercounts).
		before := float64(l.lim.Limit())
		l.rateLimited(t0.Add(2200*time.Millisecond), t0.Add(2150*time.Millisecond), time.Second)
		waitAt(l, t0.Add(3200*time.Millisecond))
		if got := float64(l.lim.Limit()); math.Abs(got-before*0.7) > 0.5 {
			t.Errorf("after a second 429 the rate is %v, want about %v (70%% of %v)", got, before*0.7, before)
		}
	})

	t.Run("a lone 429 only holds", func(t *testing.T) {
		l := newLimiter(0)
		for range 10 {
			l.accept(t0)
		}
		l.rateLimited(t0, t0, time.Second)
		if learned := waitAt(l, t0.Add(time.Second)); learned != nil || l.lim.Limit() != rate.Inf {
			t.Fatalf("learned %+v, limit %v after a lone 429; want the hold alone", learned, l.lim.Limit())
		}
		// A second 429 within confirmWindow after its hold confirms a limit: cut.
		for range 10 {
			l.accept(t0.Add(5 * time.Second))
		}
		l.rateLimited(t0.Add(5*time.Second), t0.Add(5*time.Second), time.Second)
		if learned := waitAt(l, t0.Add(6*time.Second)); learned == nil || !near(l.lim.Limit(), 7) {
			t.Fatalf("learned %+v, limit %v after a second 429; want a cut to 7/s (70%% of 10)", learned, l.lim.Limit())
		}
		// Once recovered, a 429 long after is lone again.
		later := t0.Add(time.Hour)
		waitAt(l, later)
		if l.lim.Limit() != rate.Inf {
			t.Fatalf("an hour later the rate is %v, want unlimited again", l.lim.Limit())
		}
		for range 10 {
			l.accept(later)
		}
		l.rateLimited(later, later, time.Second)
		if learned := waitAt(l, later.Add(time.Second)); learned != nil || l.lim.Limit() != rate.Inf {
			t.Errorf("a 429 an hour after the last: learned %+v, limit %v; want the hold alone", learned, l.lim.Limit())
		}
	})

	t.Run("nothing to measure", func(t *testing.T) {
		l := at429(0) // the first request refused
		if learned := waitAt(l, t0.Add(time.Second)); learned != nil || l.lim.Limit() != rate.Inf {
			t.Errorf("learned %+v, limit %v from nothing accepted; want the hold alone", learned, l.lim.Limit())
		}
	})
}

// A 429's Retry-After holds every request of the client, not only the one refused: a request
// that starts during the hold waits for its end, and a stop during that wait sends nothing.
func TestA429HoldsEveryRequestUntilRetryAfter(t *testing.T) {
	clock := newFakeClock()
	var bAt time.Time
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/be/v1/apps/A" {
			w.Header().Set("Retry-After", "3")
			writeJSONAnswer(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "slow down"})
			return
		}
		bAt = clock.Now()
		writeJSONAnswer(w, http.StatusOK, success(map[string]any{"name": "B"}))
	})
	// No retries: the refused request returns at once, its hold stays.
	c := newTestClient(t, srv.URL, clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxRetries = 0 })
	start := clock.Now()
	if err := c.get(context.Background(), "/be/v1/apps/A", nil); StatusOf(err) != http.StatusTooManyRequests {
		t.Fatalf("error = %v, want the 429 (max_retries = 0)", err)
	}
	if err := c.get(context.Background(), "/be/v1/apps/B", nil); err != nil {
		t.Fatal(err)
	}
	if got := bAt.Sub(start); got != 3*time.Second {
		t.Errorf("the next request reached the server %v after the 429, want 3s (Retry-After)", got)
	}

	t.Run("stop while held", func(t *testing.T) {
		srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "30")
			writeJSONAnswer(w, http.StatusTooManyRequests, map[string]any{"status": "error", "message": "slow down"})
		})
		c := newTestClient(t, srv.URL, nil, func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxRetries = 0 })
		_ = c.get(context.Background(), "/be/v1/apps/A", nil)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		began := time.Now()
		_, err := c.CreateRole(ctx, CreateRoleRequest{Name: "Ops"})
		if d := time.Since(began); d > 2*time.Second {
			t.Errorf("took %v: the hold (30 s) did not end with the context", d)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for the rate limit") || OutcomeUnknown(err) {
			t.Errorf("error = %v, want the end of the context while waiting for the rate limit, nothing sent", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("requests = %d, want only the refused one", n)
		}
	})
}

// A 429 is refused before acting and says when to come back: it is retried without counting
// against max_retries, within retry_max_elapsed; max_retries = 0 still disables retries.
func TestA429DoesNotCountAgainstMaxRetries(t *testing.T) {
	srv := newRecordingServer(t, failThenSucceed(8, http.StatusTooManyRequests, "1"))
	c := newTestClient(t, srv.URL, newFakeClock(), func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxRetries = 2 })
	if err := c.get(context.Background(), "/be/v1/apps/A", nil); err != nil {
		t.Fatalf("8 429s with max_retries = 2: %v", err)
	}
	if n := len(srv.Requests()); n != 9 {
		t.Errorf("attempts = %d, want 9", n)
	}

	srv = newRecordingServer(t, failThenSucceed(1000, http.StatusTooManyRequests, "1"))
	c = newTestClient(t, srv.URL, newFakeClock(), func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxElapsed = 10 * time.Second })
	err := c.get(context.Background(), "/be/v1/apps/A", nil)
	var re *RequestError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "retry_max_elapsed") || StatusOf(err) != http.StatusTooManyRequests {
		t.Fatalf("endless 429s: error = %v, want a RequestError naming retry_max_elapsed", err)
	}
	if n := len(srv.Requests()); n < 9 || n > 11 {
		t.Errorf("attempts = %d, want about 10 (one per second of Retry-After within 10 s)", n)
	}

	srv = newRecordingServer(t, failThenSucceed(1, http.StatusTooManyRequests, "1"))
	c = newTestClient(t, srv.URL, newFakeClock(), func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxRetries = 0 })
	if err := c.get(context.Background(), "/be/v1/apps/A", nil); StatusOf(err) != http.StatusTooManyRequests || len(srv.Requests()) != 1 {
		t.Errorf("max_retries = 0: error = %v after %d attempts, want the 429 after 1", err, len(srv.Requests()))
	}
}

// Against the mock at 25 requests per second, 10 workers (Terraform's parallelism) sending 100
// GETs all succeed; with learning only the requests already in flight when the first 429
// came back are refused, without it every worker keeps meeting the limit.
func TestLearningTheRateLimitSavesRefusals(t *testing.T) {
	const workers, total = 10, 100
	run := func(t *testing.T, learn bool) (refused int, logger *recordingLogger) {
		m := mockserver.New(mockserver.Options{AdminToken: "adm", RateLimit: 25})
		m.SeedOrg("Acme", "admin")
		key := m.SeedUser("Acme", "bot", true, "Administrators")
		hs := httptest.NewServer(m)
		t.Cleanup(hs.Close)
		logger = &recordingLogger{}
		c := newTestClient(t, hs.URL, nil, func(cfg *Config) {
			cfg.OrgName, cfg.Username, cfg.APIKey, cfg.Logger = "Acme", "bot", key, logger
		})
		c.limiter.learn = learn
		var wg sync.WaitGroup
		var next atomic.Int32
		errs := make(chan error, total)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= total {
					if err := c.get(context.Background(), "/be/v1/roles/Administrators", nil); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("a GET failed: %v", err)
		}
		for _, r := range m.Requests() {
			if r.Fault == mockserver.FaultRateLimited {
				refused++
			}
		}
		return refused, logger
	}
	var with, without int
	t.Run("parallel", func(t *testing.T) {
		t.Run("with learning", func(t *testing.T) {
			t.Parallel()
			var logger *recordingLogger
			with, logger = run(t, true)
			if lines := logLines(logger, learnedLogLine); len(lines) != 1 {
				t.Errorf("want the learned rate logged once, got %q", lines)
			}
		})
		t.Run("without learning", func(t *testing.T) {
			t.Parallel()
			var logger *recordingLogger
			without, logger = run(t, false)
			if lines := logLines(logger, learnedLogLine); len(lines) != 0 {
				t.Errorf("nothing learned, yet logged %q", lines)
			}
		})
	})
	t.Logf("429s for %d GETs at 25/s with %d workers: %d with learning, %d without", total, workers, with, without)
	// With learning: the first wave (at most one per worker) and a few more at most.
	if with > workers+5 {
		t.Errorf("with learning %d requests were refused, want at most %d", with, workers+5)
	}
	if without < 2*with {
		t.Errorf("learning saved too little: %d refusals with it, %d without", with, without)
	}
}

// Requests that waited for a token renewal pass the limiter again before they leave, so a
// renewal does not release them in one burst beyond rate_limit (or the learned rate).
func TestRequestsReleasedByARenewalKeepToTheRate(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: "adm", AuthTokenTTL: 2 * time.Second}) // renewed after 1 s
	password := m.SeedOrg("Acme", "admin")
	var mu sync.Mutex
	var gets []time.Time
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/be/v1/auth":
			time.Sleep(500 * time.Millisecond) // a slow renewal: requests pile up behind it
		case r.Method == http.MethodGet:
			mu.Lock()
			gets = append(gets, time.Now())
			mu.Unlock()
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	c := newTestClient(t, hs.URL, nil, func(cfg *Config) {
		cfg.OrgName, cfg.Username, cfg.Password, cfg.RateLimit = "Acme", "admin", password, 10
	})
	var wg sync.WaitGroup
	var next atomic.Int32
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= 30 {
				if err := c.get(context.Background(), "/be/v1/roles/Administrators", nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if renewals := postsTo(m, http.MethodPost, "/be/v1/auth"); renewals < 2 {
		t.Fatalf("%d auth tokens: the test needs a renewal while requests wait", renewals)
	}
	// At 10/s one request every 100 ms: four within 30 ms would be a burst.
	slices.SortFunc(gets, func(a, b time.Time) int { return a.Compare(b) })
	for i := 0; i+3 < len(gets); i++ {
		if d := gets[i+3].Sub(gets[i]); d < 30*time.Millisecond {
			t.Fatalf("requests %d to %d arrived within %v: a burst beyond rate_limit 10/s", i, i+3, d)
		}
	}
}
