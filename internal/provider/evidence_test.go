package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// TestEvidenceBindsTheWorkspaceAndTheRun: the workspace is read as Terraform reads it
// (TF_WORKSPACE, else $TF_DATA_DIR/environment, else "default"); the run is the parent
// process with its start time, and unknown ("") when Terraform did not start the plugin.
func TestEvidenceBindsTheWorkspaceAndTheRun(t *testing.T) {
	data := t.TempDir()
	t.Setenv("TF_DATA_DIR", data)
	t.Setenv("TF_WORKSPACE", "")
	if ws := terraformWorkspace(); ws != "default" {
		t.Errorf("no environment file: workspace %q, want default", ws)
	}
	if err := os.WriteFile(filepath.Join(data, "environment"), []byte("staging\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ws := terraformWorkspace(); ws != "staging" {
		t.Errorf("environment file: workspace %q, want staging", ws)
	}
	t.Setenv("TF_WORKSPACE", "ci")
	if ws := terraformWorkspace(); ws != "ci" {
		t.Errorf("TF_WORKSPACE: workspace %q, want ci", ws)
	}

	t.Setenv("TF_PLUGIN_MAGIC_COOKIE", "")
	if run := terraformRun(); run != "" {
		t.Errorf("not started by Terraform: run %q, want none", run)
	}
	t.Setenv("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
	run := terraformRun()
	if pid, start, _ := strings.Cut(run, "@"); pid != strconv.Itoa(os.Getppid()) {
		t.Errorf("run %q does not name the parent process %d", run, os.Getppid())
	} else if _, err := os.Stat("/proc/self/stat"); err == nil && start == "" {
		t.Errorf("run %q lacks the parent's start time", run)
	}
}
