package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The request loop. Every feature of 0.3.0 (credential gates and budgets, taken names, writes in
// flight, the admin-token probe, the lost and acted flags) once added a line inline to one long
// loop, and reading it meant holding a dozen local variables in mind (issue 31). So:
//   - one operation value carries what the loop knows across attempts: the request and its
//     encoded body, when it started, the attempt number, the failures counted against
//     max_retries, the one fresh credential, the lost and acted flags;
//   - send reads top-down: attempt; then answered, or failed (the flags), stopped before it was
//     sent, the same attempt again with a fresh credential, give up, or wait and retry;
//   - an attempt (attempt.go) is build, round trip, classify;
//   - what a write leaves behind is one list, afterWrite, run once when the operation ends,
//     whatever its outcome: a feature that must see every write adds a hook there, not a line
//     in the loop.

// operation is one request with all its attempts.
type operation struct {
	c     *Client
	r     request
	out   any    // decodes the answer's data, if not nil
	body  []byte // r.body encoded
	start time.Time
	// attempt is the number of the attempt in progress, 1-based.
	attempt int
	// failures counts the attempts that count against max_retries: all but 429s.
	failures int
	// reauthed: the one attempt with a fresh credential (a new user token after a 401, the
	// admin token as Bearer) was made.
	reauthed bool
	// lost is set once an attempt of a POST may have reached the server without its answer
	// reaching us: a later 409 may then be our own object (see APIError.MayBeOwnCreate).
	lost bool
	// acted is set once an attempt of any write may have been carried out without a definite
	// answer: if the request ends without one, its outcome is unknown (RequestError).
	acted bool
	prev  error     // the previous attempt's error
	reply *envelope // the 2xx answer, once an attempt has one
}

// send is do without the credential gate: the request loop.
func (c *Client) send(ctx context.Context, r request, out any) (_ *envelope, err error) {
	if c.base == nil {
		return nil, c.missing("every request", CredentialEndpoint)
	}
	op := &operation{c: c, r: r, out: out}
	if r.method != http.MethodGet {
		op.beginWrite()
		defer func() { op.endWrite(err) }()
	}
	if r.body != nil {
		if op.body, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("encoding %s %s: %w", r.method, r.path, err)
		}
	}
	op.start = c.cfg.Now()
	for op.attempt = 1; ; op.attempt++ {
		env, retry, err := c.attempt(ctx, op)
		if err == nil {
			return op.answered(env)
		}
		op.failed(err, retry)
		if stop := op.notSent(err, retry); stop != nil {
			return nil, stop
		}
		op.prev = err
		if op.freshCredential(ctx, err, retry) {
			op.attempt-- // the same attempt again, with the fresh credential
			continue
		}
		wait, stop := op.retryWait(ctx, err, retry)
		if stop != nil {
			return nil, stop
		}
		if stop := op.sleep(ctx, wait, err); stop != nil {
			return nil, stop
		}
	}
}

// answered decodes a 2xx answer's data into out.
func (op *operation) answered(env *envelope) (*envelope, error) {
	op.reply = env
	if op.out == nil {
		return env, nil
	}
	// The caller needs the answer's data: a 2xx without it (an HTML page of a proxy, an empty
	// 201) must not pass as a zero-valued object.
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return env, undecodable(op.r.method, env.answer, "it carries no data", nil)
	}
	if err := json.Unmarshal(env.Data, op.out); err != nil {
		return env, undecodable(op.r.method, env.answer, "its data has an unexpected shape", err)
	}
	return env, nil
}

// failed marks the error of a failed attempt with what the earlier attempts may have done, then
// records what this one may have done.
func (op *operation) failed(err error, retry retryDecision) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if op.lost {
			apiErr.MayBeOwnCreate = true
		}
		if op.acted {
			apiErr.MayHaveActed = true
		}
	}
	if retry.ambiguous && op.r.method != http.MethodGet {
		// A login or token request that may have acted leaves nothing to record.
		op.acted = op.acted || op.r.auth != authNone
		if op.r.method == http.MethodPost {
			op.lost = true
		}
	}
}

