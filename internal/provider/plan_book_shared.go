package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
// Each file is written to a temporary name and renamed, so readers never see half a file. A
// file holds the host, the organization, the writer's process id, its last activity and the
// names it plans to create. A writer that has ended is done planning (its names still count).
// Run directories older than sharedBookMaxAge are removed by the next provider configuration
// that starts.

// sharedBookMaxAge is how old a run's directory may grow before it is removed.
const sharedBookMaxAge = 6 * time.Hour

// sharedWriteEvery throttles the rewrite of a file for activity alone (no new name).
const sharedWriteEvery = 200 * time.Millisecond

// sharedEntry is one provider configuration's file.
type sharedEntry struct {
	Host    string              `json:"host"`
	Org     string              `json:"org"`
	PID     int                 `json:"pid"`
	Last    time.Time           `json:"last"`
	Creates map[string][]string `json:"creates"` // "role" -> names
}

// sharedBook is the file of one planBook.
type sharedBook struct {
	// prefix names the host and organization in file names (a hash), so that a check reads
	// only the files of its own.
	dir, prefix, file string

	mu      sync.Mutex
	entry   sharedEntry
	written time.Time
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
		entry: sharedEntry{Host: host, Org: org, PID: os.Getpid(), Creates: map[string][]string{}}}
	if s.write(true) != nil {
		return nil
	}
	return s
}

// note records activity and, when name is not "", a name of kind planned to be created.
func (s *sharedBook) note(kind, name string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	if name != "" && !slices.Contains(s.entry.Creates[kind], name) {
		s.entry.Creates[kind] = append(s.entry.Creates[kind], name)
		changed = true
	}
	_ = s.writeLocked(changed)
}

func (s *sharedBook) write(force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked(force)
}

func (s *sharedBook) writeLocked(force bool) error {
	now := time.Now()
	if !force && now.Sub(s.written) < sharedWriteEvery {
		return nil
	}
	s.entry.Last = now
	raw, err := json.Marshal(s.entry)
	if err != nil {
		return err
	}
	tmp := filepath.Join(s.dir, "."+s.file+"."+strconv.FormatInt(now.UnixNano(), 36))
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, s.file)); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	s.written = now
	return nil
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
	for _, n := range names {
		if n.Name() == s.file || !strings.HasPrefix(n.Name(), s.prefix) || !strings.HasSuffix(n.Name(), ".json") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(s.dir, n.Name()))
		var e sharedEntry
		if err != nil || json.Unmarshal(raw, &e) != nil {
			continue
		}
		if e.Host != s.entry.Host || e.Org != s.entry.Org {
			continue
		}
		out = append(out, e)
	}
	return out
}

// plannedBySiblings are the names of kind that another configuration of the run plans to
// create.
func plannedBySiblings(sibs []sharedEntry, kind string) map[string]bool {
	out := map[string]bool{}
	for _, e := range sibs {
		for _, n := range e.Creates[kind] {
			out[n] = true
		}
	}
	return out
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
