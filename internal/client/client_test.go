package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestAdminTokenModeCreatesOrganization(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		// 201 and fields the client does not know: both must be accepted.
		writeJSONAnswer(w, http.StatusCreated, map[string]any{"status": "success", "data": map[string]any{
			"name": "Acme", "adminUsername": "boss", "initialPassword": "pw_1", "createdBy": "edge-7",
		}, "requestId": "abc"})
	})
	c := newTestClient(t, srv.URL, nil, func(cfg *Config) { cfg.AdminToken = "adm-secret" })

	org, err := c.CreateOrganization(context.Background(), CreateOrganizationRequest{Name: "Acme", AdminUsername: "boss", AdminEmail: "a@example.com"})
	if err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	if org.Name != "Acme" || org.AdminUsername != "boss" || org.InitialPassword != "pw_1" {
		t.Errorf("organization = %+v", org)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/be/v1/orgs" {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
	if got := r.Header.Get(HeaderAuthToken); got != "adm-secret" {
		t.Errorf("%s = %q, want the admin token", HeaderAuthToken, got)
	}
	if got := r.Header.Get("User-Agent"); got != "terraform-provider-rockit/test terraform/1.11.4" {
		t.Errorf("User-Agent = %q", got)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	for _, h := range []string{HeaderAPIKey, HeaderOrgName, HeaderUsername, HeaderSessionToken} {
		if r.Header.Get(h) != "" {
			t.Errorf("admin request carries %s", h)
		}
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatal(err)
	}
	if body["name"] != "Acme" || body["adminUsername"] != "boss" || body["adminEmail"] != "a@example.com" {
		t.Errorf("body = %s", r.Body)
	}
	if _, ok := body["publicKey"]; ok {
		t.Errorf("an empty publicKey must be left out: %s", r.Body)
	}
}

func TestAPIKeyModeSendsMachineUserHeaders(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSONAnswer(w, http.StatusOK, success(map[string]any{"name": "Ops"}))
	})
	c := newTestClient(t, srv.URL, nil, func(cfg *Config) {
		cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "ci_bot", "key-secret"
	})
	var out struct{ Name string }
	if err := c.get(context.Background(), "/be/v1/roles/Ops", &out); err != nil {
		t.Fatal(err)
	}
	if out.Name != "Ops" {
		t.Errorf("decoded %+v", out)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("want exactly the GET (no login, no auth), got %d requests", len(reqs))
	}
	h := reqs[0].Header
	if h.Get(HeaderOrgName) != "Acme" || h.Get(HeaderUsername) != "ci_bot" || h.Get(HeaderAPIKey) != "key-secret" {
		t.Errorf("API-key headers = %q %q %q", h.Get(HeaderOrgName), h.Get(HeaderUsername), h.Get(HeaderAPIKey))
	}
	if h.Get(HeaderAuthToken) != "" {
		t.Errorf("the API-key headers must not be combined with %s", HeaderAuthToken)
	}
}

func TestSessionModeLogsInThenAuthenticates(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/be/v1/login":
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"sessionToken": "sess-1", "expiresIn": 86400, "permissions": map[string]int{"roles": 15}}))
		case "/be/v1/auth":
			if r.Header.Get(HeaderSessionToken) != "sess-1" {
				writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "no session"})
				return
			}
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"authToken": "auth-1", "expiresIn": 300}))
		default:
			if r.Header.Get(HeaderAuthToken) != "auth-1" {
				writeJSONAnswer(w, http.StatusUnauthorized, map[string]any{"status": "error", "message": "bad token"})
				return
			}
			writeJSONAnswer(w, http.StatusOK, success(map[string]any{"name": "Ops"}))
		}
	})
	c := newTestClient(t, srv.URL, newFakeClock(), func(cfg *Config) {
		cfg.OrgName, cfg.Username, cfg.Password = "Acme", "alice", "pw-secret"
	})
	if err := c.get(context.Background(), "/be/v1/roles/Ops", nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	var order []string
	for _, r := range reqs {
		order = append(order, r.Method+" "+r.Path)
	}
	if strings.Join(order, ", ") != "POST /be/v1/login, POST /be/v1/auth, GET /be/v1/roles/Ops" {
		t.Fatalf("requests = %v", order)
	}
	var login LoginRequest
	if err := json.Unmarshal([]byte(reqs[0].Body), &login); err != nil {
		t.Fatal(err)
	}
	if login != (LoginRequest{OrgName: "Acme", Username: "alice", Password: "pw-secret"}) {
		t.Errorf("login body = %s", reqs[0].Body)
	}
	if reqs[0].Header.Get(HeaderAuthToken) != "" || reqs[1].Body != "" {
		t.Errorf("login must carry no token and auth no body")
	}
}

