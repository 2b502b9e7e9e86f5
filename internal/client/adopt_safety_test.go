package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// proxyFailingFirstPOST stands for a proxy in front of the mock: it answers the first POST to
// path with 502 without passing it on (the API never saw it) and forwards everything else. The
// 502 carries the Date of serverNow, the mock's clock (nil: the real clock).
func proxyFailingFirstPOST(t *testing.T, m *mockserver.Server, path string, serverNow func() time.Time) string {
	t.Helper()
	var mu sync.Mutex
	failed := false
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fail := !failed && r.Method == http.MethodPost && r.URL.Path == path
		failed = failed || fail
		mu.Unlock()
		if fail {
			if serverNow != nil {
				w.Header().Set("Date", serverNow().UTC().Format(http.TimeFormat))
			}
			writeJSONAnswer(w, http.StatusBadGateway, map[string]any{"status": "error", "message": "bad gateway"})
			return
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

// TestCreateUserNeverAdoptsAPreexistingUserAfterA502: a 502 from a proxy that never reached
// the API, then a 409 for a user who existed long before with exactly the requested fields:
// the user is not adopted and its password is not reset.
func TestCreateUserNeverAdoptsAPreexistingUserAfterA502(t *testing.T) {
	for _, machine := range []bool{false, true} {
		clock := newFakeClock()
		m := mockserver.New(mockserver.Options{AdminToken: "adm", Now: clock.Now})
		m.SeedOrg("Acme", "admin")
		key := m.SeedUser("Acme", "bot", true, "Administrators")
		secret := m.SeedUser("Acme", "alice", machine)
		clock.Advance(time.Hour)
		url := proxyFailingFirstPOST(t, m, "/be/v1/users", clock.Now)
		c := newTestClient(t, url, clock, func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", key })

		in := CreateUserRequest{Username: "alice", Email: "alice@example.com", Firstname: "Seeded", Surname: "alice", Roles: []string{}}
		if machine {
			in = CreateUserRequest{Username: "alice", Label: "Seeded alice", Roles: []string{}}
		}
		u, err := c.CreateUser(context.Background(), in)
		var unconfirmed *UnconfirmedCreateError
		if u != nil || !errors.As(err, &unconfirmed) {
			t.Fatalf("machine=%v: user=%+v err=%v, want an UnconfirmedCreateError", machine, u, err)
		}
		if !strings.Contains(err.Error(), "before this create was first sent") {
			t.Errorf("message %q does not say the user existed before", err)
		}
		if n := postsTo(m, http.MethodPatch, "/be/v1/users"); n != 0 {
			t.Errorf("machine=%v: %d PATCHes (resetCreds) of someone else's user", machine, n)
		}
		now, _ := m.UserPassword("Acme", "alice")
		if machine {
			now, _ = m.UserAPIKey("Acme", "alice")
		}
		if now != secret {
			t.Errorf("machine=%v: the pre-existing user's credentials changed", machine)
		}
	}
}

func TestCreateDoesNotAdoptAnObjectWithExtraServerFields(t *testing.T) {
	cases := []struct {
		name  string
		extra func(map[string]any)
		want  string
	}{
		{"title", func(o map[string]any) { o["title"] = "Dr" }, `title: requested nothing, found "Dr"`},
		{"label", func(o map[string]any) { o["label"] = "x" }, `label: requested nothing, found "x"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newCreateServer(t, "lose", nil, func(obj map[string]any) map[string]any {
				tc.extra(obj)
				return obj
			})
			c := newTestClient(t, srv.URL, srv.clock, apiKeyConfig)
			in := CreateUserRequest{Username: "alice", Email: "a@example.com", Firstname: "A", Surname: "L", Roles: []string{}}
			var out User
			adopted, err := c.create(context.Background(), "/be/v1/users", in, &out, c.readPath("/be/v1/users/alice"))
			var unconfirmed *UnconfirmedCreateError
			if adopted || !errors.As(err, &unconfirmed) {
				t.Fatalf("adopted=%v err=%v", adopted, err)
			}
			if strings.Join(unconfirmed.Mismatches, "; ") != tc.want {
				t.Errorf("mismatches = %q, want %q", unconfirmed.Mismatches, tc.want)
			}
		})
	}
}

func TestObjectMismatchesBothDirections(t *testing.T) {
	dep := CreateDeploymentRequest{Name: "D1", Origin: Origin{Type: "s3", Endpoint: "s3.eu-central-1.amazonaws.com", Bucket: "b", AccessKeyID: "A", SecretAccessKey: "s"}}
	app := CreateAppRequest{Name: "Game", Label: "Game"}
	sub := CreateSubscriptionRequest{Name: "hook", Type: "webhook", URL: "https://x.example.com"}
	role := CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}}
	cases := []struct {
		name string
		body any
		got  string
		want string
	}{
		{"deployment with server-side downloadAuth", dep,
			`{"name":"D1","origin":{"type":"s3","endpoint":"s3.eu-central-1.amazonaws.com","bucket":"b","accessKeyId":"A"},"downloadAuth":{"provider":"akamai"},"status":"ready"}`,
			`downloadAuth: requested nothing, found {"provider":"akamai"}`},
		{"deployment with server-side prefix", dep,
			`{"name":"D1","origin":{"type":"s3","endpoint":"s3.eu-central-1.amazonaws.com","bucket":"b","accessKeyId":"A","prefix":"p/"}}`,
			`origin.prefix: requested "", found "p/"`},
		{"deployment equal", dep,
			`{"name":"D1","origin":{"type":"s3","endpoint":"s3.eu-central-1.amazonaws.com","bucket":"b","accessKeyId":"A"},"status":"ready","message":"ok"}`, ""},
		{"app with the default maxBuilds", app, `{"name":"Game","label":"Game","maxBuilds":5,"deployments":[],"iCurBuild":0}`, ""},
		{"subscription with server-side events", sub, `{"name":"hook","type":"webhook","url":"https://x.example.com","events":[{"type":"deploy","event":"end"}]}`,
			`events: requested nothing, found [{"event":"end","type":"deploy"}]`},
		{"role with an extra permission", role, `{"name":"Ops","permissions":{"apps":15,"roles":2,"tasks":0}}`,
			`permissions.roles: requested nothing, found 2`},
		{"role equal up to zeros", role, `{"name":"Ops","permissions":{"apps":15,"roles":0,"tasks":0}}`, ""},
	}
	for _, tc := range cases {
		want, _ := jsonMarshal(tc.body)
		got := strings.Join(objectMismatches(typeOf(tc.body), want, []byte(tc.got)), "; ")
		if got != tc.want {
			t.Errorf("%s: mismatches = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCreateDoesNotAdoptAnObjectWithoutCreationTime(t *testing.T) {
	for _, created := range []any{nil, "yesterday"} {
		srv := newCreateServer(t, "lose", nil, func(obj map[string]any) map[string]any {
			if created == nil {
				delete(obj, "created")
			} else {
				obj["created"] = created
			}
			return obj
		})
		c := newTestClient(t, srv.URL, srv.clock, apiKeyConfig)
		_, adopted, err := createRole(c, testRole{Name: "Ops", Permissions: map[string]int{"apps": 15}})
		var unconfirmed *UnconfirmedCreateError
		if adopted || !errors.As(err, &unconfirmed) || !strings.Contains(unconfirmed.Reason, "cannot be told apart") {
			t.Errorf("created=%v: adopted=%v err=%v", created, adopted, err)
		}
	}
}

func TestCreateAdoptsWithinTheClockSkew(t *testing.T) {
	// The server's clock is a second behind the client's: its own object still counts.
	srv := newCreateServer(t, "lose", nil, func(obj map[string]any) map[string]any {
		obj["created"] = time.Date(2026, 1, 2, 3, 4, 4, 0, time.UTC).Format(time.RFC3339)
		return obj
	})
	c := newTestClient(t, srv.URL, srv.clock, apiKeyConfig)
	if _, adopted, err := createRole(c, testRole{Name: "Ops", Permissions: map[string]int{"apps": 15}}); !adopted || err != nil {
		t.Fatalf("adopted=%v err=%v", adopted, err)
	}
}

func TestCreateUserReturnsTheAdoptedUserWhenTheResetFails(t *testing.T) {
	m, creds := mockWithBot(t)
	inner := loseFirstPOSTs(t, m, "/be/v1/users", 1)
	target := strings.TrimPrefix(inner, "http://")
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPatch {
			writeJSONAnswer(w, http.StatusForbidden, map[string]any{"status": "error", "message": "forbidden"})
			return
		}
		r.URL.Scheme, r.URL.Host, r.RequestURI = "http", target, ""
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		defer func() { _ = resp.Body.Close() }()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = copyBody(w, resp)
	}))
	t.Cleanup(hs.Close)
	c := newTestClient(t, hs.URL, newFakeClock(), creds)
	u, err := c.CreateUser(context.Background(), CreateUserRequest{Username: "ci", Label: "CI", Roles: []string{}})
	var lost *CredentialsLostError
	if !errors.As(err, &lost) || lost.Name != "ci" || !IsForbidden(err) {
		t.Fatalf("err = %v, want a CredentialsLostError wrapping the 403", err)
	}
	if u == nil || u.Username != "ci" || u.Label != "CI" || u.APIKey != "" {
		t.Errorf("user = %+v, want the adopted user without an API key", u)
	}
	for _, want := range []string{`user "ci" was created`, "obtaining a new one failed", "HTTP 403"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}
