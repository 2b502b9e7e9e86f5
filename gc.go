package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The provider's garbage collector runs less often than Go's default while its heap is small.
//
// A provider process lives for one walk of Terraform and allocates mostly short-lived values
// (the framework's copies of each request's plan, state and logging context). At Go's default
// (GOGC=100: collect when the heap has doubled since the last collection) the collector took
// about 30% of the provider's CPU in a create of 500 objects (issue 29). Collecting when the
// heap has grown by 4x the live heap cut the provider's CPU per object by 16-27% at 500 and
// 2000 objects (BENCHMARKS.md), but a fixed 4x would also let a large heap grow by 4x: so the
// growth allowed shrinks as the live heap grows, back to Go's default at 256 MiB live, and the
// heap this allows never exceeds the default's by more than 192 MiB. GOGC in the environment
// turns this off.

const (
	gcPercentSmall = 400       // while the live heap is at most gcSmallHeap
	gcSmallHeap    = 64 << 20  // 64 MiB
	gcDefaultHeap  = 256 << 20 // from here on, Go's default (100)
	gcPollEvery    = time.Second
)

// gcPercentFor is the GOGC for a live heap of live bytes: 400 up to 64 MiB, then the growth
// that allows a heap goal of live + 256 MiB, and 100 from 256 MiB on.
func gcPercentFor(live uint64) int {
	switch {
	case live <= gcSmallHeap:
		return gcPercentSmall
	case live >= gcDefaultHeap:
		return 100
	default:
		return int(100 * gcDefaultHeap / live)
	}
}

// gcLessOftenUnlessSet applies gcPercentFor to the live heap now and every gcPollEvery, unless
// GOGC is set.
func gcLessOftenUnlessSet() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	apply := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetGCPercent(gcPercentFor(sample[0].Value.Uint64()))
		}
	}
	apply()
	go func() {
		for range time.Tick(gcPollEvery) {
			apply()
		}
	}()
}
