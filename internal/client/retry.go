package client

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
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

// rateLimiter is a token bucket shared by every request of one Client.
type rateLimiter struct {
	mu     sync.Mutex
	rate   float64 // tokens per second; 0 = unlimited
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newRateLimiter(rate float64, now func() time.Time) *rateLimiter {
	return &rateLimiter{rate: rate, tokens: 1, now: now}
}

// wait blocks until a request may be sent.
func (l *rateLimiter) wait(ctx context.Context, sleep func(context.Context, time.Duration) error) error {
	if l.rate <= 0 {
		return nil
	}
	for {
		l.mu.Lock()
		now := l.now()
		if !l.last.IsZero() {
			l.tokens += now.Sub(l.last).Seconds() * l.rate
		}
		l.last = now
		burst := max(1, l.rate)
		if l.tokens > burst {
			l.tokens = burst
		}
		if l.tokens >= 1 {
			l.tokens--
			l.mu.Unlock()
			return nil
		}
		need := time.Duration((1 - l.tokens) / l.rate * float64(time.Second))
		l.mu.Unlock()
		if err := sleep(ctx, need); err != nil {
			return err
		}
	}
}
