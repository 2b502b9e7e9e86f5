package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// createServer stores POSTed objects by name. firstFault decides what happens to the answer
// of the first POST after the object is stored: "lose" drops the connection, a status answers
// it instead of success. stored, when set, is what GET returns instead of the stored object.
type createServer struct {
	*recordingServer
	mu      sync.Mutex
	objects map[string]map[string]any
	posts   int
	// clock is the server's and the client's clock: objects are stored with its time as
	// `created`, as a real server would.
	clock *fakeClock
}

func newCreateServer(t *testing.T, firstFault string, preexisting map[string]any, stored func(map[string]any) map[string]any) *createServer {
	s := &createServer{objects: map[string]map[string]any{}, clock: newFakeClock()}
	if preexisting != nil {
		if _, ok := preexisting["created"]; !ok {
			preexisting["created"] = s.clock.Now().Add(-30 * 24 * time.Hour).Format(time.RFC3339)
		}
		s.objects[preexisting["name"].(string)] = preexisting
	}
	s.recordingServer = newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		// The server's clock is the test's (its objects' created times too), as a real host's
		// Date header comes from the clock that writes them.
		w.Header().Set("Date", s.clock.Now().UTC().Format(http.TimeFormat))
		switch r.Method {
		case http.MethodPost:
			s.posts++
			var in map[string]any
			_ = json.NewDecoder(r.Body).Decode(&in)
			name, _ := in["name"].(string)
			if u, ok := in["username"].(string); ok {
				name = u
			}
			if _, ok := s.objects[name]; ok {
				writeJSONAnswer(w, http.StatusConflict, map[string]any{"status": "error", "message": "'" + name + "' exists already"})
				return
			}
			obj := map[string]any{"created": s.clock.Now().Format(time.RFC3339)}
			for k, v := range in {
				if k != "password" {
					obj[k] = v
				}
			}
			if stored != nil {
				obj = stored(obj)
			}
			s.objects[name] = obj
			switch {
			case s.posts == 1 && firstFault == "lose":
				panic(http.ErrAbortHandler)
			case s.posts == 1 && firstFault != "":
				writeJSONAnswer(w, map[string]int{"500": 500, "502": 502, "503": 503, "504": 504, "429": 429}[firstFault],
					map[string]any{"status": "error", "message": "injected"})
				return
			}
			writeJSONAnswer(w, http.StatusOK, success(obj))
		case http.MethodGet:
			name := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
			obj, ok := s.objects[name]
			if !ok {
				writeJSONAnswer(w, http.StatusNotFound, map[string]any{"status": "error", "message": "not found"})
				return
			}
			writeJSONAnswer(w, http.StatusOK, success(obj))
		}
	})
	return s
}

func (s *createServer) methods() string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Method)
	}
	return strings.Join(out, " ")
}

type testRole struct {
	Name        string         `json:"name"`
	Permissions map[string]int `json:"permissions"`
	Created     string         `json:"created,omitempty"`
}

func createRole(c *Client, in testRole) (testRole, bool, error) {
	var out testRole
	adopted, err := c.create(context.Background(), "/be/v1/roles", in, &out, c.readPath("/be/v1/roles/"+seg(in.Name)))
	return out, adopted, err
}

func TestCreateAdoptsItsOwnObjectAfterALostAnswer(t *testing.T) {
	for _, fault := range []string{"lose", "500", "502", "503", "504"} {
		t.Run(fault, func(t *testing.T) {
			srv := newCreateServer(t, fault, nil, nil)
			log := &recordingLogger{}
			c := newTestClient(t, srv.URL, srv.clock, func(cfg *Config) { apiKeyConfig(cfg); cfg.Logger = log })
			out, adopted, err := createRole(c, testRole{Name: "Ops", Permissions: map[string]int{"apps": 15, "roles": 2}})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if !adopted || out.Name != "Ops" || out.Permissions["apps"] != 15 || out.Created == "" {
				t.Errorf("adopted=%v out=%+v", adopted, out)
			}
			if got := srv.methods(); got != "POST POST GET" {
				t.Errorf("requests = %s, want POST POST GET", got)
			}
			warned := false
			for _, l := range log.Lines() {
				warned = warned || (strings.HasPrefix(l, "WARN ROCKIT Edge create answer was lost; adopted") && strings.Contains(l, `"name":"Ops"`))
			}
			if !warned {
				t.Errorf("no adoption warning in the log: %v", log.Lines())
			}
		})
	}
}

func TestCreateComparesSetsAndIgnoresSecrets(t *testing.T) {
	// The server orders roles differently and never returns the password.
	srv := newCreateServer(t, "lose", nil, func(obj map[string]any) map[string]any {
		obj["roles"] = []any{"B", "A"}
		obj["type"] = "user"
		return obj
	})
	c := newTestClient(t, srv.URL, srv.clock, apiKeyConfig)
	body := map[string]any{"name": "alice", "email": "a@example.com", "roles": []string{"A", "B"}, "password": "pw", "title": ""}
	var out map[string]any
	adopted, err := c.create(context.Background(), "/be/v1/users", body, &out, c.readPath("/be/v1/users/alice"))
	if err != nil || !adopted || out["email"] != "a@example.com" {
		t.Fatalf("adopted=%v err=%v out=%v", adopted, err, out)
	}
}

