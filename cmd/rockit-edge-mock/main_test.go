package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// Bad flags fail before anything listens, each naming the flag and the rule.
func TestFlagValidation(t *testing.T) {
	t.Setenv("ROCKIT_ADMIN_TOKEN", "")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "-admin-token (or ROCKIT_ADMIN_TOKEN) is required"},
		{[]string{"-admin-token", "T", "-fail-rate", "1.5"}, "-fail-rate must be between 0 and 1, got 1.5"},
		{[]string{"-admin-token", "T", "-lose-responses", "-0.1"}, "-lose-responses must be between 0 and 1, got -0.1"},
		{[]string{"-admin-token", "T", "-auth-scheme", "2027"}, `-auth-scheme must be 2025 or 2026, got "2027"`},
		{[]string{"-admin-token", "T", "-rate-limit", "-1"}, "-rate-limit, -rate-burst and -latency must not be negative"},
		{[]string{"-admin-token", "T", "-latency", "-1s"}, "-rate-limit, -rate-burst and -latency must not be negative"},
		{[]string{"-admin-token", "T", "-no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"-admin-token", "T", "-addr", "127.0.0.1:notaport"}, "unknown port"},
	} {
		var out strings.Builder
		err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, c.args...), &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) = %v, want an error saying %q", c.args, err, c.want)
		}
		if out.Len() > 0 {
			t.Errorf("run(%q) printed %q: it listened although a flag was bad", c.args, out.String())
		}
	}
}

// startMock runs the command with args on 127.0.0.1:0 and returns the URL it printed; the
// cleanup stops it (as an interrupt does) and fails the test unless run returns nil.
func startMock(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw)
		_ = pw.CloseWithError(err)
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no URL printed: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run after the stop: %v, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not return within 10 s of the stop")
		}
	})
	url := strings.TrimSpace(line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("printed %q, want the URL it listens on", url)
	}
	return url
}

// createOrg creates an organization with the admin token and returns the answer's data.
func createOrg(t *testing.T, url, name string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/be/v1/orgs", strings.NewReader(`{"name":"`+name+`","adminUsername":"admin","adminEmail":"admin@example.com"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-rockit-beauth-token", "T")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		Data map[string]any `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /be/v1/orgs: %d, %v", resp.StatusCode, err)
	}
	return body.Data
}

// The command starts on a free port, serves the API with the admin token of its flag, and
// stops when its context ends. An organization's create answers the first administrator's
// initial password.
func TestStartServeAndStop(t *testing.T) {
	url := startMock(t, "-admin-token", "T")
	if got := createOrg(t, url, "Acme"); got["initialPassword"] == nil || got["initialPassword"] == "" {
		t.Errorf("the create answered %v, want an initial password", got)
	}
}

// -org-invitations: the create answers no password (the administrator is invited by e-mail).
func TestOrgInvitationsFlag(t *testing.T) {
	url := startMock(t, "-admin-token", "T", "-org-invitations")
	got := createOrg(t, url, "Acme")
	if _, ok := got["initialPassword"]; ok || got["name"] != "Acme" {
		t.Errorf("the create answered %v, want the organization without an initial password", got)
	}
}

// -clock-skew shifts the Date header by the skew.
func TestClockSkewFlag(t *testing.T) {
	url := startMock(t, "-admin-token", "T", "-clock-skew", "-2h")
	resp, err := http.Get(url + "/be/v1/orgs")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if off := time.Until(date); err != nil || off > -110*time.Minute || off < -130*time.Minute {
		t.Errorf("Date %q is %v off, want about -2h", resp.Header.Get("Date"), off)
	}
}

// `rockit-edge-mock -h` tells how to accept an invitation on an invitation host, so that a
// person can finish the two-apply bootstrap of the guide by hand.
func TestHelpSaysHowToAcceptAnInvitation(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	runErr := run(context.Background(), []string{"-h"}, io.Discard)
	os.Stderr = stderr
	_ = w.Close()
	out, _ := io.ReadAll(r)
	if !errors.Is(runErr, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", runErr)
	}
	if !strings.Contains(string(out), "-org-invitations") || !strings.Contains(string(out), "curl -X POST <url>/_mock/orgs/<name>/accept-invitation") {
		t.Errorf("-h does not say how to accept an invitation:\n%s", out)
	}
}
