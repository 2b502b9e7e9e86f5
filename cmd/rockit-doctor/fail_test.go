package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// rewriteList passes GETs of path through the mock and lets edit change the decoded answer.
func rewriteList(path string, edit func(env map[string]any)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || r.URL.Path != path {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var env map[string]any
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &env) != nil {
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
				return
			}
			edit(env)
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(env)
		})
	}
}

// Hosts that differ where the provider would fail or misread: the check fails with its
// consequence and the exit status is 1.
func TestDoctorFailuresExit1(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, check, detail, consequence string
		wrap                             func(http.Handler) http.Handler
	}{
		{"total contradicts the items", "roles: total", "total is 4 but the page of limit=100 holds 3 items", "the list changed while it was read",
			rewriteList("/be/v1/roles", func(env map[string]any) { env["total"] = env["total"].(float64) + 1 })},
		{"offset ignored", "apps: paging", "offset 0 and 1 with limit=1 and order[]=name gave demo,demo; one page gave demo,game", "skip or repeat objects",
			func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/be/v1/apps" {
						q := r.URL.Query()
						q.Del("offset")
						r.URL.RawQuery = q.Encode()
					}
					next.ServeHTTP(w, r)
				})
			}},
		{"a missing object is not a 404", "users: missing object", "HTTP 400", "not removed from state",
			func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasPrefix(r.URL.Path, "/be/v1/users/"+namePrefix) {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusBadRequest)
						_, _ = w.Write([]byte(`{"status":"error","message":"invalid parameter 'username'"}`))
						return
					}
					next.ServeHTTP(w, r)
				})
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHostBehind(t, mockserver.Options{}, tc.wrap, false)
			checks, code := doctorRun(t, context.Background(), h.env(), hooks{})
			if code != exitFailed {
				t.Errorf("exit %d, want 1", code)
			}
			if got := strings.Join(notOK(checks), ","); got != "fail "+tc.check {
				t.Errorf("checks not ok: %s, want fail %s", got, tc.check)
			}
			c := find(t, checks, tc.check)
			if !strings.Contains(c.Detail, tc.detail) || !strings.Contains(c.Consequence, tc.consequence) {
				t.Errorf("%s: %+v; want %q and %q", tc.check, c, tc.detail, tc.consequence)
			}
		})
	}
}

// TLS: an untrusted certificate fails the endpoint (exit 1, nothing else is checked); the
// host's CA in ROCKIT_CA_CERT_PEM verifies it; skipping verification warns; http:// to another
// machine warns before anything is sent.
func TestDoctorTransportAndTLS(t *testing.T) {
	t.Parallel()
	h := newHostBehind(t, mockserver.Options{}, nil, true)
	for _, tc := range []struct {
		name, status, detail string
		env                  func(string) string
		code                 int
	}{
		{"untrusted", "fail endpoint", "its TLS certificate is not trusted", h.env(), exitFailed},
		{"own CA", "", "the certificate chain is verified against the system roots and ROCKIT_CA_CERT_PEM",
			h.env("ROCKIT_CA_CERT_PEM", h.caPEM), exitOK},
		{"verification off", "warn transport", "TLS certificate verification is off", h.env("ROCKIT_INSECURE_SKIP_VERIFY", "true"), exitOK},
		{"plain http to another machine", "warn transport,fail endpoint", "http://edge.invalid is plain http to another machine",
			h.env("ROCKIT_ENDPOINT", "http://edge.invalid"), exitFailed},
	} {
		checks, code := doctorRun(t, context.Background(), tc.env, hooks{})
		if got := strings.Join(notOK(checks), ","); code != tc.code || got != tc.status {
			t.Errorf("%s: exit %d, checks not ok %q; want %d and %q", tc.name, code, got, tc.code, tc.status)
		}
		var all bytes.Buffer
		for _, c := range checks {
			all.WriteString(c.Detail + "\n")
		}
		if !strings.Contains(all.String(), tc.detail) {
			t.Errorf("%s: no check says %q:\n%s", tc.name, tc.detail, all.String())
		}
	}
}
