package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The "one early 429" section is appended after "## Reading" (which WriteReport keeps), and a
// second run replaces it instead of adding another.
func TestWriteEarly429Section(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := os.WriteFile(path, []byte("# Benchmarks\n\n## Time\n\nx\n\n## Reading\n\nwhat it means\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := Early429Options{Options: Options{Parallelism: 10, Repeats: 1}, BeforeRef: "f8ad635", N: 60, SteadyN: 300, SteadyRate: 25}
	rows := func(after float64) []Early429Row {
		return []Early429Row{
			{Mode: ModeBefore, Case: "one early 429", Phase: "create", Seconds: 34, RateLimited: 1, Requests: 63},
			{Mode: ModeAfter, Case: "one early 429", Phase: "create", Seconds: after, RateLimited: 1, Requests: 63},
		}
	}
	for _, after := range []float64{9, 8} {
		if err := WriteEarly429Section(path, o, rows(after), ""); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	if n := strings.Count(s, early429Section); n != 1 {
		t.Fatalf("%d sections, want 1:\n%s", n, s)
	}
	if !strings.Contains(s, "| one early 429 | create | 34.00 | 8.00 |") || strings.Contains(s, "| 9.00") {
		t.Fatalf("the second run's table must replace the first:\n%s", s)
	}
	if !strings.Contains(s, "## Reading\n\nwhat it means\n\n"+early429Section) || strings.Index(s, "## Reading") > strings.Index(s, early429Section) {
		t.Fatalf("the section must follow the kept Reading section:\n%s", s)
	}
	if kept := keptReading(path); !strings.Contains(kept, early429Section) {
		t.Fatalf("WriteReport would drop the section: %q", kept)
	}

	// Parallel jobs under one rate limit (issue 29): the floor is the accepted requests over the
	// rate (318 at 20/s: 15.90 s), and the row says how far above it the jobs ended.
	o.Jobs, o.JobsN, o.JobsRate = 3, 100, 20
	jobs := []Early429Row{
		{Mode: ModeBefore, Case: "3 jobs at 20 req/s", Phase: "create", Seconds: 16, RateLimited: 11, Requests: 329, Accepted: 318, Rate: 20},
		{Mode: ModeAfter, Case: "3 jobs at 20 req/s", Phase: "create", Seconds: 17.49, RateLimited: 3, Requests: 321, Accepted: 318, Rate: 20},
	}
	if err := WriteEarly429Section(path, o, append(rows(8), jobs...), ""); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	s = string(b)
	for _, want := range []string{"Then 3 applies at the same time, 100 roles each", "| 3 jobs at 20 req/s | create | 16.00 | 17.49 | 1.09x | 11 | 3 | 329 | 321 | 15.90 | 1.10x |",
		"| one early 429 | create | 34.00 | 8.00 | 0.24x | 1 | 1 | 63 | 63 | n/a | n/a |"} {
		if !strings.Contains(s, want) {
			t.Errorf("the section lacks %q:\n%s", want, s)
		}
	}
}
