package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// The shared plan book (issue 27 item 6). Terraform runs one provider process per provider
// configuration (alias), so a role planned under one configuration is not in the planBook of
// another. Each planBook therefore also writes what it plans to create into a file of the run
// (the terraform process that started the plugin: its process id and start time), read by the
// checks of every other configuration of the same host and organization:
//
//	$TF_DATA_DIR/rockit-plan/<run>/<host and org hash>-<pid>-<n>.json   (TF_DATA_DIR defaults to .terraform)
//
// A file is a header line (host, organization, the writer's process id), written to a
// temporary name and renamed so that readers never see a file without it, then one line per
// name planned to be created, appended as it is planned (O_APPEND: one small write, whole or
// not at all on a local disk; a reader ignores an unterminated last line). Appending keeps the
// cost of a planned name constant: rewriting the whole book for each name made a plan of N
// new roles write O(N^2) bytes (issue 29: flat cost per object). The file's modification time
// is the writer's last activity (an append sets it; activity alone touches it, at most every
// sharedWriteEvery). A writer that has ended is done planning (its names still count).
// Run directories older than sharedBookMaxAge are removed by the next provider configuration
// that starts.

// sharedBookMaxAge is how old a run's directory may grow before it is removed.
const sharedBookMaxAge = 6 * time.Hour

// sharedWriteEvery throttles the touch of a file for activity alone (no new name).
const sharedWriteEvery = 200 * time.Millisecond

// sharedEntry is one provider configuration's file, as a reader sees it.
type sharedEntry struct {
	Host    string                     `json:"host"`
	Org     string                     `json:"org"`
	PID     int                        `json:"pid"`
	Last    time.Time                  `json:"-"` // the file's modification time
	size    int64                      // the file's size when it was read
	Creates map[string]map[string]bool `json:"-"` // "role" -> names
}

// sharedLine is a name line of a file.
type sharedLine struct {
	Kind string `json:"k"`
	Name string `json:"n"`
}

// sharedBook is the file of one planBook.
type sharedBook struct {
	// prefix names the host and organization in file names (a hash), so that a check reads
	// only the files of its own.
	dir, prefix, file string
	host, org         string

	mu      sync.Mutex
	out     *os.File // the file, opened for appending
	planned map[string]bool
	touched time.Time

	// read are the sibling files as last parsed, by file name: a file whose size and
	// modification time are unchanged is not read again (a writer that has ended, such as the
	// plan walk's process seen from the apply walk, is parsed once).
	readMu sync.Mutex
	read   map[string]sharedEntry
}

var sharedSeq atomic.Int64

// newSharedBook registers the Client's configuration in its run's directory, or returns nil
// when the run, the host or the organization is not known or the directory cannot be written.
func newSharedBook(c *client.Client) *sharedBook {
	host, org := c.Host(), c.OrgName()
	run := runID()
	if host == "" || org == "" || run == "" {
		return nil
	}
	root := filepath.Join(filepath.Dir(journalDir()), "rockit-plan")
	pruneSharedBooks(root)
	dir := filepath.Join(root, run)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil
	}
	sum := sha256.Sum256([]byte(host + "\x00" + org))
	prefix := hex.EncodeToString(sum[:6]) + "-"
	s := &sharedBook{dir: dir, prefix: prefix, file: fmt.Sprintf("%s%d-%d.json", prefix, os.Getpid(), sharedSeq.Add(1)),
		host: host, org: org, planned: map[string]bool{}}
	header, err := json.Marshal(sharedEntry{Host: host, Org: org, PID: os.Getpid()})
	if err != nil {
		return nil
	}
	final := filepath.Join(dir, s.file)
	tmp := filepath.Join(dir, "."+s.file+".tmp")
	if err := os.WriteFile(tmp, append(header, '\n'), 0o600); err != nil {
		return nil
	}
	if err := os.Rename(tmp, final); err != nil {
		_ = os.Remove(tmp)
		return nil
	}
	if s.out, err = os.OpenFile(final, os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return nil
	}
	s.touched = time.Now()
	return s
}

