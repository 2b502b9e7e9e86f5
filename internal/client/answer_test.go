package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestSuccessWithoutUsableDataIsAnError: a call that needs the answer's data (a create, a read,
// an update) fails on a 2xx it cannot decode, naming what came back, instead of returning a
// zero-valued object.
func TestSuccessWithoutUsableDataIsAnError(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		status                  int
		want                    []string
		notWant                 string
	}{
		{"proxy HTML page", "text/html", "<html><body>Service temporarily moved</body></html>", 200,
			[]string{"it carries no data", "HTTP 200, content type text/html, 51 bytes", `starting "<html><body>Service temporarily moved</body></html>"`}, ""},
		{"empty 201", "", "", 201, []string{"it carries no data", "HTTP 201, content type none, 0 bytes"}, "starting"},
		{"success without data", "application/json", `{"status":"success","message":"ok"}`, 200,
			[]string{"it carries no data", "content type application/json"}, "starting"},
		{"data of another shape", "application/json", `{"status":"success","data":["initialPassword","s3cr3t"]}`, 200,
			[]string{"its data has an unexpected shape", "cannot unmarshal array"}, "s3cr3t"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			c := newTestClient(t, srv.URL, newFakeClock(), apiKeyConfig)
			u, err := c.CreateUser(context.Background(), CreateUserRequest{Username: "ci", Label: "CI"})
			var bad *UndecodableAnswerError
			if u != nil || !errors.As(err, &bad) {
				t.Fatalf("user=%+v err=%v, want an UndecodableAnswerError", u, err)
			}
			msg := err.Error()
			for _, want := range append(tc.want, "POST "+srv.URL+"/be/v1/users: the answer reported success") {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if tc.notWant != "" && strings.Contains(msg, tc.notWant) {
				t.Errorf("message %q must not contain %q", msg, tc.notWant)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("requests = %d: a 2xx is not retried", n)
			}
		})
	}
}

func TestReadWithoutDataIsAnError(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	c := newTestClient(t, srv.URL, newFakeClock(), apiKeyConfig)
	if r, err := c.GetRole(context.Background(), "Ops"); r != nil || err == nil || !strings.Contains(err.Error(), "GET "+srv.URL+"/be/v1/roles/Ops") {
		t.Fatalf("role=%+v err=%v", r, err)
	}
}
