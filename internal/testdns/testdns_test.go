package testdns

import (
	"context"
	"errors"
	"net"
	"testing"
)

// Go's resolver, asking the server, reports the name as not found (not a timeout or a
// malformed answer), for both address families.
func TestResolverSaysNoSuchHost(t *testing.T) {
	s := Start(t)
	_, err := s.Resolver().LookupHost(context.Background(), "edge.rockit.test")
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound || dnsErr.IsTimeout {
		t.Fatalf("LookupHost: %v, want no such host", err)
	}
	if s.Queries() < 1 {
		t.Errorf("%d queries answered", s.Queries())
	}
	if nxdomain([]byte{1, 2, 3}) != nil {
		t.Error("a short packet was answered")
	}
}
