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
//   - learning from a 429: the server's limit is estimated as the requests it accepted in the
//     second before it, less learnMargin, and the limiter keeps to it for the rest of the
//     Client's life (never above rate_limit; a later 429 may lower it further, never raise
//     it); and every request waits until the 429's Retry-After has passed, so that parallel
//     requests wait on the shared limiter instead of each meeting the limit with a 429 of its own.
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
}

func newLimiter(perSecond float64) *limiter {
	l := rate.Inf
	if perSecond > 0 {
		l = rate.Limit(perSecond)
	}
	return &limiter{lim: rate.NewLimiter(l, 1), learn: true}
}

// wait blocks until a request may be sent: after any hold, and when the rate allows. A
// hold that starts while it waits for the rate applies to it too.
func (l *limiter) wait(ctx context.Context, now func() time.Time, sleep func(context.Context, time.Duration) error) error {
	for {
		t := now()
		if hold := l.hold(); t.Before(hold) {
			if err := sleep(ctx, hold.Sub(t)); err != nil {
				return err
			}
			continue
		}
		r := l.lim.ReserveN(t, 1)
		d := r.DelayFrom(t)
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			r.CancelAt(now())
			return err
		}
		if !now().Before(l.hold()) {
			return nil
		}
	}
}

func (l *limiter) hold() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holdUntil
}

// accept records an answer other than 429 at t: the server took the request.
func (l *limiter) accept(t time.Time) {
	l.mu.Lock()
	l.accepted.add(t)
	l.mu.Unlock()
}

// rateLimited records a 429 at t with the server's Retry-After (0 without one). It returns
// the rate the limiter keeps to from now on when this 429 set one for the first time
// (learned > 0), with the number of requests accepted in the second before it; else 0.
func (l *limiter) rateLimited(t time.Time, retryAfter time.Duration) (learned float64, accepted int) {
	if !l.learn {
		return 0, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	prevHold := l.holdUntil
	if retryAfter > 0 {
		if until := t.Add(min(retryAfter, maxRetryAfter)); until.After(l.holdUntil) {
			l.holdUntil = until
		}
	}
	accepted = l.accepted.sum(t)
	if accepted == 0 || (l.learned > 0 && t.Sub(prevHold) < learnWindow) {
		// Nothing to estimate from (the first request was refused), or a second that
		// overlaps a hold, which undercounts what the server accepts: the hold alone applies.
		return 0, 0
	}
	estimate := float64(accepted) / learnWindow.Seconds() * learnMargin
	if rate.Limit(estimate) >= l.lim.Limit() {
		return 0, 0
	}
	l.lim.SetLimitAt(t, rate.Limit(estimate))
	first := l.learned == 0
	l.learned = estimate
	if !first {
		return 0, 0
	}
	return estimate, accepted
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
