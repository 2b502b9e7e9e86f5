package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock for Config.Now whose Sleep advances time instead of waiting, and records
// every wait.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.now = f.now.Add(d)
	f.mu.Unlock()
	return nil
}

func (f *fakeClock) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// seen is one request a test server received.
type seen struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   string
}

// recordingServer is an httptest server that records every request before handling it.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newRecordingServer(t *testing.T, h http.HandlerFunc) *recordingServer {
	t.Helper()
	rs := &recordingServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		rs.mu.Lock()
		rs.reqs = append(rs.reqs, seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(b)})
		rs.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *recordingServer) Requests() []seen {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]seen(nil), rs.reqs...)
}

// count returns how many requests had this method and path.
func (rs *recordingServer) count(method, path string) int {
	n := 0
	for _, r := range rs.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func writeJSONAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func success(data any) map[string]any { return map[string]any{"status": "success", "data": data} }

// newTestClient makes a client against url with the fake clock and the given tweaks.
func newTestClient(t *testing.T, url string, clock *fakeClock, tweak func(*Config)) *Client {
	t.Helper()
	cfg := Config{Endpoint: url, MaxRetries: 5, UserAgent: "terraform-provider-rockit/test terraform/1.11.4"}
	if clock != nil {
		cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
	}
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// recordingLogger keeps the client's log records.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	b, _ := json.Marshal(fields)
	l.mu.Lock()
	l.lines = append(l.lines, level+" "+msg+" "+string(b))
	l.mu.Unlock()
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("DEBUG", msg, fields)
}
func (l *recordingLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("WARN", msg, fields)
}

func (l *recordingLogger) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func typeOf(v any) reflect.Type { return reflect.TypeOf(v) }

func copyBody(w io.Writer, resp *http.Response) (int64, error) { return io.Copy(w, resp.Body) }
