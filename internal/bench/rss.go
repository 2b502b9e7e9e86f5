package bench

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
	cpu   map[int]int64 // pid -> last utime+stime seen, in clock ticks
}

func startRSSSampler(exe string) *rssSampler {
	s := &rssSampler{exe: exe, stop: make(chan struct{}), done: make(chan struct{}), procs: map[int]bool{}, cpu: map[int]int64{}}
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
			ticks, tok := cpuTicks(pid)
			s.mu.Lock()
			s.procs[pid] = true
			if kib > s.peak {
				s.peak = kib
			}
			if tok {
				s.cpu[pid] = ticks
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

// Stop ends sampling and returns the peak RSS in bytes, how many processes were seen and the
// CPU time they used (as last seen, so a few milliseconds of shutdown may be missing).
func (s *rssSampler) Stop() (peakBytes int64, processes int, cpuSeconds float64) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	var ticks int64
	for _, t := range s.cpu {
		ticks += t
	}
	return s.peak * 1024, len(s.procs), float64(ticks) / clockTicks
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/<pid>/stat (100 on Linux).
const clockTicks = 100

// cpuTicks reads utime+stime of pid from /proc/<pid>/stat.
func cpuTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; the fields after its closing parenthesis
	// start at field 3 (state). utime and stime are fields 14 and 15.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	return u + st, err1 == nil && err2 == nil
}

// childrenCPU is the CPU time (user + system) of this process's waited-for children and their
// waited-for descendants: terraform and the provider processes it ran.
func childrenCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
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
	defer func() { _ = f.Close() }()
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