// notSent ends the operation when the attempt never left: its credential's budget is spent
// (budget.go), or Terraform's stop came while it waited. After earlier attempts the operation
// gives up; otherwise the attempt's error is the operation's.
func (op *operation) notSent(err error, retry retryDecision) error {
	switch {
	case IsCredentialBudgetSpent(err):
		if op.attempt == 1 {
			return err
		}
		return op.giveUp(err, op.attempt-1, "")
	case retry.notSent:
		if op.attempt == 1 {
			return err
		}
		return op.giveUp(fmt.Errorf("%w (stopped retrying: %w)", op.prev, err), op.attempt-1,
			"the operation was cancelled (Terraform is stopping) before the next attempt")
	}
	return nil
}

// freshCredential reports whether a refused credential was replaced, so that the same attempt
// is made once more: a 401 on an org-scoped request in session mode (the auth token was revoked
// or expired early) gets a new token; under "auto", a 2026 server refuses the admin token's
// 2025 header, so it is tried once as Authorization: Bearer (contract section 12). A 401 of the
// login itself (a wrong password) carries no token and is final.
func (op *operation) freshCredential(ctx context.Context, err error, retry retryDecision) bool {
	c, r := op.c, op.r
	if r.auth == authOrg && IsUnauthorized(err) && !op.reauthed && c.usesSession() && retry.token != "" && ctx.Err() == nil {
		op.reauthed = true
		c.invalidateUserToken(retry.token)
		return true
	}
	if r.auth == authAdmin && IsUnauthorized(err) {
		if !op.reauthed && retry.adminScheme == AuthScheme2025 && c.probeAdminBearer() {
			op.reauthed = true
			return true
		}
		if retry.adminScheme == AuthScheme2026 {
			c.adminBearerFailed()
		}
	}
	return false
}

// retryWait decides after a failed attempt that was sent: give up (the error cannot heal, no
// retry is left of max_retries, Terraform is stopping, or the wait does not fit in
// retry_max_elapsed), or retry after wait (0: the limiter holds the next attempt).
func (op *operation) retryWait(ctx context.Context, err error, retry retryDecision) (wait time.Duration, stop error) {
	c := op.c
	if !retry.ok || op.r.noRetry {
		if op.acted && !definiteAnswer(err) {
			return 0, op.giveUp(err, op.attempt, "")
		}
		return 0, err
	}
	if !retry.rateLimited {
		op.failures++
	}
	if c.cfg.MaxRetries == 0 || op.failures > c.cfg.MaxRetries {
		reason := fmt.Sprintf("no retry left, max_retries = %d", c.cfg.MaxRetries)
		if retry.after > 0 {
			reason += "; the host asks to wait " + askedWait(retry.after, retry.afterRaw)
		}
		return 0, op.giveUp(err, op.attempt, reason)
	}
	if ctx.Err() != nil {
		return 0, op.giveUp(err, op.attempt, "the operation was cancelled (Terraform is stopping), so no further attempt was made")
	}
	// One reading of Retry-After for every wait: the hold, the backoff and the budget check.
	// The budget check reads the wait the host asked for, uncapped: the 60 s cap applies
	// only to a wait the budget can hold, else a day would look like a minute (issue 30).
	after := capRetryAfter(retry.after)
	wait = backoff(op.attempt, after)
	shown := wait
	if retry.rateLimited && after > 0 && c.limiter.learn {
		// The limiter holds every request of this Client until Retry-After has passed and
		// then spaces them at the cut rate: no wait of its own, no jitter needed.
		wait, shown = 0, after
	}
	left := c.cfg.MaxElapsed - c.cfg.Now().Sub(op.start)
	switch {
	case retry.after > left:
		return 0, op.giveUp(err, op.attempt, fmt.Sprintf(
			"the host asks to wait %s, more than the %s left of retry_max_elapsed (%s)",
			askedWait(retry.after, retry.afterRaw), left.Round(time.Second), c.cfg.MaxElapsed))
	case wait >= left:
		return 0, op.giveUp(err, op.attempt, fmt.Sprintf("retry_max_elapsed (%s) spent", c.cfg.MaxElapsed))
	}
	c.logWarn(ctx, "ROCKIT Edge request failed, retrying", map[string]any{
		"method": op.r.method, "path": op.r.path, "attempt": op.attempt, "wait_ms": shown.Milliseconds(), "error": err.Error(),
	})
	return wait, nil
}

