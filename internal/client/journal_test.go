package client

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
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
	c.limiter.rateLimited(call, call, 60*time.Second) // another request's 429 holds every request
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

// TestJournalSurvivesTheProcessAndConcurrentWriters: eight journals (eight provider processes)
// on one directory record 50 creates each at once; a fresh journal (the next run) finds every
// entry, whole, and Forget prunes an object's entries.
func TestJournalSurvivesTheProcessAndConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for p := 0; p < 8; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			j := NewJournal(dir)
			for i := 0; i < 50; i++ {
				if _, err := j.record(Evidence{Endpoint: "https://edge", Org: "Acme", Kind: "roles", Name: fmt.Sprintf("R%d", i),
					Fingerprint: fmt.Sprintf("p%d", p), Sent: time.Now()}); err != nil {
					t.Error(err)
				}
			}
		}(p)
	}
	wg.Wait()
	next := NewJournal(dir)
	for i := 0; i < 50; i++ {
		if got := next.lookup(journalKey("https://edge", "Acme", "roles", fmt.Sprintf("R%d", i)), "", time.Time{}); len(got) != 8 {
			t.Fatalf("R%d: %d entries, want 8", i, len(got))
		}
	}
	next.forget(journalKey("https://edge", "Acme", "roles", "R0"))
	if got := NewJournal(dir).lookup(journalKey("https://edge", "Acme", "roles", "R0"), "", time.Time{}); len(got) != 0 {
		t.Errorf("R0 after forget: %d entries", len(got))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}

// TestCreateAfterAKilledRunAdoptsWithTheJournal: a run sent the create of Ops and was killed
// before its answer (the journal holds the entry, the role exists). The next run's create
// proves it with a GET and adopts it without a POST. Without the entry, the same role is
// someone else's: POST, 409, not adopted.
func TestCreateAfterAKilledRunAdoptsWithTheJournal(t *testing.T) {
	for _, journaled := range []bool{true, false} {
		t.Run(fmt.Sprintf("journaled=%v", journaled), func(t *testing.T) {
			srv := newCreateServer(t, "", nil, nil)
			dir := t.TempDir()
			in := testRole{Name: "Ops", Permissions: map[string]int{"apps": 15}}
			srv.objects["Ops"] = map[string]any{"name": "Ops", "permissions": map[string]any{"apps": 15},
				"created": srv.clock.Now().Format(time.RFC3339)}
			if journaled {
				killed := newTestClient(t, srv.URL, srv.clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.Journal = NewJournal(dir) })
				ev := killed.newEvidence("roles", "Ops", in)
				ev.Sent = srv.clock.Now().Add(-time.Second)
				if _, err := killed.journal.record(ev); err != nil {
					t.Fatal(err)
				}
			}
			c := newTestClient(t, srv.URL, srv.clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.Journal = NewJournal(dir) })
			_, adopted, err := createRole(c, in)
			if journaled && (!adopted || err != nil || srv.methods() != "GET") {
				t.Errorf("adopted=%v err=%v requests=%s; want adopted after one GET", adopted, err, srv.methods())
			}
			if !journaled && (adopted || !IsConflict(err) || srv.methods() != "POST") {
				t.Errorf("adopted=%v err=%v requests=%s; want the POST's 409", adopted, err, srv.methods())
			}
		})
	}
}

// TestSecondCreateOfOneNameInARunIsADuplicate: two creates of one role through one Client
// (two resources of one configuration): the second one's 409 is a *DuplicateCreateError, even
// though the journal holds the first one's entry with the same fingerprint.
func TestSecondCreateOfOneNameInARunIsADuplicate(t *testing.T) {
	srv := newCreateServer(t, "", nil, nil)
	c := newTestClient(t, srv.URL, srv.clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.Journal = NewJournal(t.TempDir()) })
	in := testRole{Name: "Dup_Team", Permissions: map[string]int{"apps": 15}}
	if _, _, err := createRole(c, in); err != nil {
		t.Fatal(err)
	}
	_, adopted, err := createRole(c, in)
	if adopted || !IsDuplicateCreate(err) || !IsConflict(err) {
		t.Errorf("adopted=%v err=%v; want a duplicate", adopted, err)
	}
}
