package client

import (
	"context"
	"fmt"
	"math"
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
// a day. The cap applies only to waits the budget can hold: a Retry-After (as the host sent it,
// uncapped) beyond what is left of the operation's budget fails at once instead (issue 30).
const maxRetryAfter = 60 * time.Second

// askedWait names the wait a host asked for: "24h0m0s (Retry-After: 86400)".
func askedWait(d time.Duration, raw string) string {
	return fmt.Sprintf("%s (Retry-After: %s)", d, raw)
}

// backoff returns the wait before retry number attempt (1-based). A Retry-After from the server
// is honoured as the lower bound (capped at maxRetryAfter), with jitter of up to half of it on
// top, so that parallel requests refused together do not all come back at the same instant; the
// jitter never takes a wait beyond maxRetryAfter (one rule for every wait: see capRetryAfter).
func backoff(attempt int, retryAfter time.Duration) time.Duration {
	ceiling := backoffBase << min(attempt-1, 10)
	if ceiling > backoffMax {
		ceiling = backoffMax
	}
	wait := ceiling/2 + rand.N(ceiling/2+1) //nolint:gosec // jitter, not a secret
	if retryAfter > 0 {
		retryAfter = capRetryAfter(retryAfter)
		retryAfter = min(retryAfter+rand.N(retryAfter/2+1), max(retryAfter, maxRetryAfter)) //nolint:gosec // jitter, not a secret
	}
	return max(wait, retryAfter)
}

// capRetryAfter is the one reading of a server's Retry-After: the hold of a 429, the wait of a
// 5xx and the budget check all use it.
func capRetryAfter(d time.Duration) time.Duration { return min(d, maxRetryAfter) }

// Pacing of one Client's requests (all of them share one limiter):
//   - rate_limit: at most that many requests per second, evenly spaced (a rate.Limiter with a
//     burst of 1, so a refresh of many objects never sends a burst the server must refuse);
//   - a 429 holds every request until its Retry-After has passed, so that parallel requests
//     wait on the shared limiter instead of each meeting the limit with a 429 of its own;
//   - and cuts the rate, which then grows back while no 429 comes (AIMD, as TCP's CUBIC and
//     the AWS SDKs' adaptive retry mode do it): when the hold has passed, the rate at the 429
//     (the answers other than 429 of the second before it, plus those still arriving until the
//     hold ends, which the server took before refusing; or the limiter's own rate when that is
//     lower or the second overlapped an earlier hold) is the ceiling W, and the rate drops to
//     cutFactor * W. From the end of the hold it grows as growth * (t - K)^3 + W, with K the
//     time it takes to get back to W: slowly near W, where a steady limit lies, faster beyond
//     it, so a transient 429 costs seconds and a steady limit is probed rarely. Each 429 of a
//     request sent after the last cut cuts again (those sent before it are part of the wave
//     already cut for). Never above rate_limit; once far above W (recovered), unlimited again.
//   - but a lone 429 only holds (issue 29): one request refused while no other request of its
//     wave is, and no 429 came within confirmWindow before it, says nothing about a steady
//     limit (a server's hiccup, a shared limit another client used up for a moment), and the
//     rate measured at it is our own demand, often a few requests at the start of a run, which
//     the cubic would take seconds to grow back from. The cut comes with the second 429: one of
//     the same wave (parallel requests meeting a real limit), or one within confirmWindow after
//     the lone one's hold. So a lone 429 costs its Retry-After, and a steady limit is learned
//     one 429 later.
const (
	learnWindow = time.Second
	learnSlots  = 10 // the window is counted in slots of learnWindow / learnSlots
	// cutFactor is the multiplicative decrease of a 429 (AWS adaptive retry: 0.7).
	cutFactor = 0.7
	// growth scales the cubic increase, in requests per second per second cubed (AWS: 0.4).
	growth = 0.4
	// recoveredFactor: once the rate grows this far above the ceiling W of the last 429, an
	// unlimited client is unlimited again.
	recoveredFactor = 100
	// confirmWindow: a 429 within it after the hold of a lone 429 confirms a limit (cuts).
	confirmWindow = 30 * time.Second
)

type limiter struct {
	lim     *rate.Limiter // rate.Inf when unlimited
	ceiling rate.Limit    // rate_limit, rate.Inf when unlimited: the rate never grows above it
	learn   bool          // false only in tests that measure what learning saves

	mu        sync.Mutex
	holdUntil time.Time // no request before it (the last 429's Retry-After)
	// askedUntil is when the host asked to be left alone until, uncapped (a 429's Retry-After),
	// with the header as it came: a request whose budget ends before it fails at once.
	askedUntil time.Time
	askedFor   time.Duration
	askedRaw   string
	accepted   acceptedWindow
	// pending: a 429 to cut for once its hold has passed; pendingCount is what had been
	// accepted in the second before it, plus the answers accepted since; pendingOverlap: that
	// second overlapped an earlier hold, so the count undercounts.
	pending        bool
	pendingCount   int
	pendingOverlap bool
	// tentative: the pending 429 is lone so far (no cut yet, none within confirmWindow before
	// it); a second 429 before its hold has passed confirms it. loneUntil: the end of the hold
	// of the last lone 429 that cut nothing.
	tentative bool
	loneUntil time.Time
	// The growth after the last cut: from W (requests per second at the 429), since the end
	// of its hold; cut is false before the first 429 and once recovered.
	cut    bool
	w      float64
	since  time.Time
	cuts   int  // 429s cut for so far
	logged bool // the first cut was reported (wait's learnedRate)
}

func newLimiter(perSecond float64) *limiter {
	l := rate.Inf
	if perSecond > 0 {
		l = rate.Limit(perSecond)
	}
	return &limiter{lim: rate.NewLimiter(l, 1), ceiling: l, learn: true}
}

// learnedRate is the rate of the first cut, for the one log line that says so.
type learnedRate struct {
	perSecond float64
	accepted  int
}

// wait blocks until a request may be sent: after any hold, and when the rate allows. A
// hold that starts while it waits for the rate applies to it too. It returns the rate of the
// first cut after a 429 when this call made it.
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

// afterHold returns the hold; once it has passed, it cuts the rate for a pending 429 (and
// returns the rate when it is the first cut of the Client's life), else lets the rate grow.
func (l *limiter) afterHold(t time.Time) (time.Time, *learnedRate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.Before(l.holdUntil) {
		return l.holdUntil, nil
	}
	if !l.pending {
		l.grow(t)
		return l.holdUntil, nil
	}
	l.pending = false
	if l.tentative { // a lone 429: its hold was all it cost
		l.tentative, l.loneUntil = false, l.holdUntil
		l.grow(t)
		return l.holdUntil, nil
	}
	at := float64(l.lim.Limit()) // +Inf when unlimited
	if measured := float64(l.pendingCount) / learnWindow.Seconds(); !l.pendingOverlap && measured > 0 {
		at = min(at, measured)
	}
	if math.IsInf(at, 1) {
		return l.holdUntil, nil // nothing to measure the rate by: the hold alone applies
	}
	l.cut, l.w, l.since = true, at, l.holdUntil
	l.cuts++
	l.lim.SetLimitAt(t, rate.Limit(at*cutFactor))
	if l.logged {
		return l.holdUntil, nil
	}
	l.logged = true
	return l.holdUntil, &learnedRate{perSecond: at * cutFactor, accepted: l.pendingCount}
}

// grow raises the rate after a cut along the cubic (l.mu held).
func (l *limiter) grow(t time.Time) {
	if !l.cut {
		return
	}
	k := math.Cbrt(l.w * (1 - cutFactor) / growth)
	x := t.Sub(l.since).Seconds() - k
	r := rate.Limit(growth*x*x*x + l.w)
	switch {
	case l.ceiling != rate.Inf && r >= l.ceiling:
		r, l.cut = l.ceiling, false // back at rate_limit
	case l.ceiling == rate.Inf && float64(r) >= l.w*recoveredFactor:
		r, l.cut = rate.Inf, false // far above the last limit met: unlimited again
	}
	if r > l.lim.Limit() {
		l.lim.SetLimitAt(t, r)
	}
}

// asked records a 429's Retry-After as the host sent it (uncapped), at t.
func (l *limiter) asked(t time.Time, d time.Duration, raw string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until := t.Add(d); d > 0 && until.After(l.askedUntil) {
		l.askedUntil, l.askedFor, l.askedRaw = until, d, raw
	}
}

// beyondBudget says, when a request at t whose budget ends at deadline is held by a 429 whose
// Retry-After goes beyond that deadline, what the host asked for ("" otherwise): waiting the
// capped hold would only meet the same refusal.
func (l *limiter) beyondBudget(t, deadline time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !t.Before(l.holdUntil) || !l.askedUntil.After(deadline) {
		return ""
	}
	return askedWait(l.askedFor, l.askedRaw)
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

// rateLimited records a 429 at t, of a request sent at sent, with the server's Retry-After (0
// without one): it holds every request until then, and the rate is cut when the hold has
// passed (wait), unless the request left before the last cut took effect.
func (l *limiter) rateLimited(t, sent time.Time, retryAfter time.Duration) {
	if !l.learn {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	prevHold := l.holdUntil
	if until := t.Add(capRetryAfter(retryAfter)); until.After(l.holdUntil) {
		l.holdUntil = until
	}
	if l.pending {
		// Part of a wave cut for already (or about to be); a second 429 of a lone one's wave
		// confirms the limit.
		l.tentative = false
		return
	}
	if l.cut && sent.Before(l.since) {
		return // part of the wave cut for already
	}
	n := l.accepted.sum(t)
	if n == 0 && l.lim.Limit() == rate.Inf {
		return // e.g. the first request refused: nothing to measure the rate by
	}
	l.pending, l.pendingCount = true, n
	l.pendingOverlap = !prevHold.IsZero() && t.Sub(prevHold) < learnWindow
	l.tentative = !l.cut && (l.loneUntil.IsZero() || t.Sub(l.loneUntil) > confirmWindow)
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
