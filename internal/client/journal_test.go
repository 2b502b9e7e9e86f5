package client

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestAdoptionWindowCountsFromWhenTheRequestLeft: a Retry-After hold of 60 s keeps the create
// back; meanwhile someone else creates the role (created 30 s after the call). The first
// attempt, sent after the hold, answers 503 without creating anything, the retry 409. The
// object was created before the request left, so it is not adopted. (The window used to count
// from the call, before the hold, and adopted it.)
func TestAdoptionWindowCountsFromWhenTheRequestLeft(t *testing.T) {
	var call time.Time
	// The role the retry finds was created 30 s after the call: during the hold, by someone
	// else (the first attempt's 503 stands for a proxy that did not pass the request on).
	srv := newCreateServer(t, "503", nil, func(obj map[string]any) map[string]any {
		obj["created"] = call.Add(30 * time.Second).Format(time.RFC3339)
		return obj
	})
	c := newTestClient(t, srv.URL, srv.clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.MaxRetries = 1 })
	call = srv.clock.Now()
	c.limiter.rateLimited(call, 60*time.Second) // another request's 429 holds every request
	_, adopted, err := createRole(c, testRole{Name: "Ops", Permissions: map[string]int{"apps": 15}})
	var u *UnconfirmedCreateError
	if adopted || !errors.As(err, &u) || !strings.Contains(u.Reason, "before this create was first sent") {
		t.Fatalf("adopted=%v err=%v; want not adopted: created before the request left", adopted, err)
	}
	if got := srv.methods(); got != "POST POST GET" {
		t.Errorf("requests = %s, want POST POST GET", got)
	}
	if w := srv.clock.Waits(); len(w) == 0 || w[0] != 60*time.Second {
		t.Errorf("waits = %v, want the 60 s hold first", w)
	}
}