func TestCreateRefusesAnObjectThatDiffers(t *testing.T) {
	// The lost attempt stored something else (another writer raced us).
	srv := newCreateServer(t, "lose", nil, func(obj map[string]any) map[string]any {
		obj["permissions"] = map[string]any{"apps": 3, "roles": 2}
		return obj
	})
	c := newTestClient(t, srv.URL, srv.clock, apiKeyConfig)
	_, adopted, err := createRole(c, testRole{Name: "Ops", Permissions: map[string]int{"apps": 15, "roles": 2}})
	var unconfirmed *UnconfirmedCreateError
	if adopted || !errors.As(err, &unconfirmed) {
		t.Fatalf("adopted=%v err=%v, want an UnconfirmedCreateError", adopted, err)
	}
	if len(unconfirmed.Mismatches) != 1 || unconfirmed.Mismatches[0] != "permissions.apps: requested 15, found 3" {
		t.Errorf("mismatches = %q", unconfirmed.Mismatches)
	}
	for _, want := range []string{`creating "Ops" was lost`, "HTTP 409", "differs from the request", "permissions.apps: requested 15, found 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if !IsConflict(err) || !MayBeOwnCreate(err) {
		t.Errorf("the error must still be a 409 that may be our own")
	}
}

func TestCreateNeverAdoptsAFirstAttemptConflict(t *testing.T) {
	srv := newCreateServer(t, "", map[string]any{"name": "Ops", "permissions": map[string]any{"apps": 15, "roles": 2}}, nil)
	c := newTestClient(t, srv.URL, srv.clock, apiKeyConfig)
	_, adopted, err := createRole(c, testRole{Name: "Ops", Permissions: map[string]int{"apps": 15, "roles": 2}})
	if adopted || !IsConflict(err) || MayBeOwnCreate(err) {
		t.Fatalf("adopted=%v err=%v: an identical object found at the first attempt is still someone else's", adopted, err)
	}
	if got := srv.methods(); got != "POST" {
		t.Errorf("requests = %s, want the POST only", got)
	}
}

func TestCreateDoesNotAdoptAfterA429(t *testing.T) {
	// A 429 means the server refused before acting: the 409 that follows is not ours.
	srv := newCreateServer(t, "429", nil, nil)
	c := newTestClient(t, srv.URL, srv.clock, apiKeyConfig)
	_, adopted, err := createRole(c, testRole{Name: "Ops", Permissions: map[string]int{"apps": 15}})
	if adopted || !IsConflict(err) || MayBeOwnCreate(err) {
		t.Fatalf("adopted=%v err=%v", adopted, err)
	}
}

func TestCreateWithoutReadFailsClearly(t *testing.T) {
	srv := newCreateServer(t, "lose", nil, nil)
	c := newTestClient(t, srv.URL, srv.clock, apiKeyConfig)
	adopted, err := c.create(context.Background(), "/be/v1/subscriptions", map[string]any{"name": "hook"}, nil, nil)
	var unconfirmed *UnconfirmedCreateError
	if adopted || !errors.As(err, &unconfirmed) || !strings.Contains(err.Error(), "cannot read") {
		t.Fatalf("adopted=%v err=%v", adopted, err)
	}
}

func TestCreateOrganizationAfterALostAnswerFailsClearly(t *testing.T) {
	srv := newCreateServer(t, "lose", nil, nil)
	c := newTestClient(t, srv.URL, srv.clock, func(cfg *Config) { cfg.AdminToken = "adm" })
	_, err := c.CreateOrganization(context.Background(), CreateOrganizationRequest{Name: "Acme"})
	var unconfirmed *UnconfirmedCreateError
	if !errors.As(err, &unconfirmed) || unconfirmed.Name != "Acme" {
		t.Fatalf("err = %v, want an UnconfirmedCreateError for Acme", err)
	}
	for _, want := range []string{"cannot read organizations", "initial password"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if got := srv.methods(); got != "POST POST" {
		t.Errorf("requests = %s", got)
	}
}

func TestJSONMismatches(t *testing.T) {
	cases := []struct {
		want, got string
		diffs     string
	}{
		{`{"name":"a","label":"x"}`, `{"name":"a","label":"x","maxBuilds":5}`, ""},
		{`{"name":"a","label":"x"}`, `{"name":"a","label":"y"}`, `label: requested "x", found "y"`},
		{`{"name":"a","events":[{"type":"deploy","event":"end"},{"type":"mkraw","event":"begin"}]}`,
			`{"name":"a","events":[{"event":"begin","type":"mkraw"},{"type":"deploy","event":"end"}]}`, ""},
		{`{"name":"a","roles":["A"]}`, `{"name":"a","roles":["A","B"]}`, `roles: requested ["A"], found ["A","B"]`},
		{`{"name":"a","origin":{"bucket":"b","secretAccessKey":"s"}}`, `{"name":"a","origin":{"bucket":"b"}}`, ""},
		{`{"name":"a","title":""}`, `{"name":"a"}`, ""},
		{`{"name":"a","maxBuilds":3}`, `{"name":"a"}`, "maxBuilds: requested 3, found nothing"},
	}
	for _, tc := range cases {
		got := strings.Join(jsonMismatches(json.RawMessage(tc.want), json.RawMessage(tc.got)), "; ")
		if got != tc.diffs {
			t.Errorf("jsonMismatches(%s, %s) = %q, want %q", tc.want, tc.got, got, tc.diffs)
		}
	}
}
