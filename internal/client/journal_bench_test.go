package client

import (
	"fmt"
	"testing"
	"time"
)

func BenchmarkJournalRecord(b *testing.B) {
	j := NewJournal(b.TempDir())
	for i := 0; b.Loop(); i++ {
		if _, err := j.record(Evidence{Endpoint: "http://x", Org: "o", Kind: "roles", Name: fmt.Sprint("r", i), Sent: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
}
