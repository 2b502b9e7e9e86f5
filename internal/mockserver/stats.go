package mockserver

import (
	"net"
	"net/http"
)

// Counters for benchmarks: how many TCP connections the server accepted. A server that wants
// them counted sets ConnState as its http.Server's ConnState hook; GET /_mock/stats shows them.

// Stats is what GET /_mock/stats answers.
type Stats struct {
	// Connections is the number of TCP connections accepted since start (or the last reset).
	Connections int64 `json:"connections"`
	// Requests is the number of requests in the request log.
	Requests int `json:"requests"`
}

// ConnState is an http.Server ConnState hook that counts accepted connections.
func (s *Server) ConnState(_ net.Conn, state http.ConnState) {
	if state == http.StateNew {
		s.conns.Add(1)
	}
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.logMu.Lock()
	n := len(s.requests)
	s.logMu.Unlock()
	return Stats{Connections: s.conns.Load(), Requests: n}
}

func (s *Server) statsRoutes() {
	s.mux.HandleFunc("GET /_mock/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeData(w, http.StatusOK, s.Stats())
	})
	s.mux.HandleFunc("DELETE /_mock/stats", func(w http.ResponseWriter, _ *http.Request) {
		s.conns.Store(0)
		writeMessage(w, "connection counter cleared")
	})
}
