package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/bench"
)

// benchCommand builds rockit-bench and returns a function that runs it from the repository
// root (where it builds the provider) with a scratch directory of its own, returning stdout,
// stderr, the results it wrote and the exit error, and the directory of its report (-out
// B.md). It needs the terraform CLI (TF_ACC).
func benchCommand(t *testing.T) (func(args ...string) (string, string, *bench.Results, error), string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Skip("runs terraform: set TF_ACC=1 and run through scripts/with-terraform.sh")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	exe := filepath.Join(dir, "rockit-bench")
	if out, err := exec.Command("go", "build", "-o", exe, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return func(args ...string) (string, string, *bench.Results, error) {
		work := filepath.Join(dir, "work")
		_ = os.RemoveAll(filepath.Join(work, "results.json"))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, exe, append([]string{"-n", "4", "-latency", "0", "-repeats", "1", "-rate-limit", "0",
			"-types", "rockit_role", "-work", work, "-out", filepath.Join(dir, "B.md"), "-chart", filepath.Join(dir, "B.png")}, args...)...)
		cmd.Dir = root
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		res, rerr := bench.ReadResults(filepath.Join(work, "results.json"))
		if rerr != nil {
			t.Fatalf("no results: %v\nstderr:\n%s", rerr, stderr.String())
		}
		return stdout.String(), stderr.String(), res, err
	}, dir
}

// -phases runs only the phases named, in cycle order, prints the table of medians and writes
// no report; -before-env names the variable the "before" cycles (and only they) get as false.
func TestPhasesAndBeforeEnv(t *testing.T) {
	run, dir := benchCommand(t)

	stdout, stderr, res, err := run("-phases", "refresh,plan,create")
	if err != nil {
		t.Fatalf("rockit-bench: %v\n%s", err, stderr)
	}
	got := map[string][]string{} // target/mode -> phases
	reads := map[string]int{}    // mode -> single role GETs in the refresh
	for _, m := range res.Measurements {
		k := m.Target + "/" + m.Mode
		got[k] = append(got[k], m.Phase)
		if m.Target == bench.TargetRockit && m.Phase == "refresh" {
			reads[m.Mode] = m.Requests["GET /be/v1/roles/{name}"]
		}
	}
	for _, k := range []string{"terraform_data/", "noop/", "noop_shaped/", "rockit/after", "rockit/before"} {
		if want := []string{"plan", "create", "refresh"}; !slices.Equal(got[k], want) {
			t.Errorf("%s ran the phases %v, want %v", k, got[k], want)
		}
	}
	// The default -before-env is ROCKIT_COLLECTION_READS: "before" reads each role alone,
	// "after" at most the first one (which goes alone while the walk of the list starts).
	if reads["after"] > 1 || reads["before"] != 4 {
		t.Errorf("single role reads in the refresh: after %d, before %d; want at most 1 and 4", reads["after"], reads["before"])
	}
	for _, want := range []string{"| target | scenario | mode | N | phase |", "| rockit | 0 ms | before | 4 | refresh |"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table of medians lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "B.md")); err == nil {
		t.Error("a run restricted to phases wrote the report")
	}

	// A variable the provider refuses as "false" shows which cycles get it: the "after" plan
	// runs, the "before" plan fails naming it.
	_, stderr, res, err = run("-phases", "plan", "-before-env", "ROCKIT_MAX_RETRIES")
	if err == nil || !strings.Contains(stderr, "ROCKIT_MAX_RETRIES") {
		t.Fatalf("with -before-env ROCKIT_MAX_RETRIES: %v, want the before cycle to fail naming it:\n%s", err, stderr)
	}
	var modes []string
	for _, m := range res.Measurements {
		if m.Target == bench.TargetRockit {
			modes = append(modes, m.Mode+" "+m.Phase)
		}
	}
	if !slices.Equal(modes, []string{"after plan"}) {
		t.Errorf("measured %v, want only the after plan (before fails at once)", modes)
	}
}
