package client

import (
	"net/http"
	"sync"
	"time"
)

// The server's clock (issue 27 item 3). An object's `created` is written by the server's clock;
// the time a create left is read on ours. Comparing them needs the offset between the two,
// which the client learns from the `Date` header of every answer: the server stamped it at some
// moment between the request leaving (sent) and the answer arriving (received), with a
// resolution of one second (the header drops the fraction). So
//
//	Date <= sent + offset + roundTrip  and  sent + offset < Date + 1 s
//
// i.e. offset lies in [Date - received, Date + 1 s - sent]. The client keeps the narrowest such
// range it has seen (a fast answer pins the offset best); a range that does not overlap the
// kept one (the server's clock was set, or answers come from hosts whose clocks differ) replaces
// it, so that a clock change is followed rather than averaged. A server that sends no Date
// header leaves the offset unknown, and the ownership judge falls back to the local clock with
// a margin of adoptionClockSkew (ownership.go).

// ClockRange is what is known of the offset between the server's clock and the client's:
// server time = local time + offset, with Min <= offset <= Max.
type ClockRange struct {
	Min time.Duration `json:"min_ns"`
	Max time.Duration `json:"max_ns"`
}

// serverClock is the offset learned from the answers of one Client.
type serverClock struct {
	mu    sync.Mutex
	known bool
	r     ClockRange
}

// observe learns from an answer whose request left at sent and whose headers arrived at
// received (both on the local clock), with the Date header date ("" when there is none).
func (s *serverClock) observe(date string, sent, received time.Time) {
	if date == "" {
		return
	}
	d, err := http.ParseTime(date)
	if err != nil {
		return
	}
	r := ClockRange{Min: d.Sub(received), Max: d.Add(time.Second).Sub(sent)}
	if r.Max < r.Min {
		return // the local clock went backwards during the request: nothing to learn
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	overlaps := s.known && r.Min <= s.r.Max && s.r.Min <= r.Max
	if !s.known || !overlaps || r.Max-r.Min < s.r.Max-s.r.Min {
		s.known, s.r = true, r
	}
}

// current returns the offset range, or nil while no answer carried a Date header.
func (s *serverClock) current() *ClockRange {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.known {
		return nil
	}
	r := s.r
	return &r
}