func TestMissingCredentialFailsWithoutRequest(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSONAnswer(w, http.StatusOK, success(nil))
	})
	cases := []struct {
		name string
		cfg  Config
		call func(*Client) error
		want Credential
	}{
		{"no endpoint", Config{AdminToken: "x"}, func(c *Client) error { return c.DeleteOrganization(context.Background(), "Acme", false) }, CredentialEndpoint},
		{"no admin token", Config{Endpoint: srv.URL, OrgName: "Acme", Username: "u", Password: "p"},
			func(c *Client) error { return c.DeleteOrganization(context.Background(), "Acme", false) }, CredentialAdminToken},
		{"no org", Config{Endpoint: srv.URL, AdminToken: "x", Username: "u", Password: "p"},
			func(c *Client) error { return c.get(context.Background(), "/be/v1/roles", nil) }, CredentialOrgName},
		{"no username", Config{Endpoint: srv.URL, OrgName: "Acme", APIKey: "k"},
			func(c *Client) error { return c.get(context.Background(), "/be/v1/roles", nil) }, CredentialUsername},
		{"no password or key", Config{Endpoint: srv.URL, OrgName: "Acme", Username: "u"},
			func(c *Client) error { return c.get(context.Background(), "/be/v1/roles", nil) }, CredentialSecret},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			var missing *MissingCredentialError
			if !errors.As(err, &missing) || missing.Credential != tc.want {
				t.Fatalf("error = %v, want a MissingCredentialError for %s", err, tc.want)
			}
			if !strings.Contains(err.Error(), string(tc.want)) {
				t.Errorf("message %q does not name %s", err, tc.want)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the server received %d requests, want none", n)
	}
}

func TestAPIErrorIsTypedWithTheServersMessage(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		message string
		is      func(error) bool
	}{
		{404, `{"status":"error","message":"role 'Ops' not found"}`, "role 'Ops' not found", IsNotFound},
		{409, `{"status":"error","error":"name exists"}`, "name exists", IsConflict},
		{401, `token expired`, "token expired", IsUnauthorized},
		{403, `{"status":"error","message":"forbidden: roles","extra":1}`, "forbidden: roles", IsForbidden},
		{400, ``, "", IsBadRequest},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c := newTestClient(t, srv.URL, newFakeClock(), func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", "k" })
			err := c.get(context.Background(), "/be/v1/roles/Ops", nil)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Message != tc.message || apiErr.Method != "GET" || apiErr.Path != "/be/v1/roles/Ops" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if !tc.is(err) {
				t.Errorf("the helper for %d does not recognise %v", tc.status, err)
			}
			for _, other := range []func(error) bool{IsNotFound, IsConflict, IsUnauthorized, IsForbidden, IsBadRequest} {
				if fmt.Sprintf("%p", other) != fmt.Sprintf("%p", tc.is) && other(err) {
					t.Errorf("another helper also matches %d", tc.status)
				}
			}
			want := fmt.Sprintf("GET /be/v1/roles/Ops: HTTP %d: ", tc.status)
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Error() = %q, want prefix %q", err, want)
			}
			if tc.message == "" && !strings.HasSuffix(err.Error(), http.StatusText(tc.status)) {
				t.Errorf("an empty body should fall back to the status text: %q", err)
			}
			if len(srv.Requests()) != 1 {
				t.Errorf("a %d must not be retried", tc.status)
			}
		})
	}
	if IsNotFound(errors.New("plain")) || StatusOf(nil) != 0 {
		t.Error("helpers must be false for errors that are not API answers")
	}
}

func TestAnySuccessStatusIsSuccess(t *testing.T) {
	cases := []struct {
		status int
		body   string
	}{
		{200, `{"status":"success","data":{"name":"A","unknown":{"deep":true}},"more":[1,2]}`},
		{201, `{"status":"success","data":{"name":"A"}}`},
		{202, `{"data":{"name":"A"}}`},
		{204, ``},
		{200, `not json at all`},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d %q", tc.status, tc.body), func(t *testing.T) {
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c := newTestClient(t, srv.URL, nil, func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", "k" })
			var out struct {
				Name string `json:"name"`
			}
			if !strings.Contains(tc.body, `"name":"A"`) {
				// A call that needs no data (a delete) accepts any 2xx body.
				if err := c.del(context.Background(), "/be/v1/roles/A"); err != nil {
					t.Fatalf("a %d answer must be success: %v", tc.status, err)
				}
				return
			}
			if err := c.patch(context.Background(), "/be/v1/roles", map[string]any{"name": "A"}, &out); err != nil {
				t.Fatalf("a %d answer must be success: %v", tc.status, err)
			}
			if strings.Contains(tc.body, `"name":"A"`) && out.Name != "A" {
				t.Errorf("data not decoded: %+v", out)
			}
		})
	}
}

