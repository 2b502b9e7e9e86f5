package client

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Backoff bounds: the first retry waits about backoffBase, each further one twice as long, up to
// backoffMax; full jitter spreads the retries of parallel requests apart.
const (
	backoffBase = 100 * time.Millisecond
	backoffMax  = 5 * time.Second
)

// maxRetryAfter caps a server's Retry-After: a server asking for a day must not hold a plan for
// a day. A Retry-After beyond what is left of the operation's budget fails at once instead.
const maxRetryAfter = 60 * time.Second

// backoff returns the wait before retry number attempt (1-based). A Retry-After from the server
// is honoured as the lower bound (capped at maxRetryAfter), with jitter of up to half of it on
// top, so that parallel requests refused together do not all come back at the same instant.
func backoff(attempt int, retryAfter time.Duration) time.Duration {
	ceiling := backoffBase << min(attempt-1, 10)
	if ceiling > backoffMax {
		ceiling = backoffMax
	}
	wait := ceiling/2 + rand.N(ceiling/2+1) //nolint:gosec // jitter, not a secret
	if retryAfter > 0 {
		retryAfter = min(retryAfter, maxRetryAfter)
		retryAfter += rand.N(retryAfter/2 + 1) //nolint:gosec // jitter, not a secret
	}
	return max(wait, retryAfter)
}

// Pacing of one Client's requests (all of them share one limiter):
//   - rate_limit: at most that many requests per second, evenly spaced (a rate.Limiter with a
//     burst of 1, so a refresh of many objects never sends a burst the server must refuse);
//   - learning from a 429: every request waits until its Retry-After has passed, so that
//     parallel requests wait on the shared limiter instead of each meeting the limit with a 429
//     of its own; and the server's limit is estimated as the answers other than 429 received in
//     the second before it, plus those still arriving until the hold ends (requests the server
//     took before refusing; answers of parallel requests come back in any order), less
//     learnMargin. The limiter keeps to it for the rest of the Client's life: never above
//     rate_limit, and a later 429 lowers it again only when the second before it overlaps no
//     hold (which would undercount).
const (
	learnWindow = time.Second
	learnSlots  = 10 // the window is counted in slots of learnWindow / learnSlots
	learnMargin = 0.9
)

type limiter struct {
	lim   *rate.Limiter // rate.Inf when unlimited
	learn bool          // false only in tests that measure what learning saves

	mu        sync.Mutex
	holdUntil time.Time // no request before it (the last 429's Retry-After)
	learned   float64   // requests per second learned from 429s; 0 = none yet
	accepted  acceptedWindow
	// pending: a 429 to learn from once its hold has passed; pendingCount is what had been
	// accepted in the second before it, plus the answers accepted since.
	pending      bool
	pendingCount int
}

func newLimiter(perSecond float64) *limiter {
	l := rate.Inf
	if perSecond > 0 {
		l = rate.Limit(perSecond)
	}
	return &limiter{lim: rate.NewLimiter(l, 1), learn: true}
}

// learnedRate is a rate the limiter learned, for the one log line that says so.
type learnedRate struct {
	perSecond float64
	accepted  int
}

// wait blocks until a request may be sent: after any hold, and when the rate allows. A
// hold that starts while it waits for the rate applies to it too. It returns the rate learned
// from a 429 when this call set it for the first time in the Client's life.
func (l *limiter) wait(ctx context.Context, now func() time.Time, sleep func(context.Context, time.Duration) error) (*learnedRate, error) {
	var learned *learnedRate
	for {
		t := now()
		hold, first := l.afterHold(t)
		if first != nil {
			learned = first
		}
		if t.Before(hold) {
			if err := sleep(ctx, hold.Sub(t)); err != nil {
				return learned, err
			}
			continue
		}
		r := l.lim.ReserveN(t, 1)
		d := r.DelayFrom(t)
		if d <= 0 {
			return learned, nil
		}
		if err := sleep(ctx, d); err != nil {
			r.CancelAt(now())
			return learned, err
		}
		if hold, _ := l.afterHold(now()); !now().Before(hold) {
			return learned, nil
		}
	}
}

// afterHold returns the hold; once it has passed, it learns from a pending 429 and returns
// the rate when it is the first one learned.
func (l *limiter) afterHold(t time.Time) (time.Time, *learnedRate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.pending || t.Before(l.holdUntil) {
		return l.holdUntil, nil
	}
	l.pending = false
	estimate := float64(l.pendingCount) / learnWindow.Seconds() * learnMargin
	if rate.Limit(estimate) >= l.lim.Limit() {
		return l.holdUntil, nil
	}
	l.lim.SetLimitAt(t, rate.Limit(estimate))
	first := l.learned == 0
	l.learned = estimate
	if !first {
		return l.holdUntil, nil
	}
	return l.holdUntil, &learnedRate{perSecond: estimate, accepted: l.pendingCount}
}

// accept records an answer other than 429 at t: the server took the request.
func (l *limiter) accept(t time.Time) {
	l.mu.Lock()
	l.accepted.add(t)
	if l.pending {
		l.pendingCount++
	}
	l.mu.Unlock()
}

// rateLimited records a 429 at t with the server's Retry-After (0 without one): it holds
// every request until then, and the rate is learned when the hold has passed (wait).
func (l *limiter) rateLimited(t time.Time, retryAfter time.Duration) {
	if !l.learn {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	prevHold := l.holdUntil
	if until := t.Add(min(retryAfter, maxRetryAfter)); until.After(l.holdUntil) {
		l.holdUntil = until
	}
	if l.pending || (l.learned > 0 && t.Sub(prevHold) < learnWindow) {
		// Learning from an earlier 429 of the same wave already; or a second that overlaps
		// a hold, which undercounts what the server accepts: the hold alone applies.
		return
	}
	if n := l.accepted.sum(t); n > 0 {
		// (Nothing accepted, e.g. the first request refused: nothing to estimate from.)
		l.pending, l.pendingCount = true, n
	}
}

// acceptedWindow counts accepted requests over the last learnWindow in learnSlots slots.
type acceptedWindow struct {
	slot  [learnSlots]int64 // which slot-wide interval since the epoch each count belongs to
	count [learnSlots]int
}

const slotWidth = int64(learnWindow / learnSlots)

func (w *acceptedWindow) add(t time.Time) {
	i := t.UnixNano() / slotWidth
	s := i % learnSlots
	if w.slot[s] != i {
		w.slot[s], w.count[s] = i, 0
	}
	w.count[s]++
}

func (w *acceptedWindow) sum(t time.Time) int {
	i := t.UnixNano() / slotWidth
	n := 0
	for s := range learnSlots {
		if w.slot[s] > i-learnSlots && w.slot[s] <= i {
			n += w.count[s]
		}
	}
	return n
}
