package main

import (
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

// gcPercentFor: 4x growth while the heap is small, Go's default from 256 MiB, and in between
// never a heap goal more than 192 MiB above the default's.
func TestGCPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live uint64
		want int
	}{{0, 400}, {10 * mib, 400}, {64 * mib, 400}, {128 * mib, 200}, {200 * mib, 128}, {256 * mib, 100}, {2048 * mib, 100}} {
		if got := gcPercentFor(tc.live); got != tc.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", tc.live/mib, got, tc.want)
		}
	}
	for live := uint64(mib); live <= 1024*mib; live += mib {
		goal := live * uint64(100+gcPercentFor(live)) / 100
		if def := 2 * live; goal > def+192*mib || goal < def {
			t.Fatalf("live %d MiB: heap goal %d MiB, default %d MiB", live/mib, goal/mib, def/mib)
		}
	}
}

// The provider process sets the collector's target unless GOGC is set: run this test binary
// as the process, with and without GOGC, and read the target it ends up with.
func TestGCTargetUnlessGOGCIsSet(t *testing.T) {
	if os.Getenv("ROCKIT_GC_CHILD") == "1" {
		gcLessOftenUnlessSet()
		println("gogc", gcPercentNow())
		return
	}
	for _, tc := range []struct {
		env  []string
		want string
	}{{nil, "gogc 400"}, {[]string{"GOGC=150"}, "gogc 150"}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestGCTargetUnlessGOGCIsSet$")
		cmd.Env = append(append(os.Environ(), "ROCKIT_GC_CHILD=1"), tc.env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", tc.env, err, out)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("with %v: got %q, want %q", tc.env, out, tc.want)
		}
	}
}

// gcPercentNow reads the current GOGC (setting it back).
func gcPercentNow() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
