package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
)

// apiBasePath is the path the client adds to the endpoint for every request.
const apiBasePath = "/be/v1"

// ParseEndpoint checks an endpoint (the base URL of an Edge host) and returns it without a
// trailing slash. Its errors say what is wrong in words of our own (never Go's URL parser's),
// so the provider's validator and the client use the same rule:
//   - an http or https URL with a host, e.g. https://edge.example.com;
//   - a base path is allowed (an Edge behind a reverse proxy), but not one ending in /be/v1,
//     which the client adds to every request itself;
//   - no query and no fragment.
func ParseEndpoint(s string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		return nil, fmt.Errorf("it has no scheme: write it as %q", "https://"+strings.Trim(strings.TrimSpace(s), "/"))
	}
	trimmed := strings.TrimRight(strings.TrimSpace(s), "/")
	u, err := url.Parse(trimmed)
	if err != nil {
		return nil, errors.New("it is not a URL such as https://edge.example.com")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("the scheme must be http or https, not %q", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("the URL has no host")
	case u.User != nil:
		return nil, errors.New("it must not carry credentials (user:password@)")
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(trimmed, "?") || strings.HasSuffix(trimmed, "#"):
		return nil, errors.New("it must not have a query or a fragment")
	case strings.HasSuffix(strings.ToLower(u.Path), apiBasePath):
		base := *u
		base.Path = strings.TrimSuffix(u.Path[:len(u.Path)-len(apiBasePath)], "/")
		base.RawPath = ""
		return nil, fmt.Errorf("the provider adds %s to every request itself: drop it and write %q", apiBasePath, base.String())
	}
	return u, nil
}

// IsLoopback reports whether host is this machine: localhost (and *.localhost) or a loopback
// IP. Plain http to such a host (the mock, an SSH tunnel) carries nothing over the network.
func IsLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// CanonicalEndpoint is the endpoint in one spelling, for telling whether two endpoints name the
// same host: ParseEndpoint's checks and trailing-slash trim, the scheme and host in lower case,
// and the scheme's default port (443 for https, 80 for http) left out. The base path is kept.
func CanonicalEndpoint(s string) (string, error) {
	u, err := ParseEndpoint(s)
	if err != nil {
		return "", err
	}
	return strings.ToLower(u.Scheme) + "://" + NormalizeHost(u), nil
}

// EndpointError says that the endpoint cannot be reached as configured, for a reason that no
// retry can heal: the host name does not resolve, the host speaks plain HTTP to an https://
// endpoint, or its TLS certificate is not trusted. Such a request fails at once (no retries).
// It wraps the transport error, so a certificate error is still one for errors.As.
type EndpointError struct {
	Endpoint string
	Problem  string
	Cause    error
}

func (e *EndpointError) Error() string {
	return fmt.Sprintf("the endpoint %s cannot be used as configured: %s (%v)", e.Endpoint, e.Problem, e.Cause)
}

func (e *EndpointError) Unwrap() error { return e.Cause }

// endpointProblem says what is wrong with the endpoint when a transport error cannot heal by
// retrying, "" when it may.
func endpointProblem(base *url.URL, err error) string {
	var certErr *tls.CertificateVerificationError
	var authErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &certErr) || errors.As(err, &authErr) || errors.As(err, &hostErr):
		return "its TLS certificate is not trusted"
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") || errors.As(err, &recErr):
		return fmt.Sprintf("the host answers plain HTTP, not HTTPS, on %s; check the scheme and port of the endpoint "+
			"(http:// sends the credentials in clear text)", base.Host)
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("the host name %q does not resolve; check the endpoint's spelling", base.Hostname())
	}
	return ""
}

// invalidHost is the reserved top-level domain whose names never resolve (RFC 6761, 6.4): the
// dialer refuses such a name at once, as that RFC asks of resolvers, without a DNS query.
const invalidHost = ".invalid"

// resolverOverride, when set, is the resolver of every Client's dialer instead of the system's
// (UseResolver).
var resolverOverride atomic.Pointer[net.Resolver]

// UseResolver makes every Client resolve host names with r until restore is called. It is for
// tests: they point r at a DNS server on the loopback (internal/testdns), so that a real
// resolver's "no such host" is met without a query leaving the machine.
func UseResolver(r *net.Resolver) (restore func()) {
	old := resolverOverride.Swap(r)
	return func() { resolverOverride.Store(old) }
}

// dialContext dials like the net.Dialer d, refusing names under .invalid without a query.
func dialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err == nil && strings.HasSuffix(strings.ToLower(strings.TrimSuffix(host, ".")), invalidHost) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{
				Err: "no such host (names under .invalid never resolve)", Name: host, IsNotFound: true,
			}}
		}
		if r := resolverOverride.Load(); r != nil {
			withResolver := *d
			withResolver.Resolver = r
			return withResolver.DialContext(ctx, network, addr)
		}
		return d.DialContext(ctx, network, addr)
	}
}

// Host returns the Client's endpoint normalised to name one ROCKIT Edge host: host (lower
// case, without the scheme's default port) and base path, without the scheme, so that
// `https://Edge.example.com:443/` and `https://edge.example.com` are the same host. "" when
// the endpoint is not known (not configured, or unknown while planning).
func (c *Client) Host() string {
	if c == nil || c.base == nil {
		return ""
	}
	return NormalizeHost(c.base)
}

// NormalizeHost is Host for a parsed endpoint, and the one rule of when two endpoints name one
// host (CanonicalEndpoint adds the scheme): host in lower case without a trailing dot, the
// scheme's default port left out, the base path kept without its trailing slash.
func NormalizeHost(u *url.URL) string {
	host, port := strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), u.Port()
	if scheme := strings.ToLower(u.Scheme); (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return host + strings.TrimRight(u.EscapedPath(), "/")
}
