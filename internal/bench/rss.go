package bench

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSampler watches the processes running one executable (the provider binary the harness
// built, which only the benchmark's terraform starts) and records the highest VmHWM (peak
// resident set) any of them reached. Terraform starts the provider itself, so the harness does
// not know its pid: it finds it in /proc by its executable, then reads that pid's status often.
// VmHWM only grows, so one reading shortly before the process exits gives its peak.
type rssSampler struct {
	exe  string
	stop chan struct{}
	done chan struct{}

	mu    sync.Mutex
	peak  int64 // KiB
	procs map[int]bool
}

func startRSSSampler(exe string) *rssSampler {
	s := &rssSampler{exe: exe, stop: make(chan struct{}), done: make(chan struct{}), procs: map[int]bool{}}
	go s.loop()
	return s
}

func (s *rssSampler) loop() {
	defer close(s.done)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	watched := map[int]bool{}
	for i := 0; ; i++ {
		if i%5 == 0 { // scan for new provider processes every 100 ms
			for _, pid := range findExe(s.exe) {
				watched[pid] = true
			}
		}
		for pid := range watched {
			kib, ok := vmHWM(pid)
			if !ok {
				delete(watched, pid)
				continue
			}
			s.mu.Lock()
			s.procs[pid] = true
			if kib > s.peak {
				s.peak = kib
			}
			s.mu.Unlock()
		}
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
	}
}

// Stop ends sampling and returns the peak RSS in bytes and how many processes were seen.
func (s *rssSampler) Stop() (peakBytes int64, processes int) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak * 1024, len(s.procs)
}

// findExe lists the pids whose executable is exe.
func findExe(exe string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if target, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && target == exe {
			out = append(out, pid)
		}
	}
	return out
}

// vmHWM reads the peak resident set size of pid in KiB.
func vmHWM(pid int) (int64, bool) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "VmHWM:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				v, err := strconv.ParseInt(fields[1], 10, 64)
				return v, err == nil
			}
		}
	}
	return 0, false // a zombie has no VmHWM
}
