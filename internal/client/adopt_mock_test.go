package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// loseFirstPOSTs serves the mock but drops the answer to the first n successful POSTs to
// path, after the mock acted on them.
func loseFirstPOSTs(t *testing.T, m *mockserver.Server, path string, n int) string {
	t.Helper()
	var mu sync.Mutex
	lost := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		mu.Lock()
		drop := r.Method == http.MethodPost && r.URL.Path == path && rec.Code < 300 && lost < n
		if drop {
			lost++
		}
		mu.Unlock()
		if drop {
			panic(http.ErrAbortHandler)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

func mockWithBot(t *testing.T) (*mockserver.Server, func(*Config)) {
	m := mockserver.New(mockserver.Options{AdminToken: "adm"})
	m.SeedOrg("Acme", "admin")
	key := m.SeedUser("Acme", "bot", true, "Administrators")
	return m, func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", key }
}

func postsTo(m *mockserver.Server, method, path string) int {
	n := 0
	for _, r := range m.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestCreateUserAfterALostAnswerResetsItsCredentials(t *testing.T) {
	for _, machine := range []bool{false, true} {
		m, creds := mockWithBot(t)
		url := loseFirstPOSTs(t, m, "/be/v1/users", 1)
		c := newTestClient(t, url, newFakeClock(), creds)
		in := CreateUserRequest{Username: "alice", Email: "alice@example.com", Firstname: "Alice", Surname: "L", Roles: []string{"Administrators"}}
		if machine {
			in = CreateUserRequest{Username: "ci", Label: "CI", Roles: []string{}}
		}
		u, err := c.CreateUser(context.Background(), in)
		if err != nil {
			t.Fatalf("machine=%v: %v", machine, err)
		}
		if machine {
			key, _ := m.UserAPIKey("Acme", "ci")
			if u.APIKey == "" || u.APIKey != key {
				t.Errorf("API key %q, the mock holds %q: the adopted user must come with working credentials", u.APIKey, key)
			}
		} else {
			pw, _ := m.UserPassword("Acme", "alice")
			if u.InitialPassword == "" || u.InitialPassword != pw {
				t.Errorf("initial password %q, the mock holds %q", u.InitialPassword, pw)
			}
		}
		if n := postsTo(m, http.MethodPost, "/be/v1/users"); n != 2 {
			t.Errorf("POSTs = %d, want 2 (the lost one and the 409)", n)
		}
		if n := postsTo(m, http.MethodPatch, "/be/v1/users"); n != 1 {
			t.Errorf("PATCHes (resetCreds) = %d, want 1", n)
		}
	}
}

func TestCreateSubscriptionAfterALostAnswerSubscribesAgain(t *testing.T) {
	m, creds := mockWithBot(t)
	url := loseFirstPOSTs(t, m, "/be/v1/subscriptions", 1)
	c := newTestClient(t, url, newFakeClock(), creds)
	s, err := c.CreateSubscription(context.Background(), CreateSubscriptionRequest{Name: "hook", Type: "webhook", URL: "https://hooks.example.com/x"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Secret == "" || s.Name != "hook" {
		t.Errorf("subscription = %+v, want one with a secret", s)
	}
	var calls []string
	for _, r := range m.Requests() {
		if strings.HasPrefix(r.Path, "/be/v1/subscriptions") {
			calls = append(calls, r.Method)
		}
	}
	if got := strings.Join(calls, " "); got != "POST POST GET DELETE POST" {
		t.Errorf("calls = %s, want the lost POST, the 409, the list, the unsubscribe and a new POST", got)
	}
	all, err := c.ListSubscriptions(context.Background())
	if err != nil || len(all) != 1 {
		t.Errorf("subscriptions = %v, %v: want exactly one", all, err)
	}
}

func TestCreateAdoptsEveryOrgScopedTypeAgainstTheMock(t *testing.T) {
	m, creds := mockWithBot(t)
	ctx := context.Background()
	three := int64(3)
	for _, p := range []string{"/be/v1/roles", "/be/v1/deployments", "/be/v1/apps"} {
		url := loseFirstPOSTs(t, m, p, 1)
		c := newTestClient(t, url, newFakeClock(), creds)
		var err error
		switch p {
		case "/be/v1/roles":
			_, err = c.CreateRole(ctx, CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15, "tasks": 31}})
		case "/be/v1/deployments":
			_, err = c.CreateDeployment(ctx, CreateDeploymentRequest{Name: "Origin[EU]", Origin: Origin{
				Type: "s3", Endpoint: "s3.eu-central-1.amazonaws.com", Bucket: "b", AccessKeyID: "AKIA", SecretAccessKey: "s3cret",
			}, DownloadAuth: &DownloadAuth{Provider: "akamai", Key: "k3y"}})
		case "/be/v1/apps":
			_, err = c.CreateApp(ctx, CreateAppRequest{Name: "Game", Label: "Game", MaxBuilds: &three})
		}
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if n := postsTo(m, http.MethodPost, p); n != 2 {
			t.Errorf("%s: POSTs = %d, want 2", p, n)
		}
	}
}
