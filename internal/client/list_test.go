package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// listServer serves a list of subscriptions named by names() at each request, 100 per page
// (or cap), with a total unless noTotal. before runs before each answer with the request's
// offset and the number of list requests so far (1-based).
type listServer struct {
	*recordingServer
	mu    sync.Mutex
	names []string
}

func newListServer(t *testing.T, n int, before func(s *listServer, offset, call int)) *listServer {
	s := &listServer{}
	for i := 0; i < n; i++ {
		s.names = append(s.names, fmt.Sprintf("sub_%03d", i))
	}
	call := 0
	s.recordingServer = newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		s.mu.Lock()
		defer s.mu.Unlock()
		call++
		if before != nil {
			before(s, off, call)
		}
		page := []map[string]any{}
		for i := off; i < len(s.names) && i < off+lim; i++ {
			page = append(page, map[string]any{"name": s.names[i], "type": "webhook", "url": "https://x.example.com"})
		}
		writeJSONAnswer(w, http.StatusOK, map[string]any{"status": "success", "data": page, "total": len(s.names)})
	})
	return s
}

func listClient(t *testing.T, url string) *Client {
	return newTestClient(t, url, newFakeClock(), func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", "k" })
}

// TestGetSubscriptionFindsItWhenAnEarlierOneIsDeletedBetweenPages: sub_000 is deleted after
// the first page was read, so every later item moves one place forward and sub_100 would fall
// between the pages; the total changed, so the client reads the list again.
func TestGetSubscriptionFindsItWhenAnEarlierOneIsDeletedBetweenPages(t *testing.T) {
	srv := newListServer(t, 150, func(s *listServer, offset, call int) {
		if call == 2 {
			s.names = s.names[1:]
		}
	})
	sub, err := listClient(t, srv.URL).GetSubscription(context.Background(), "sub_100")
	if err != nil || sub.Name != "sub_100" {
		t.Fatalf("GetSubscription = %+v, %v; the subscription exists", sub, err)
	}
	for i, r := range srv.Requests() {
		if q, _ := url.ParseQuery(r.Query); q.Get("order[]") != "name" {
			t.Errorf("request %d carries no order[]: %s", i, r.Query)
		}
	}
}

func TestListAllRestartsAtMostListWalksTimes(t *testing.T) {
	// Every page sees a new subscription: the total never holds still.
	srv := newListServer(t, 150, func(s *listServer, _, call int) {
		s.names = append(s.names, fmt.Sprintf("new_%03d", call))
	})
	_, err := listClient(t, srv.URL).ListSubscriptions(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the list changed while it was read, 4 times in a row") {
		t.Fatalf("err = %v, want the list-kept-changing error", err)
	}
	if n := len(srv.Requests()); n != 2*listWalks {
		t.Errorf("requests = %d, want %d (two pages per walk)", n, 2*listWalks)
	}
}

func TestListAllRestartsWhenAPageIsEmptyBeforeTheTotal(t *testing.T) {
	// The server's total says 150, but the second page comes back empty once (a replica that
	// lags): the walk starts over instead of ending with 100 items.
	empty := true
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		page := []map[string]any{}
		if off == 100 && empty {
			empty = false
		} else {
			for i := off; i < 150 && i < off+100; i++ {
				page = append(page, map[string]any{"name": fmt.Sprintf("s%03d", i)})
			}
		}
		writeJSONAnswer(w, http.StatusOK, map[string]any{"status": "success", "data": page, "total": 150})
	})
	all, err := listClient(t, srv.URL).ListSubscriptions(context.Background())
	if err != nil || len(all) != 150 {
		t.Fatalf("got %d items, %v; want 150", len(all), err)
	}
}

// TestGetSubscriptionConfirmsAbsenceWithASecondWalk: the first walk misses the subscription
// (deleted and added again by someone else while the client paged, so the total held); the
// second walk sees it.
func TestGetSubscriptionConfirmsAbsenceWithASecondWalk(t *testing.T) {
	srv := newListServer(t, 150, func(s *listServer, _, call int) {
		switch call {
		case 1:
			s.names[120] = "other"
		case 3:
			s.names[120] = "sub_120"
		}
	})
	c := listClient(t, srv.URL)
	if sub, err := c.GetSubscription(context.Background(), "sub_120"); err != nil || sub.Name != "sub_120" {
		t.Fatalf("GetSubscription = %+v, %v; want it found by the second walk", sub, err)
	}
	// Really absent: two walks, then 404.
	srv2 := newListServer(t, 150, nil)
	_, err := listClient(t, srv2.URL).GetSubscription(context.Background(), "gone")
	if !IsNotFound(err) || !strings.Contains(err.Error(), "read twice") {
		t.Fatalf("err = %v, want a 404", err)
	}
	if n := len(srv2.Requests()); n != 4 {
		t.Errorf("requests = %d, want 4 (two walks of two pages)", n)
	}
}

func TestEveryListSendsOrder(t *testing.T) {
	m, c := newMockOrgClient(t)
	ctx := context.Background()
	for name, list := range map[string]func() error{
		"roles":         func() error { _, err := c.ListRoles(ctx); return err },
		"users":         func() error { _, err := c.ListUsers(ctx, ListUsersOptions{}); return err },
		"apps":          func() error { _, err := c.ListApps(ctx); return err },
		"deployments":   func() error { _, err := c.ListDeployments(ctx); return err },
		"subscriptions": func() error { _, err := c.ListSubscriptions(ctx); return err },
		"tasks":         func() error { _, err := c.ListTasks(ctx, TaskFilter{}); return err },
	} {
		if err := list(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	n := 0
	for _, r := range m.Requests() {
		if r.Method != http.MethodGet {
			continue
		}
		n++
		if q, _ := url.ParseQuery(r.Query); len(q["order[]"]) == 0 {
			t.Errorf("GET %s?%s carries no order[]", r.Path, r.Query)
		}
	}
	if n != 6 {
		t.Errorf("list requests = %d, want 6", n)
	}
}