func TestListAllPagesUntilTotalOrShortPage(t *testing.T) {
	type item struct {
		Name string `json:"name"`
	}
	items := func(from, n int) []item {
		out := make([]item, n)
		for i := range out {
			out[i] = item{Name: fmt.Sprintf("r%03d", from+i)}
		}
		return out
	}
	cases := []struct {
		name      string
		total     int
		withTotal bool
		pageCap   int // the server's own cap on limit
		wantPages int
	}{
		{"total over three pages", 250, true, 100, 3},
		{"exact page multiple", 200, true, 100, 2},
		{"server caps pages below the limit", 90, true, 40, 3},
		{"no total: a short page is not the end, an empty page is", 237, false, 100, 4},
		{"no total and a server cap below the limit", 90, false, 40, 4},
		{"empty", 0, true, 100, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
				off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
				lim = min(lim, tc.pageCap)
				n := max(0, min(lim, tc.total-off))
				answer := map[string]any{"status": "success", "data": items(off, n)}
				if tc.withTotal {
					answer["total"] = tc.total
				}
				writeJSONAnswer(w, http.StatusOK, answer)
			})
			c := newTestClient(t, srv.URL, nil, func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", "k" })
			got, err := listAll[item](context.Background(), c, "/be/v1/roles", url.Values{"order[]": []string{"name"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.total {
				t.Fatalf("got %d items, want %d", len(got), tc.total)
			}
			seenNames := map[string]bool{}
			for _, it := range got {
				if seenNames[it.Name] {
					t.Fatalf("duplicate %s", it.Name)
				}
				seenNames[it.Name] = true
			}
			reqs := srv.Requests()
			if len(reqs) != tc.wantPages {
				t.Fatalf("pages requested = %d, want %d", len(reqs), tc.wantPages)
			}
			// The pages after a full first page are read in parallel: compare them in offset order.
			offsetOf := func(r seen) int { q, _ := url.ParseQuery(r.Query); n, _ := strconv.Atoi(q.Get("offset")); return n }
			sort.SliceStable(reqs, func(a, b int) bool { return offsetOf(reqs[a]) < offsetOf(reqs[b]) })
			off := 0
			for i, r := range reqs {
				q, _ := url.ParseQuery(r.Query)
				if q.Get("offset") != strconv.Itoa(off) || q.Get("limit") != "100" || q.Get("order[]") != "name" {
					t.Errorf("page %d query = %s", i, r.Query)
				}
				off += min(tc.pageCap, tc.total-off)
			}
		})
	}
}

func TestNewRejectsBadEndpointAndCA(t *testing.T) {
	for ep, want := range map[string]string{
		"ftp://edge.example.com":         `the scheme must be http or https, not "ftp"`,
		"edge.example.com:8443":          `it has no scheme: write it as "https://edge.example.com:8443"`,
		"https://":                       "the URL has no host",
		"https://edge.example.com/be/v1": `the provider adds /be/v1 to every request itself: drop it and write "https://edge.example.com"`,
	} {
		_, err := New(Config{Endpoint: ep})
		if err == nil || !strings.Contains(err.Error(), "is not a valid ROCKIT Edge URL: "+want) || strings.Contains(err.Error(), "first path segment") {
			t.Errorf("endpoint %q: error = %v, want %q", ep, err, want)
		}
	}
	if _, err := New(Config{Endpoint: "https://edge.example.com", CACertPEM: "not a certificate"}); err == nil || !strings.Contains(err.Error(), "ca_cert_pem") {
		t.Errorf("bad CA: error = %v", err)
	}
}

func TestTLSVerification(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSONAnswer(w, http.StatusOK, success(nil))
	}))
	t.Cleanup(srv.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))

	clock := newFakeClock()
	c := newTestClient(t, srv.URL, clock, func(cfg *Config) { cfg.AdminToken = "adm" })
	err := c.DeleteOrganization(context.Background(), "Acme", false)
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("an untrusted certificate must fail verification, got %v", err)
	}
	if len(clock.Waits()) != 0 {
		t.Errorf("a certificate error must not be retried (%d retries)", len(clock.Waits()))
	}
	for name, tweak := range map[string]func(*Config){
		"ca_cert_pem":          func(cfg *Config) { cfg.AdminToken = "adm"; cfg.CACertPEM = caPEM },
		"insecure_skip_verify": func(cfg *Config) { cfg.AdminToken = "adm"; cfg.InsecureSkipVerify = true },
	} {
		c := newTestClient(t, srv.URL, newFakeClock(), tweak)
		if err := c.DeleteOrganization(context.Background(), "Acme", false); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
