package mockserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestClockSkewShiftsTimestampsAndDate: -clock-skew moves the server's whole clock, both ways:
// an organization's created time and the Date header of every answer.
func TestClockSkewShiftsTimestampsAndDate(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, skew := range []time.Duration{10 * time.Minute, -5 * time.Second} {
		s := New(Options{AdminToken: foundationAdminToken, Now: func() time.Time { return now }, ClockSkew: skew})
		hs := httptest.NewServer(s)
		t.Cleanup(hs.Close)
		code, hdr := send(t, "GET", hs.URL+"/_mock/health", nil, nil)
		if code != http.StatusOK {
			t.Fatalf("health: %d", code)
		}
		date, err := http.ParseTime(hdr.Get("Date"))
		if err != nil {
			t.Fatalf("skew %v: Date %q: %v", skew, hdr.Get("Date"), err)
		}
		if want := now.Add(skew); !date.Equal(want) {
			t.Errorf("skew %v: Date = %v, want %v", skew, date, want)
		}
		code, env := foundationCall(t, s, "POST", "/be/v1/orgs", adminHeaders(),
			map[string]any{"name": "Skewed", "adminUsername": "admin", "adminEmail": "a@example.com"})
		if code != http.StatusOK && code != http.StatusCreated {
			t.Fatalf("create: %d %v", code, env)
		}
		reqs := s.Requests()
		if got, want := reqs[len(reqs)-1].Time, now.Add(skew); !got.Equal(want) {
			t.Errorf("skew %v: request log time = %v, want %v", skew, got, want)
		}
	}
}
