package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// One attempt of an operation (operation.go) is three steps, each a function of its own:
//   - build the HTTP request (URL, body, headers, its context and timeout), then set its
//     credentials, which may wait for a login;
//   - round trip: send it and read the answer, telling the server's clock and the rate limiter
//     what came back, and log one line;
//   - classify what came back: a 2xx answer, or an error with the retry decision the loop acts on.
// The waits before sending end with the caller's context; the request of a write, once about to
// be sent, does not (see attempt).

// attempt sends one HTTP request. Its waits (rate limiter, login) end with ctx. The request of a
// write with credentials (POST, PATCH, DELETE of an object; not the login, not a read) is
// detached from ctx once it is about to be sent: a graceful stop must not cut off a request the
// server may already be carrying out, since its answer is what lets Terraform record the result.
// Every request is bounded by the request timeout and by what is left of the total budget.
func (c *Client) attempt(ctx context.Context, op *operation) (_ *envelope, retry retryDecision, err error) {
	if err := c.waitLimiter(ctx, op.r, op.start); err != nil {
		return nil, retryDecision{notSent: !isBeyondBudget(err)}, err
	}
	w, err := c.build(ctx, op)
	if err != nil {
		return nil, retryDecision{}, err
	}
	defer w.cancel()
	sent, retry, err := c.credentials(ctx, op, w.req)
	if err != nil {
		return nil, retry, err
	}
	if b := c.budgetFor(op.r); b != nil {
		// A credential no answer has proven yet is sent at most twice without a verdict.
		if err := b.take(c); err != nil {
			return nil, retryDecision{}, err
		}
		defer func() { b.settle(err, retry) }()
	}
	x := c.roundTrip(ctx, op, w)
	if x.err != nil {
		retry, err = c.classifyFailure(ctx, op.r, w, x.err)
		return nil, retry, err
	}
	return c.classifyAnswer(op.r, w, x, sent)
}

// wire is one attempt's HTTP request, built.
type wire struct {
	req *http.Request
	url url.URL
	// ctx is the request's context, detached from the caller's for a write, and cancel ends it.
	ctx      context.Context
	cancel   context.CancelFunc
	timeout  time.Duration
	detached bool
}

// build makes the HTTP request of one attempt, without its credentials.
func (c *Client) build(ctx context.Context, op *operation) (*wire, error) {
	r := op.r
	u := *c.base
	// r.path holds escaped segments: RawPath keeps them as they are, Path is their decoding
	// (a RawPath is only used when it encodes Path).
	u.RawPath = c.base.EscapedPath() + r.path
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	} else {
		u.Path, u.RawPath = c.base.Path+r.path, ""
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var rdr io.Reader
	if op.body != nil {
		rdr = bytes.NewReader(op.body)
	}
	w := &wire{url: u, detached: countsAsWrite(r), timeout: c.cfg.Timeout}
	reqCtx := ctx
	if w.detached {
		reqCtx = context.WithoutCancel(ctx)
	}
	if left := c.cfg.MaxElapsed - c.cfg.Now().Sub(op.start); left < w.timeout {
		w.timeout = max(left, time.Second)
	}
	w.ctx, w.cancel = context.WithTimeout(reqCtx, w.timeout)
	req, err := http.NewRequestWithContext(w.ctx, r.method, u.String(), rdr)
	if err != nil {
		w.cancel()
		return nil, fmt.Errorf("building %s %s: %w", r.method, r.path, err)
	}
	req.Header.Set("Accept", "application/json")
	if op.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	for k, vs := range r.headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	w.req = req
	return w, nil
}

// sentWith is how an attempt carried its credentials: the user token (for the one
// re-authentication after a 401) and the form of the admin token.
type sentWith struct {
	token, adminScheme string
}

// credentials sets the credential headers of an attempt. It may wait for a login or a token
// renewal, and then passes the rate limiter once more; an attempt stopped while it waited was
// not sent.
func (c *Client) credentials(ctx context.Context, op *operation, req *http.Request) (sentWith, retryDecision, error) {
	r := op.r
	granted := c.cfg.Now()
	token, adminScheme, err := c.authorize(ctx, req, r.auth)
	if err != nil {
		if ctx.Err() != nil {
			// Stopped while waiting for a login: this request never left.
			return sentWith{}, retryDecision{notSent: true}, &notSentError{method: r.method, path: r.path,
				while: " while waiting for the login", cause: err}
		}
		return sentWith{}, retryDecision{}, err
	}
	if c.cfg.Now().Sub(granted) > authorizeWaitSlack {
		// The credentials took a while (a login or token renewal, perhaps another request's):
		// every request that waited for them is released at once, so pass the limiter again
		// rather than send them all in one burst.
		if err := c.waitLimiter(ctx, r, op.start); err != nil {
			return sentWith{}, retryDecision{notSent: !isBeyondBudget(err)}, err
		}
	}
	if err := ctx.Err(); err != nil {
		// Stopped before sending: nothing reached the server.
		return sentWith{}, retryDecision{notSent: true}, &notSentError{method: r.method, path: r.path, cause: err}
	}
	return sentWith{token: token, adminScheme: adminScheme}, retryDecision{}, nil
}

