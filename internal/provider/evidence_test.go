package provider

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the crash journal of the in-process provider out of the source tree: the
// provider runs in the test process, whose working directory is this package's directory.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rockit-journal-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if os.Getenv(envJournalDir) == "" {
		_ = os.Setenv(envJournalDir, dir)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
