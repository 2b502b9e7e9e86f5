package mockserver

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// roleNames lists the roles in the order GET /be/v1/roles answers them.
func roleNames(t *testing.T, s *Server, tok, query string) []string {
	t.Helper()
	code, env := foundationCall(t, s, "GET", "/be/v1/roles?limit=100"+query, map[string]string{headerAuthToken: tok}, nil)
	expectEnvelope(t, code, env, 200, "")
	var names []string
	for _, it := range env["data"].([]any) {
		names = append(names, it.(map[string]any)["name"].(string))
	}
	return names
}

func TestListsWithoutOrderAreNotInNameOrder(t *testing.T) {
	orders := map[int64][]string{}
	for _, seed := range []int64{1, 1, 2} {
		s := New(Options{AdminToken: foundationAdminToken, Seed: seed})
		pw := s.SeedOrg("Acme", "admin")
		for i := 0; i < 20; i++ {
			s.SeedRole("Acme", fmt.Sprintf("Role%02d", i), map[string]int{"apps": 2})
		}
		tok := loginAndAuth(t, s, "Acme", "admin", pw)
		got := roleNames(t, s, tok, "")
		if len(got) != 21 {
			t.Fatalf("seed %d: %d roles, want 21", seed, len(got))
		}
		if sort.StringsAreSorted(got) {
			t.Errorf("seed %d: without order[] the roles came in name order: %v", seed, got)
		}
		if again := roleNames(t, s, tok, ""); strings.Join(again, ",") != strings.Join(got, ",") {
			t.Errorf("seed %d: the unordered list is not repeatable: %v then %v", seed, got, again)
		}
		if prev, ok := orders[seed]; ok && strings.Join(prev, ",") != strings.Join(got, ",") {
			t.Errorf("seed %d: two servers with the same seed answer different orders", seed)
		}
		orders[seed] = got
		if byName := roleNames(t, s, tok, "&order[]=name"); !sort.StringsAreSorted(byName) {
			t.Errorf("seed %d: order[]=name is not honoured: %v", seed, byName)
		}
	}
	if strings.Join(orders[1], ",") == strings.Join(orders[2], ",") {
		t.Errorf("seeds 1 and 2 answer the same order %v", orders[1])
	}
}

func TestLoseResponsesLosesPATCHAnswersToo(t *testing.T) {
	s, url := faultServer(t, func(o *Options) { o.LoseResponses = 1; o.Seed = 3 })
	s.SeedOrg("Acme", "admin")
	key := s.SeedUser("Acme", "bot", true, AdministratorsRole)
	old := s.SeedUser("Acme", "alice", false)
	h := map[string]string{headerOrgName: "Acme", headerUsername: "bot", headerAPIKey: key, "Content-Type": "application/json"}
	if st, _ := send(t, http.MethodPatch, url+"/be/v1/users", map[string]any{"username": "alice", "resetCreds": true}, h); st != 0 {
		t.Fatalf("the answer to the PATCH should have been dropped, got %d", st)
	}
	if pw, _ := s.UserPassword("Acme", "alice"); pw == old || pw == "" {
		t.Error("the credentials must be reset although the answer was lost")
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Fault != FaultLostResponse || reqs[0].Method != http.MethodPatch {
		t.Errorf("request log = %+v", reqs)
	}
	// A GET is never lost.
	if st, _ := send(t, http.MethodGet, url+"/be/v1/users/alice", nil, h); st != http.StatusOK {
		t.Errorf("GET answered %d", st)
	}
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (s *Server) tokenCounts() (sessions, auth int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions), len(s.authTokens)
}

func TestExpiredSessionsAndTokensAreDropped(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	s := New(Options{AdminToken: foundationAdminToken, Now: clock.Now})
	pw := s.SeedOrg("Acme", "admin")
	for i := 0; i < 5; i++ {
		loginAndAuth(t, s, "Acme", "admin", pw)
	}
	if sess, auth := s.tokenCounts(); sess != 5 || auth != 5 {
		t.Fatalf("tokens = %d sessions, %d auth tokens; want 5 and 5", sess, auth)
	}
	// The auth tokens expire after 5 minutes, the sessions after 24 hours; none was used again.
	clock.Advance(10 * time.Minute)
	loginAndAuth(t, s, "Acme", "admin", pw)
	if sess, auth := s.tokenCounts(); sess != 6 || auth != 1 {
		t.Errorf("after 10 minutes: %d sessions, %d auth tokens; want 6 and 1 (the expired auth tokens dropped)", sess, auth)
	}
	clock.Advance(25 * time.Hour)
	code, env := foundationCall(t, s, "POST", "/be/v1/login", nil, map[string]any{"orgName": "Acme", "username": "admin", "password": pw})
	expectEnvelope(t, code, env, 200, "")
	if sess, auth := s.tokenCounts(); sess != 1 || auth != 0 {
		t.Errorf("after 25 hours: %d sessions, %d auth tokens; want only the new session", sess, auth)
	}
}

func TestSeedTasksRejectsBodiesOfTheWrongShape(t *testing.T) {
	s := New(Options{AdminToken: foundationAdminToken})
	s.SeedOrg("Acme", "admin")
	for body, want := range map[string]string{
		`[]`:                                  "invalid body",
		`{"orgName":"Acme"}`:                  "'tasks': required",
		`{"tasks":[]}`:                        "'orgName': required",
		`{"orgName":"Acme","tasks":{}}`:       "invalid body",
		`{"orgName":"Acme","tasks":[],"x":1}`: `unknown field \"x\"`,
		`{"orgName":"Acme","task":[{"name":"t1","type":"mkraw","status":"done"}]}`:                                             `unknown field \"task\"`,
		`{"orgName":"Acme","tasks":[{"name":"t1","type":"mkraw","status":"done"},{"name":"t2","type":"bad","status":"done"}]}`: "'type'",
		`{"orgName":"Acme","tasks":[]} {}`: "more than one JSON value",
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_mock/tasks", bytes.NewBufferString(body)))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: answered %d %s, want 400 naming %s", body, rec.Code, rec.Body.String(), want)
		}
	}
	s.mu.Lock()
	n := len(s.orgs["Acme"].tasks)
	s.mu.Unlock()
	if n != 0 {
		t.Errorf("%d tasks seeded by bad bodies", n)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_mock/tasks",
		bytes.NewBufferString(`{"orgName":"Acme","tasks":[{"name":"t1","type":"mkraw","status":"done"}]}`)))
	if rec.Code != http.StatusOK {
		t.Errorf("a good body answered %d %s", rec.Code, rec.Body.String())
	}
}
