package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestStatsCountsAcceptedConnections: every new TCP connection counts once, requests on a
// kept-alive connection do not, and DELETE /_mock/stats starts again from zero.
func TestStatsCountsAcceptedConnections(t *testing.T) {
	m := New(Options{AdminToken: "t"})
	hs := httptest.NewUnstartedServer(m)
	hs.Config.ConnState = m.ConnState
	hs.Start()
	defer hs.Close()

	get := func(c *http.Client, path string) {
		t.Helper()
		resp, err := c.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body) // a connection is reused only after its body was read
		_ = resp.Body.Close()
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 3 {
		get(fresh, "/_mock/health")
	}
	kept := &http.Client{Transport: &http.Transport{}}
	for range 5 {
		get(kept, "/be/v1/roles")
	}
	if got := m.Stats().Connections; got != 4 {
		t.Errorf("connections = %d, want 4 (3 without keep-alive, 1 reused five times)", got)
	}
	if got := m.Stats().Requests; got != 5 {
		t.Errorf("requests = %d, want 5 (the /_mock/ calls are not logged)", got)
	}

	req, _ := http.NewRequest(http.MethodDelete, hs.URL+"/_mock/stats", nil)
	resp, err := fresh.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	resp, err = fresh.Get(hs.URL + "/_mock/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var env struct {
		Data Stats `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	if env.Data.Connections != 1 {
		t.Errorf("after the reset, connections = %d, want 1 (the reading's own)", env.Data.Connections)
	}
}