// sleep waits before the next attempt; Terraform's stop ends the wait and the operation.
func (op *operation) sleep(ctx context.Context, wait time.Duration, last error) error {
	if wait <= 0 {
		return nil
	}
	if err := op.c.cfg.Sleep(ctx, wait); err != nil {
		return op.giveUp(fmt.Errorf("%w (stopped retrying: %w)", last, err), op.attempt,
			"the operation was cancelled (Terraform is stopping) while waiting to retry")
	}
	return nil
}

// giveUp wraps the last error of a request that ended without a definite answer.
func (op *operation) giveUp(last error, attempts int, reason string) error {
	return &RequestError{
		Method: op.r.method, Path: op.r.path, Attempts: attempts, Elapsed: op.c.cfg.Now().Sub(op.start),
		Reason: reason, OutcomeUnknown: op.acted && !definiteAnswer(last), Last: last,
	}
}

// definiteAnswer reports whether err is an answer the server gave after acting or refusing for
// good (a 4xx other than 429): the request's outcome is then known.
func definiteAnswer(err error) bool {
	s := StatusOf(err)
	return s >= 400 && s < 500 && s != http.StatusTooManyRequests
}

// retryDecision says whether a failed attempt may be retried and how long the server asked to wait.
type retryDecision struct {
	ok    bool
	after time.Duration
	// ambiguous: the server may have acted on the request (a 5xx, or a connection lost after
	// the request was sent).
	ambiguous bool
	// token is the user token (2025 auth token, 2026 access token) the attempt carried, if any.
	token string
	// notSent: the attempt ended before its request was sent (the context ended while waiting
	// for the rate limiter or a login).
	notSent bool
	// adminScheme is how the attempt sent the admin token (AuthScheme2025 or AuthScheme2026).
	adminScheme string
	// rateLimited: a 429, which does not count against max_retries.
	rateLimited bool
	// afterRaw is the Retry-After header as the host sent it (after is its reading).
	afterRaw string
}

// beginWrite counts a write as in flight, from its call (before its waits) to its end.
func (op *operation) beginWrite() {
	if countsAsWrite(op.r) {
		writesInFlight.Add(1)
	}
}

// endWrite runs the after-write hooks, in order, once a write (any request but a GET) has
// ended, whatever its outcome (err).
func (op *operation) endWrite(err error) {
	for _, hook := range afterWrite {
		hook(op, err)
	}
}

// afterWrite is what every write leaves behind. A write may have changed the server even when it
// failed, so each hook runs whatever the outcome, and decides for itself what it needs.
var afterWrite = []func(op *operation, err error){
	// The secrets of a write's answer (initial passwords, API keys, tokens) go to the logger's
	// masker before anyone can log the object.
	func(op *operation, _ error) {
		if op.reply != nil {
			op.c.maskAnswerSecrets(op.reply.Data)
		}
	},
	// The write is no longer in flight (beginWrite; inflight.go).
	func(op *operation, _ error) {
		if countsAsWrite(op.r) {
			writesInFlight.Add(-1)
		}
	},
	// A deleted object's name is free again (taken.go).
	func(op *operation, _ error) { op.c.taken.wrote(op.r) },
	// The snapshots drop what the write may have changed (snapshot.go).
	func(op *operation, _ error) { op.c.wrote(op.r) },
	// Once an object is gone (its DELETE succeeded, or found it gone already), the journal's
	// evidence of its create goes too: a later object of the same name is someone else's
	// (journal.go).
	func(op *operation, err error) {
		if op.r.method == http.MethodDelete && op.r.auth == authOrg && (err == nil || IsNotFound(err)) {
			op.c.forgetDeleted(op.r.path)
		}
	},
}
