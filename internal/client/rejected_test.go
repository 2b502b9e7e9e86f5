package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Under auth_scheme "auto" the admin token is sent the 2025 way and, on a 401, once as Bearer.
// Parallel requests wait for the first answer, so a 2026 host costs one 401 per run, not one
// per request sent before the first answer (issue 23 item 9).
func TestAdminToken_autoProbesOncePerRun(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: "adm", AuthScheme: mockserver.AuthScheme2026})
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("Org%d", i)
		m.SeedOrg(names[i], "admin")
	}
	c := newTestClient(t, serveMock(t, m), nil, func(cfg *Config) { cfg.AdminToken = "adm" })
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.DeleteOrganization(context.Background(), n, false); err != nil {
				t.Errorf("delete %s: %v", n, err)
			}
		}()
	}
	wg.Wait()
	refused, deleted := 0, 0
	for _, r := range m.Requests() {
		switch {
		case r.Status == http.StatusUnauthorized:
			refused++
		case r.Method == http.MethodDelete && r.Status < 300:
			deleted++
		}
	}
	if refused != 1 || deleted != 10 {
		t.Fatalf("want 1 refused probe and 10 deletes, got %d refused of: %v", refused, requestLog(m))
	}
}

// A wrong admin token is sent once: the requests waiting for the first answer fail with its error.
func TestAdminToken_wrongTokenOncePerRun(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: "adm"})
	c := newTestClient(t, serveMock(t, m), nil, func(cfg *Config) { cfg.AdminToken = "wrong"; cfg.AuthScheme = AuthScheme2025 })
	errs := make([]error, 10)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.DeleteOrganization(context.Background(), fmt.Sprintf("Org%d", i), false)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if !IsUnauthorized(err) || err.Error() != errs[0].Error() {
			t.Fatalf("request %d: %v, want the same 401 as the first: %v", i, err, errs[0])
		}
	}
	if got := requestLog(m); len(got) != 1 {
		t.Fatalf("want 1 request with the wrong admin token, got %v", got)
	}
}

// Reading the generation, or sending the admin token, never waits for a first login in
// progress (it used to wait on the auth lock with no context, however long the login took).
func TestAuthLock_waitsEndWithTheCaller(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/be/v1/login":
			arrived <- struct{}{}
			<-release
			writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "login failed"})
		default:
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{}))
		}
	})
	defer close(release)
	c := newTestClient(t, rs.URL, nil, func(cfg *Config) {
		cfg.AdminToken, cfg.OrgName, cfg.Username, cfg.Password = "adm", "Acme", "admin", "pw"
	})
	go func() { _, _ = c.ListRoles(context.Background()) }() // holds the first login
	<-arrived
	done := make(chan error, 1)
	go func() {
		_ = c.AuthGeneration()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- c.DeleteOrganization(ctx, "Other", false)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("admin request while a login is in progress: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("AuthGeneration / the admin token waited for another request's login")
	}
}