// exchange is what one round trip brought: a transport error (err), or an answer (its body
// read, or readErr).
type exchange struct {
	err      error
	resp     *http.Response
	raw      []byte
	readErr  error
	after    time.Duration // Retry-After, read
	afterRaw string        // Retry-After, as the host sent it
}

// roundTrip sends the request and reads the answer. It tells the server's clock (Date) and the
// rate limiter (429 or not) what came back, and logs one line (never a body or a header).
func (c *Client) roundTrip(ctx context.Context, op *operation, w *wire) exchange {
	r := op.r
	start := c.cfg.Now()
	if r.onSend != nil {
		r.onSend(start)
	}
	resp, err := c.http.Do(w.req)
	if err == nil {
		c.clock.observe(resp.Header.Get("Date"), start, c.cfg.Now())
	}
	fields := map[string]any{"method": r.method, "path": r.path, "attempt": op.attempt}
	if err != nil {
		fields["duration_ms"] = c.cfg.Now().Sub(start).Milliseconds()
		fields["error"] = err.Error()
		c.logDebug(ctx, "ROCKIT Edge request", fields)
		return exchange{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	x := exchange{resp: resp}
	x.raw, x.readErr = io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	fields["status"] = resp.StatusCode
	fields["duration_ms"] = c.cfg.Now().Sub(start).Milliseconds()
	c.logDebug(ctx, "ROCKIT Edge request", fields)
	x.afterRaw = resp.Header.Get("Retry-After")
	x.after = retryAfter(x.afterRaw, c.cfg.Now)
	c.observeRateLimit(resp.StatusCode, start, x.after, x.afterRaw)
	return x
}

// classifyFailure turns a transport error into the attempt's error and retry decision.
func (c *Client) classifyFailure(ctx context.Context, r request, w *wire, err error) (retryDecision, error) {
	if !w.detached && ctx.Err() != nil {
		return retryDecision{}, err
	}
	if problem := endpointProblem(c.base, err); problem != "" {
		// Retrying cannot heal it: fail at once and say what is wrong with the endpoint.
		return retryDecision{}, &EndpointError{Endpoint: c.base.String(), Problem: problem,
			Cause: fmt.Errorf("%s %s: %w", r.method, r.path, err)}
	}
	retry := transportRetry(err)
	if retry.ok && (w.ctx.Err() != nil || isTimeout(err)) {
		// No answer in time: once connected, the server may be carrying out the request.
		what := "no answer"
		if !retry.ambiguous {
			what = "no connection"
		}
		return retry, fmt.Errorf("%s %s: %s within %s (request timeout)", r.method, r.path, what, w.timeout)
	}
	return retry, fmt.Errorf("%s %s: %w", r.method, r.path, err)
}

// classifyAnswer reads an answer: a 2xx is success, anything else an *APIError (or the missing
// organization's error, orggone.go) with the retry decision its status calls for.
func (c *Client) classifyAnswer(r request, w *wire, x exchange, sent sentWith) (*envelope, retryDecision, error) {
	if x.readErr != nil {
		target := r.path
		if c.base.Path != "" {
			target = w.url.String()
		}
		return nil, retryDecision{ok: true, ambiguous: true}, fmt.Errorf("%s %s: reading answer: %w", r.method, target, x.readErr)
	}
	status := x.resp.StatusCode
	env := &envelope{}
	jsonErr := json.Unmarshal(x.raw, env)
	if status >= 200 && status < 300 {
		if jsonErr != nil {
			// Any 2xx is success; a body we cannot read only matters if we need its data.
			env = &envelope{}
		}
		env.answer = answerInfo{url: w.url.Scheme + "://" + w.url.Host + w.url.EscapedPath(), status: status,
			contentType: x.resp.Header.Get("Content-Type"), size: len(x.raw), isJSON: json.Valid(x.raw)}
		if !env.answer.isJSON {
			env.answer.head = string(x.raw[:min(len(x.raw), 64)])
		}
		return env, retryDecision{}, nil
	}
	apiErr := &APIError{StatusCode: status, Method: r.method, Path: r.path, Message: answerMessage(x.raw, env, jsonErr)}
	if c.base.Path != "" {
		// Behind a reverse proxy with a base path: name the full URL that was requested.
		apiErr.URL = w.url.String()
	}
	if gone := c.gone.observe(r, apiErr); gone != nil {
		return nil, retryDecision{}, gone
	}
	return nil, retryDecision{
		ok:          retryableStatus(status),
		ambiguous:   status >= 500,
		after:       x.after,
		token:       sent.token,
		adminScheme: sent.adminScheme,
		rateLimited: status == http.StatusTooManyRequests,
		afterRaw:    x.afterRaw,
	}, apiErr
}

// answerMessage is the message of an answer that is not a 2xx: the envelope's message or
// error, else the body itself, cut at 512 bytes.
func answerMessage(raw []byte, env *envelope, jsonErr error) string {
	switch {
	case jsonErr == nil && env.Message != "":
		return env.Message
	case jsonErr == nil && env.Error != "":
		return env.Error
	}
	msg := strings.TrimSpace(string(raw))
	if len(msg) > 512 {
		msg = msg[:512] + "..."
	}
	return msg
}
