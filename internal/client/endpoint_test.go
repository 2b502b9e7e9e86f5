package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/testdns"
)

// Errors that no retry can heal fail at the first attempt and say what is wrong with the
// endpoint (issue 21 item 4): no backoff waits, one connection.
func TestEndpointErrors_failAtOnce(t *testing.T) {
	var conns atomic.Int32
	plain := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSONAnswer(w, http.StatusOK, success(nil))
	}))
	plain.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	plain.Start()
	t.Cleanup(plain.Close)
	tlsSrv := httptest.NewUnstartedServer(plain.Config.Handler)
	tlsSrv.Config.ConnState = plain.Config.ConnState
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)

	for _, tc := range []struct {
		name, endpoint, want string
	}{
		{"https against http", strings.Replace(plain.URL, "http://", "https://", 1),
			"the host answers plain HTTP, not HTTPS, on " + strings.TrimPrefix(plain.URL, "http://")},
		{"untrusted certificate", tlsSrv.URL, "its TLS certificate is not trusted"},
		// .invalid never resolves (RFC 6761): refused by the dialer, no DNS query leaves.
		{"host that does not resolve", "https://edge.rockit.invalid", `the host name "edge.rockit.invalid" does not resolve`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conns.Store(0)
			clock := newFakeClock()
			c := newTestClient(t, tc.endpoint, clock, func(cfg *Config) { cfg.AdminToken = "adm" })
			err := c.DeleteOrganization(context.Background(), "Acme", false)
			var epErr *EndpointError
			if !errors.As(err, &epErr) || !strings.Contains(err.Error(), "the endpoint "+tc.endpoint+" cannot be used as configured: "+tc.want) {
				t.Fatalf("error %v, want an endpoint error saying %q", err, tc.want)
			}
			if w := clock.Waits(); len(w) != 0 {
				t.Errorf("retried %d times (waits %v), want no retry", len(w), w)
			}
			if n := conns.Load(); n > 1 {
				t.Errorf("%d connections, want at most 1", n)
			}
			if tc.name == "host that does not resolve" && !strings.Contains(err.Error(), "names under .invalid never resolve") {
				t.Errorf("the name went to a resolver: %v", err)
			}
		})
	}
}

// A name a real resolver answers "no such domain" for (NXDOMAIN from a DNS server on the
// loopback: no query leaves the machine) fails at once like .invalid, with the resolver's
// answer behind it rather than the dialer's shortcut.
func TestEndpointErrors_resolverSaysNoSuchHost(t *testing.T) {
	dns := testdns.Start(t)
	t.Cleanup(UseResolver(dns.Resolver()))
	clock := newFakeClock()
	c := newTestClient(t, "https://edge.rockit.test", clock, func(cfg *Config) { cfg.AdminToken = "adm" })
	err := c.DeleteOrganization(context.Background(), "Acme", false)
	var epErr *EndpointError
	if !errors.As(err, &epErr) || !strings.Contains(err.Error(), `cannot be used as configured: the host name "edge.rockit.test" does not resolve`) {
		t.Fatalf("error %v, want an endpoint error saying that the host does not resolve", err)
	}
	if dns.Queries() == 0 || strings.Contains(err.Error(), ".invalid") {
		t.Errorf("%d queries reached the resolver's server; error %v: want the resolver's answer", dns.Queries(), err)
	}
	if w := clock.Waits(); len(w) != 0 {
		t.Errorf("retried %d times (waits %v), want no retry", len(w), w)
	}
}

// One host, however its endpoint is written, is one Host; another port, host or base path is
// another (objects remember the Host they were created under).
func TestNormalizeHost(t *testing.T) {
	same := []string{"https://edge.example.com", "https://Edge.Example.com:443/", "http://edge.example.com:80", "https://EDGE.example.com/"}
	for _, s := range same {
		u, err := ParseEndpoint(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := NormalizeHost(u); got != "edge.example.com" {
			t.Errorf("NormalizeHost(%q) = %q, want edge.example.com", s, got)
		}
	}
	for s, want := range map[string]string{
		"https://edge.example.com:8443":  "edge.example.com:8443",
		"https://other.example.com":      "other.example.com",
		"https://proxy.example.com/edge": "proxy.example.com/edge",
		"http://[::1]:8080/":             "[::1]:8080",
	} {
		u, err := ParseEndpoint(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := NormalizeHost(u); got != want {
			t.Errorf("NormalizeHost(%q) = %q, want %q", s, got, want)
		}
	}
}

// CanonicalEndpoint spells one host one way (scheme, host, default port, trailing slash), so that
// the provider can tell whether the block's endpoint is ROCKIT_ENDPOINT's host (issue 30).
func TestCanonicalEndpoint(t *testing.T) {
	check := func(a, b string, same bool) {
		t.Helper()
		ca, errA := CanonicalEndpoint(a)
		cb, errB := CanonicalEndpoint(b)
		if errA != nil || errB != nil || (ca == cb) != same {
			t.Errorf("%q -> %q (%v), %q -> %q (%v): want the same host: %v", a, ca, errA, b, cb, errB, same)
		}
	}
	for _, tc := range [][2]string{
		{"https://edge.example.com", "https://edge.example.com/"},
		{"https://edge.example.com", "https://edge.example.com:443"},
		{"https://edge.example.com", "HTTPS://Edge.Example.COM:443/"},
		{"https://edge.example.com", "https://edge.example.com."},
		{"http://edge.example.com", "http://edge.example.com:80/"},
		{"http://localhost:8080", "http://LOCALHOST:8080/"},
		{"https://[::1]:8443", "https://[::1]:8443/"},
		{"https://[::1]", "https://[::1]:443"},
		{"https://proxy.example.com/edge", "https://proxy.example.com:443/edge/"},
	} {
		check(tc[0], tc[1], true)
	}
	for _, tc := range [][2]string{
		{"https://edge.example.com", "https://other.example.com"},
		{"https://edge.example.com", "http://edge.example.com"},
		{"https://edge.example.com", "https://edge.example.com:8443"},
		{"http://edge.example.com", "http://edge.example.com:443"},
		{"https://proxy.example.com/edge", "https://proxy.example.com/other"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081"},
	} {
		check(tc[0], tc[1], false)
	}
	if got, err := CanonicalEndpoint("HTTPS://Edge.Example.com:443/"); err != nil || got != "https://edge.example.com" {
		t.Errorf("got %q, %v; want https://edge.example.com", got, err)
	}
	if _, err := CanonicalEndpoint("edge.example.com"); err == nil {
		t.Error("an endpoint without a scheme must fail as ParseEndpoint does")
	}
}
