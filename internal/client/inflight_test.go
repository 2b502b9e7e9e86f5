package client

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// A write that follows one already sent (an app's registration after its POST) leaves even
// when Terraform is stopping: under FollowUp it is sent and answered, where the stopped
// operation's own context sends nothing. It counts as a write in flight until released.
func TestFollowUpWriteLeavesAfterTheStop(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSONAnswer(w, http.StatusOK, success(map[string]any{"name": "Game", "deployments": []string{"EU"}}))
	})
	c := newTestClient(t, srv.URL, nil, apiKeyConfig)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Terraform is stopping: the POST before this has left and was answered
	reg := UpdateAppRequest{Name: "Game", Deployments: &[]string{"EU"}}

	if _, err := c.UpdateApp(ctx, reg); err == nil {
		t.Fatal("under the stopped context the PATCH must not be sent (this test relies on it)")
	}
	if n := srv.count(http.MethodPatch, "/be/v1/apps"); n != 0 {
		t.Fatalf("PATCHes under the stopped context = %d, want 0", n)
	}

	before := WritesInFlight()
	fctx, release := c.FollowUp(ctx)
	if got := WritesInFlight(); got != before+1 {
		t.Errorf("writes in flight with a follow-up open = %d, want %d", got, before+1)
	}
	a, err := c.UpdateApp(fctx, reg)
	if err != nil {
		t.Fatalf("the follow-up PATCH after the stop: %v", err)
	}
	if len(a.Deployments) != 1 || a.Deployments[0] != "EU" {
		t.Errorf("app = %+v, want the server's answer", a)
	}
	if n := srv.count(http.MethodPatch, "/be/v1/apps"); n != 1 {
		t.Errorf("PATCHes received = %d, want 1", n)
	}
	release()
	release() // releasing twice counts once
	if got := WritesInFlight(); got != before {
		t.Errorf("writes in flight after the release = %d, want %d", got, before)
	}
}

// A follow-up is bounded: once the operation's context has ended it has the request timeout
// left, then it ends too. While the operation runs on, it has no deadline of its own.
func TestFollowUpEndsARequestTimeoutAfterTheStop(t *testing.T) {
	const timeout = 200 * time.Millisecond
	c := newTestClient(t, "http://127.0.0.1:1", nil, func(cfg *Config) { cfg.Timeout = timeout })
	ctx, cancel := context.WithCancel(context.Background())
	fctx, release := c.FollowUp(ctx)
	defer release()

	time.Sleep(2 * timeout)
	if fctx.Err() != nil {
		t.Fatalf("the follow-up ended (%v) while its operation was still running", fctx.Err())
	}
	stopped := time.Now()
	cancel()
	if fctx.Err() != nil {
		t.Fatal("the follow-up ended with the stop: it must have the request timeout left")
	}
	select {
	case <-fctx.Done():
		if d := time.Since(stopped); d < timeout {
			t.Errorf("the follow-up ended %v after the stop, before the request timeout (%v)", d, timeout)
		}
	case <-time.After(50 * timeout):
		t.Fatalf("the follow-up did not end within %v of the stop (request timeout %v)", 50*timeout, timeout)
	}
}

// WaitForWrites returns once nothing is in flight, and not before.
func TestWaitForWritesWaitsForTheFollowUp(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", nil, nil)
	base := WritesInFlight()
	if base != 0 {
		t.Skipf("%d writes of other tests still in flight", base)
	}
	_, release := c.FollowUp(context.Background())
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if WaitForWrites(short, 10*time.Millisecond) {
		t.Fatal("WaitForWrites returned true with a follow-up open")
	}
	time.AfterFunc(50*time.Millisecond, release)
	long, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if !WaitForWrites(long, 10*time.Millisecond) {
		t.Fatal("WaitForWrites did not return once the follow-up was released")
	}
}
