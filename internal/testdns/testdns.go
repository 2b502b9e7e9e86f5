// Package testdns is a DNS server on the loopback that answers every query "no such domain"
// (NXDOMAIN), for tests that need a real resolver's answer for a name that does not exist
// without a query leaving the machine. Only tests import it.
package testdns

import (
	"context"
	"encoding/binary"
	"net"
	"sync/atomic"
	"testing"
)

// Server is a UDP DNS server on 127.0.0.1 that answers NXDOMAIN.
type Server struct {
	conn    net.PacketConn
	queries atomic.Int32
}

// Start starts a server, stopped at the end of the test.
func Start(t testing.TB) *Server {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{conn: conn}
	t.Cleanup(func() { _ = conn.Close() })
	go s.serve()
	return s
}

// Queries is how many queries the server answered.
func (s *Server) Queries() int { return int(s.queries.Load()) }

// Resolver is Go's own resolver (the one it uses without cgo), asking this server only.
func (s *Server) Resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", s.conn.LocalAddr().String())
	}}
}

func (s *Server) serve() {
	buf := make([]byte, 1500)
	for {
		n, addr, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if reply := nxdomain(buf[:n]); reply != nil {
			s.queries.Add(1)
			_, _ = s.conn.WriteTo(reply, addr)
		}
	}
}

// nxdomain answers a query with its header and question and the code NXDOMAIN, nil when the
// query cannot be parsed.
func nxdomain(q []byte) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil
	}
	end := 12
	for end < len(q) && q[end] != 0 { // the question's name: labels up to the root
		end += int(q[end]) + 1
	}
	end += 1 + 4 // the root label, QTYPE and QCLASS
	if end > len(q) {
		return nil
	}
	r := append([]byte{}, q[:end]...)
	flags := binary.BigEndian.Uint16(q[2:4])
	flags = 1<<15 | flags&(0xF<<11) | flags&(1<<8) | 1<<7 | 3 // QR, the opcode, RD, RA, NXDOMAIN
	binary.BigEndian.PutUint16(r[2:4], flags)
	binary.BigEndian.PutUint16(r[6:8], 0)   // answers
	binary.BigEndian.PutUint16(r[8:10], 0)  // authorities
	binary.BigEndian.PutUint16(r[10:12], 0) // additional records (the query's EDNS option)
	return r
}
