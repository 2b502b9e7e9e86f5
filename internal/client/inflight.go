package client

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// writesInFlight counts the writes of every Client of the process that may still reach the
// server: each write request (POST, PATCH, DELETE with credentials) from its call to its return,
// and each FollowUp context until it is released. A plugin whose Terraform is gone waits for it
// to reach zero before it exits (main.go), so that what the server carries out is what the
// server was asked to carry out, to its end.
var writesInFlight atomic.Int64

// countsAsWrite reports whether r is a write that WritesInFlight counts: a request that may
// change an object (not a read, not a login or token request).
func countsAsWrite(r request) bool {
	return r.method != http.MethodGet && r.auth != authNone
}

// WritesInFlight is how many writes of this process may still reach the server (see
// writesInFlight).
func WritesInFlight() int64 {
	return writesInFlight.Load()
}

// WaitForWrites waits until no write is in flight, checking every poll, and reports whether
// that happened before ctx ended. The count must be zero on two checks in a row, so that a write
// that follows another (FollowUp) is not missed in the moment between them.
func WaitForWrites(ctx context.Context, poll time.Duration) bool {
	zero := 0
	for {
		if writesInFlight.Load() == 0 {
			zero++
			if zero == 2 {
				return true
			}
		} else {
			zero = 0
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(poll):
		}
	}
}

// FollowUp returns the context for a write that must follow one that has already been sent,
// such as the registration of a new app (or the delete that undoes its create): once the first
// write has left, the server holds its result, and stopping before the second would leave it
// half done (an app without registered deployments is published to all of them).
//
// The context carries ctx's values but is not cancelled with it: when ctx ends (Terraform is
// stopping, or is gone), the follow-up still has the request timeout (request_timeout) to
// finish, like the detached attempt of a write that was sent; then the context ends. Release it
// with the returned function; until then it counts as a write in flight (WritesInFlight).
func (c *Client) FollowUp(ctx context.Context) (context.Context, context.CancelFunc) {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	writesInFlight.Add(1)
	var mu sync.Mutex
	var timer *time.Timer
	released := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !released {
			timer = time.AfterFunc(c.cfg.Timeout, cancel)
		}
	})
	var once sync.Once
	return fctx, func() {
		once.Do(func() {
			stop()
			mu.Lock()
			released = true
			if timer != nil {
				timer.Stop()
			}
			mu.Unlock()
			cancel()
			writesInFlight.Add(-1)
		})
	}
}
