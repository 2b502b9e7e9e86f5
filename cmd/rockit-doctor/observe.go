package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// observer is the transport of the doctor's client: it notes every answer (status, Date,
// Retry-After, when the request left and when its answer came) for the clock and rate-limit
// checks, and, without -write, refuses every request that would change the host: only GETs
// and the login requests (POST /be/v1/login, /auth, /refresh) pass. A read-only run therefore
// cannot write even through a bug of its own.
type observer struct {
	next        http.RoundTripper
	allowWrites bool
	now         func() time.Time

	mu      sync.Mutex
	answers []answer
}

// answer is one request and what came back.
type answer struct {
	method, path string
	status       int
	date         time.Time // zero: no (readable) Date header
	retryAfter   string
	sent, got    time.Time
}

// loginPaths are the requests of a login, the only non-GETs of a read-only run.
var loginPaths = map[string]bool{"/be/v1/login": true, "/be/v1/auth": true, "/be/v1/refresh": true}

func (o *observer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && !o.allowWrites && !isLogin(req.URL.Path) {
		return refusal(req), nil
	}
	sent := o.now()
	resp, err := o.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	a := answer{method: req.Method, path: req.URL.Path, status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"),
		sent: sent, got: o.now()}
	if d, derr := http.ParseTime(resp.Header.Get("Date")); derr == nil {
		a.date = d
	}
	o.mu.Lock()
	o.answers = append(o.answers, a)
	o.mu.Unlock()
	return resp, nil
}

// refusal is the answer to a write without -write, made here and never sent: a 400 (which
// the client neither retries nor takes for an unknown outcome) whose message says why.
func refusal(req *http.Request) *http.Response {
	if req.Body != nil {
		_ = req.Body.Close() // a RoundTripper closes the body, sent or not
	}
	msg := fmt.Sprintf("rockit-doctor refused to send %s %s: it only reads unless -write is given", req.Method, req.URL.Path)
	body, _ := json.Marshal(map[string]string{"status": "error", "message": msg})
	return &http.Response{
		StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}
}

// isLogin reports whether path (with any base path of the endpoint) is a login request.
func isLogin(path string) bool {
	for p := range loginPaths {
		if strings.HasSuffix(path, p) {
			return true
		}
	}
	return false
}

func (o *observer) all() []answer {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]answer(nil), o.answers...)
}

// logins counts the login requests sent.
func (o *observer) logins() int {
	n := 0
	for _, a := range o.all() {
		if a.method == http.MethodPost && strings.HasSuffix(a.path, "/be/v1/login") {
			n++
		}
	}
	return n
}

// clockTolerance is how far the server's clock may be from this machine's before the doctor
// warns: a Date header has a resolution of one second, and without Date headers the provider
// would allow 2 s when it proves an uncertain create by its `created` (client.adoptionClockSkew).
const clockTolerance = 3 * time.Second

// clockCheck compares the server's Date headers with the local clock at the middle of each
// request: the median offset, corrected by half a second for the header's truncation.
func (o *observer) clockCheck() Check {
	var offsets []time.Duration
	for _, a := range o.all() {
		if a.date.IsZero() {
			continue
		}
		mid := a.sent.Add(a.got.Sub(a.sent) / 2)
		offsets = append(offsets, a.date.Add(500*time.Millisecond).Sub(mid))
	}
	c := Check{Name: "clock"}
	if len(offsets) == 0 {
		c.Status = statusWarn
		c.Detail = "no answer carried a Date header, so the server's clock cannot be compared with this machine's"
		c.Consequence = "the provider learns the server's clock from Date headers; without them it compares created times " +
			"with this machine's clock, allowing 2 s: if the server's clock runs further behind, a create whose answer was lost " +
			"cannot be proven by its created time and fails with an import block"
		return c
	}
	sort.Slice(offsets, func(i, j int) bool { return offsets[i] < offsets[j] })
	// A Date header has a resolution of one second: so has the estimate.
	skew := offsets[len(offsets)/2].Round(time.Second)
	switch {
	case skew < -clockTolerance:
		c.Status = statusWarn
		c.Detail = fmt.Sprintf("the server's clock is %s behind this machine's (Date headers of %d answers)", -skew, len(offsets))
		c.Consequence = "nothing fails: the provider learns the server's clock from its Date headers and judges the created " +
			"time of a create whose answer was lost on the server's clock; but the created and updated times it shows differ " +
			"by that much from this machine's (set both clocks by NTP)"
	case skew > clockTolerance:
		c.Status = statusWarn
		c.Detail = fmt.Sprintf("the server's clock is %s ahead of this machine's (Date headers of %d answers)", skew, len(offsets))
		c.Consequence = "nothing fails: token lifetimes come from expiresIn, and the provider judges the created time of a " +
			"create whose answer was lost on the server's clock (learned from its Date headers); but the created and updated " +
			"times it shows differ by that much from this machine's"
	default:
		c.Status = statusOK
		c.Detail = fmt.Sprintf("the server's clock is within %s of this machine's (offset %s, Date headers of %d answers)",
			clockTolerance, skew, len(offsets))
	}
	return c
}

// rateLimitCheck reports the 429s that arrived (the doctor never provokes one).
func (o *observer) rateLimitCheck() Check {
	all := o.all()
	var afters []string
	n := 0
	for _, a := range all {
		if a.status == http.StatusTooManyRequests {
			n++
			if a.retryAfter != "" {
				afters = append(afters, a.retryAfter)
			}
		}
	}
	c := Check{Name: "rate limit"}
	if n == 0 {
		c.Status = statusOK
		c.Detail = fmt.Sprintf("no 429 in %d answers (the doctor sends its requests one at a time and never provokes one)", len(all))
		return c
	}
	c.Status = statusWarn
	ra := "none carried Retry-After"
	if len(afters) > 0 {
		ra = "Retry-After: " + strings.Join(afters, ", ")
	}
	c.Detail = fmt.Sprintf("%d of %d answers were 429 (%s), though the doctor sends one request at a time", n, len(all), ra)
	c.Consequence = "the provider waits as Retry-After says (without it, with backoff), then keeps to 70% of the rate the " +
		"server accepted; set rate_limit (ROCKIT_RATE_LIMIT) below the host's limit to avoid the waits"
	return c
}