// note records activity and, when name is not "", a name of kind planned to be created: one
// appended line, before the plan of the resource that planned it returns.
func (s *sharedBook) note(kind, name string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if key := kind + "\x00" + name; name != "" && !s.planned[key] {
		if line, err := json.Marshal(sharedLine{Kind: kind, Name: name}); err == nil {
			if _, err := s.out.Write(append(line, '\n')); err == nil {
				s.planned[key], s.touched = true, now
				return
			}
		}
	}
	if now.Sub(s.touched) >= sharedWriteEvery {
		_ = os.Chtimes(filepath.Join(s.dir, s.file), now, now)
		s.touched = now
	}
}

// siblings are the files of the other provider configurations of this run with the same host
// and organization. Writers that have ended count: Terraform ends a provider process once the
// resources it serves are planned, and what it planned is still part of the run's plan.
func (s *sharedBook) siblings() []sharedEntry {
	if s == nil {
		return nil
	}
	names, err := os.ReadDir(s.dir)
	if err != nil {
		return nil
	}
	var out []sharedEntry
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if s.read == nil {
		s.read = map[string]sharedEntry{}
	}
	for _, n := range names {
		if n.Name() == s.file || !strings.HasPrefix(n.Name(), s.prefix) || !strings.HasSuffix(n.Name(), ".json") {
			continue
		}
		info, err := n.Info()
		if err != nil {
			continue
		}
		e, ok := s.read[n.Name()]
		if !ok || e.size != info.Size() || !e.Last.Equal(info.ModTime()) {
			if e, ok = readSharedEntry(filepath.Join(s.dir, n.Name()), info); !ok {
				continue
			}
			s.read[n.Name()] = e
		}
		if e.Host != s.host || e.Org != s.org {
			continue
		}
		out = append(out, e)
	}
	return out
}

// readSharedEntry reads one file: its header, the names of its complete lines, and its
// modification time (from info, taken before the read) as the writer's last activity.
func readSharedEntry(path string, info os.FileInfo) (sharedEntry, bool) {
	var e sharedEntry
	raw, err := os.ReadFile(path)
	if err != nil {
		return e, false
	}
	lines := strings.Split(string(raw), "\n") // the last element is "" or an unterminated line
	if len(lines) < 2 || json.Unmarshal([]byte(lines[0]), &e) != nil {
		return e, false
	}
	e.Last, e.size, e.Creates = info.ModTime(), info.Size(), map[string]map[string]bool{}
	for _, l := range lines[1 : len(lines)-1] {
		var n sharedLine
		if json.Unmarshal([]byte(l), &n) == nil && n.Name != "" {
			if e.Creates[n.Kind] == nil {
				e.Creates[n.Kind] = map[string]bool{}
			}
			e.Creates[n.Kind][n.Name] = true
		}
	}
	return e, true
}

// plannedBySiblings reports whether another configuration of the run plans to create name of
// kind.
func plannedBySiblings(sibs []sharedEntry, kind, name string) bool {
	for _, e := range sibs {
		if e.Creates[kind][name] {
			return true
		}
	}
	return false
}

// siblingsQuietIn is how long until every sibling still running has planned nothing for quiet
// (0 or less: all are quiet).
func siblingsQuietIn(sibs []sharedEntry, quiet time.Duration) time.Duration {
	var left time.Duration
	for _, e := range sibs {
		if !processAlive(e.PID) {
			continue // done planning
		}
		left = max(left, quiet+sharedWriteEvery-time.Since(e.Last))
	}
	return left
}

// runID names the terraform process that started this plugin: its process id and, where
// /proc tells it, its start time (process ids are reused). "" when the parent is not known.
func runID() string {
	ppid := os.Getppid()
	if ppid <= 1 {
		return ""
	}
	id := strconv.Itoa(ppid)
	if raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", ppid)); err == nil {
		// The command may contain spaces and parentheses: the fields follow the last ')'.
		if i := strings.LastIndexByte(string(raw), ')'); i >= 0 {
			if f := strings.Fields(string(raw[i+1:])); len(f) > 19 {
				id += "-" + f[19] // field 22, starttime
			}
		}
	}
	return id
}

// pruneSharedBooks removes the run directories older than sharedBookMaxAge.
func pruneSharedBooks(root string) {
	runs, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, r := range runs {
		if info, err := r.Info(); err == nil && time.Since(info.ModTime()) > sharedBookMaxAge {
			_ = os.RemoveAll(filepath.Join(root, r.Name()))
		}
	}
}
