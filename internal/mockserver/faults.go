package mockserver

import (
	"bytes"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Fault kinds, as the request log records them (RequestRecord.Fault).
const (
	// FaultServerError: the request was answered 500, 502 or 503 without being handled.
	FaultServerError = "server_error"
	// FaultRateLimited: the request was over Options.RateLimit and answered 429 with Retry-After.
	FaultRateLimited = "rate_limited"
	// FaultLostResponse: a POST or PATCH was handled (the object exists or changed, e.g. new
	// credentials after resetCreds) but its answer was dropped and the connection closed.
	FaultLostResponse = "lost_response"
)

// faultInjector makes the mock behave like a cloud service behind load balancers: it adds
// latency, rate-limits, fails a share of the requests and loses a share of the answers to
// successful POSTs and PATCHes. The /_mock/ endpoints are exempt. With the same seed and the same order of
// requests it injects the same faults.
type faultInjector struct {
	failRate, loseRate  float64
	sparePasswordLogins bool
	latency             time.Duration
	now                 func() time.Time

	paused atomic.Bool

	mu  sync.Mutex
	rng *rand.Rand
	// limit is the token bucket of Options.RateLimit (burst Options.RateBurst, default one
	// second's worth); nil = unlimited.
	limit *rate.Limiter
}

func newFaultInjector(o Options) *faultInjector {
	seed := uint64(o.Seed) //nolint:gosec // a seed, any bits do
	if o.Seed == 0 {
		seed = uint64(time.Now().UnixNano()) //nolint:gosec // a seed
	}
	var limit *rate.Limiter
	if o.RateLimit > 0 {
		burst := max(1, int(o.RateLimit))
		if o.RateBurst > 0 {
			burst = o.RateBurst
		}
		limit = rate.NewLimiter(rate.Limit(o.RateLimit), burst)
	}
	return &faultInjector{
		failRate:            o.FailRate,
		loseRate:            o.LoseResponses,
		sparePasswordLogins: o.SparePasswordLogins,
		latency:             o.Latency,
		now:                 o.Now,
		rng:                 rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), //nolint:gosec // fault injection, not security
		limit:               limit,
	}
}

// active reports whether any fault is configured and not paused.
func (f *faultInjector) active() bool {
	return !f.paused.Load() && (f.failRate > 0 || f.loseRate > 0 || f.latency > 0 || f.limit != nil)
}

// PauseFaults turns fault injection off (true) or on again (false), e.g. while a test
// inspects the store through the API.
func (s *Server) PauseFaults(paused bool) { s.faults.paused.Store(paused) }

// draw decides the faults of one request: the rate limit first, then a server error, then
// (for a POST or PATCH) whether its answer will be lost. Both random numbers are always drawn, so the
// sequence of decisions depends only on the seed and the order of requests.
func (f *faultInjector) draw(method string) (retryAfter time.Duration, failStatus int, lose bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	failDraw, loseDraw, statusDraw := f.rng.Float64(), f.rng.Float64(), f.rng.IntN(3)
	if f.limit != nil {
		now := f.now()
		if !f.limit.AllowN(now, 1) {
			// Refused without taking a token: Retry-After is when the next one is there.
			missing := 1 - f.limit.TokensAt(now)
			return max(time.Nanosecond, time.Duration(missing/float64(f.limit.Limit())*float64(time.Second))), 0, false
		}
	}
	if failDraw < f.failRate {
		return 0, []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[statusDraw], false
	}
	return 0, 0, (method == http.MethodPost || method == http.MethodPatch) && loseDraw < f.loseRate
}

// serve handles one request through h with the configured faults and returns the fault it
// injected, if any. For a lost answer it writes nothing and sets rec.status to the status the
// handler chose; the caller then drops the connection.
func (f *faultInjector) serve(h http.Handler, rec *statusRecorder, r *http.Request) string {
	if f.latency > 0 {
		t := time.NewTimer(f.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	retryAfter, failStatus, lose := f.draw(r.Method)
	if lose && f.sparePasswordLogins && r.URL.Path == "/be/v1/login" && r.Header.Get("Authorization") == "" {
		lose = false
	}
	switch {
	case retryAfter > 0:
		rec.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter.Seconds()))))
		writeError(rec, http.StatusTooManyRequests, "too many requests: rate limit exceeded, retry later")
		return FaultRateLimited
	case failStatus != 0:
		writeError(rec, failStatus, "injected fault: "+http.StatusText(failStatus))
		return FaultServerError
	case lose:
		buf := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
		h.ServeHTTP(buf, r)
		if buf.status >= 200 && buf.status < 300 {
			rec.status = buf.status
			return FaultLostResponse
		}
		buf.copyTo(rec)
		return ""
	}
	h.ServeHTTP(rec, r)
	return ""
}

// bufferedWriter holds an answer until it is known whether it will be sent.
type bufferedWriter struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if !b.wroteHeader {
		b.status, b.wroteHeader = code, true
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.wroteHeader = true
	return b.body.Write(p)
}

func (b *bufferedWriter) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}
