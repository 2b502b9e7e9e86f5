package client

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Evidence is what proves, later, that an object may be the one a create sent (DESIGN.md, "An
// uncertain outcome is settled by evidence"): the object's type (the collection, e.g. "roles")
// and name, organization and endpoint; whose create it was (the Terraform workspace, the run,
// the provider configuration instance: Client.judge adopts only this state's); a fingerprint
// and a copy of the request body (secret fields left out, so no secret); when the first attempt
// of the request left (after the rate limiter, the login and any Retry-After hold), the last
// moment an attempt of it could have acted, and what was known of the server's clock then.
type Evidence struct {
	Endpoint    string          `json:"endpoint"`
	Org         string          `json:"org,omitempty"`
	Kind        string          `json:"kind"`
	Name        string          `json:"name"`
	Workspace   string          `json:"workspace"`
	Run         string          `json:"run,omitempty"`
	Instance    string          `json:"instance,omitempty"`
	Fingerprint string          `json:"fingerprint"`
	Body        json.RawMessage `json:"body,omitempty"`
	Sent        time.Time       `json:"sent"`
	Until       time.Time       `json:"until,omitzero"`
	Clock       *ClockRange     `json:"clock,omitempty"`
}

// key names the object of an Evidence in the journal: endpoint, organization, type and name.
func (e Evidence) key() string {
	return journalKey(e.Endpoint, e.Org, e.Kind, e.Name)
}

func journalKey(endpoint, org, kind, name string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{endpoint, org, kind, name}, "\x00")))
	return hex.EncodeToString(sum[:12])
}

// Fingerprint is a short hash of a request body with its secret fields left out (see
// secretFields), in canonical JSON: equal requests have equal fingerprints, and no secret can
// be recovered from it.
func Fingerprint(body any) string {
	canon := bodyEvidence(body) // encoding/json sorts map keys
	if canon == nil {
		return ""
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:16])
}

func withoutSecrets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if !secretFields[k] {
				out[k] = withoutSecrets(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutSecrets(e)
		}
		return out
	}
	return v
}

// A Journal records the creates this working directory is about to send, so that the evidence
// outlives the process (kill -9 of Terraform or of the plugin): one small JSON file per create,
// written (to a temporary name, then renamed, so a reader never sees half a file) before the
// request leaves. Several provider processes may write to one directory at once: every entry
// has a file of its own, and a lookup reads the directory afresh. Entries are pruned once their
// object is in state (Forget, from a resource's Read and Delete). The directory holds no secret.
//
// A Journal with an empty directory keeps its entries in memory (this process only).
type Journal struct {
	dir string

	mu sync.Mutex
	// mem holds the entries of a journal without a directory, by key.
	mem map[string]map[string]Evidence
	// index is the entry files per key this process knows of (read once from dir, then kept
	// up to date with its own writes): Forget looks there, not in the directory, so that the
	// Read of every object in state costs no file system call when it has no entry.
	index map[string][]string
}

// NewJournal returns a journal in dir ("" for one in memory).
func NewJournal(dir string) *Journal {
	return &Journal{dir: dir, mem: map[string]map[string]Evidence{}}
}

// Dir is the journal's directory ("" in memory).
func (j *Journal) Dir() string { return j.dir }

// record writes e before its request leaves. It returns the entry's file
// name (for drop) and an error when the entry could not be written (the create goes on: the
// evidence then lives in this process and in state only).
//
// The file is written outside j.mu, so that parallel creates do not queue behind each
// other's writes; the index is loaded first, so that its directory read cannot see this file
// and list it twice.
func (j *Journal) record(e Evidence) (string, error) {
	key := e.key()
	id := fmt.Sprintf("%s-%d-%s.json", key, e.Sent.UnixNano(), randomSuffix())
	j.mu.Lock()
	if j.dir == "" {
		if j.mem[key] == nil {
			j.mem[key] = map[string]Evidence{}
		}
		j.mem[key][id] = e
		j.mu.Unlock()
		return id, nil
	}
	j.loadIndex()
	j.mu.Unlock()
	raw, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	// The directory is made when a write finds it missing, not before every write: a stat per
	// create is a system call on the path of the answer (issue 29).
	tmp := filepath.Join(j.dir, "."+id+".tmp")
	err = os.WriteFile(tmp, raw, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(j.dir, 0o700); err == nil {
			err = os.WriteFile(tmp, raw, 0o600)
		}
	}
	if err != nil {
		return "", err
	}
	if err := os.Rename(tmp, filepath.Join(j.dir, id)); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	j.mu.Lock()
	j.index[key] = append(j.index[key], id)
	j.mu.Unlock()
	return id, nil
}

// Record writes evidence that came from elsewhere (the private state of a resource whose create
// had an unknown outcome) into the journal, unless an entry of the same fingerprint and send
// time is there already, so that the create the next plan shows can prove the object.
func (j *Journal) Record(e Evidence) error {
	for _, have := range j.lookup(e.key(), "", time.Time{}) {
		if have.Fingerprint == e.Fingerprint && have.Sent.Equal(e.Sent) {
			return nil
		}
	}
	_, err := j.record(e)
	return err
}

// lookup returns the entries of key, but the file except, earliest first. With now set, an
// entry sent more than journalLifetime before now is removed and left out.
func (j *Journal) lookup(key, except string, now time.Time) []Evidence {
	var out []Evidence
	expired := func(e Evidence) bool { return !now.IsZero() && now.Sub(e.Sent) > journalLifetime }
	if j.dir == "" {
		j.mu.Lock()
		for id, e := range j.mem[key] {
			switch {
			case expired(e):
				delete(j.mem[key], id)
			case id != except:
				out = append(out, e)
			}
		}
		j.mu.Unlock()
	} else {
		files, _ := filepath.Glob(filepath.Join(j.dir, key+"-*.json"))
		for _, f := range files {
			if filepath.Base(f) == except {
				continue
			}
			raw, err := os.ReadFile(f) //nolint:gosec // a file of the journal directory, named by its key
			if err != nil {
				continue
			}
			var e Evidence
			switch {
			case json.Unmarshal(raw, &e) != nil || e.key() != key:
			case expired(e):
				j.drop(key, filepath.Base(f))
			default:
				out = append(out, e)
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Sent.Before(out[b].Sent) })
	return out
}

// mayHave reports whether the journal may hold an entry of key: the directory's entries as
// this process last read them, and its own.
func (j *Journal) mayHave(key string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.dir == "" {
		return len(j.mem[key]) > 0
	}
	j.loadIndex()
	return len(j.index[key]) > 0
}

// sentThisRun is how many creates of the object this Client sent. A Client lives as long as
// its provider configuration, i.e. one Terraform run of one plugin process (Terraform starts a
// plugin process per provider configuration and configures it once).
func (c *Client) sentThisRun(key string) int {
	c.sendsMu.Lock()
	defer c.sendsMu.Unlock()
	return c.sends[key]
}

// countSend counts a create of the object sent by this Client.
func (c *Client) countSend(key string) {
	c.sendsMu.Lock()
	defer c.sendsMu.Unlock()
	if c.sends == nil {
		c.sends = map[string]int{}
	}
	c.sends[key]++
}

// drop removes one entry (a create that definitely failed, or a conflict with no evidence).
func (j *Journal) drop(key, id string) {
	if id == "" {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.dir == "" {
		delete(j.mem[key], id)
		return
	}
	_ = os.Remove(filepath.Join(j.dir, id))
	j.loadIndex()
	j.index[key] = slicesDelete(j.index[key], id)
}

// forget removes every entry of key this process knows of.
func (j *Journal) forget(key string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.dir == "" {
		delete(j.mem, key)
		return
	}
	j.loadIndex()
	for _, id := range j.index[key] {
		_ = os.Remove(filepath.Join(j.dir, id))
	}
	delete(j.index, key)
}

// forgetAll removes every entry of key in the directory, including those that other processes
// wrote after this one read it (a deleted object: no entry of it may adopt a later one).
func (j *Journal) forgetAll(key string) {
	if j.dir != "" {
		files, _ := filepath.Glob(filepath.Join(j.dir, key+"-*.json"))
		for _, f := range files {
			_ = os.Remove(f)
		}
	}
	j.forget(key)
}

// loadIndex reads the directory once (j.mu held).
func (j *Journal) loadIndex() {
	if j.index != nil {
		return
	}
	j.index = map[string][]string{}
	entries, _ := os.ReadDir(j.dir)
	for _, e := range entries {
		name := e.Name()
		if key, _, ok := strings.Cut(name, "-"); ok && strings.HasSuffix(name, ".json") && !strings.HasPrefix(name, ".") {
			j.index[key] = append(j.index[key], name)
		}
	}
}

func slicesDelete(s []string, v string) []string {
	out := s[:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// journalKey is the journal key of an object of the Client's endpoint and organization.
func (c *Client) journalKey(kind, name string) string {
	return journalKey(c.endpointID(), c.cfg.OrgName, kind, name)
}

// endpointID names the endpoint in journal keys.
func (c *Client) endpointID() string {
	if c.base == nil {
		return ""
	}
	return c.base.String()
}

// newEvidence is the Evidence of a create of this Client, before it is sent.
func (c *Client) newEvidence(kind, name string, body any) Evidence {
	return Evidence{Endpoint: c.endpointID(), Org: c.cfg.OrgName, Kind: kind, Name: name, Workspace: c.cfg.Workspace,
		Run: c.cfg.Run, Instance: c.instance, Fingerprint: Fingerprint(body), Body: bodyEvidence(body)}
}

// journalEvidence is the journal's evidence of creates of key in this workspace, but the file
// except, whose fingerprint is fingerprint; otherConfig is set when another provider
// configuration of this run sent a create of it, whatever it asked for (two resources name one
// object: no adoption, and no import).
func (c *Client) journalEvidence(key, except, fingerprint string) (proofs []Evidence, otherConfig bool) {
	for _, e := range c.journal.lookup(key, except, c.cfg.Now()) {
		switch {
		case e.Workspace != c.cfg.Workspace:
		case c.otherConfiguration(e):
			otherConfig = true
		case e.Fingerprint == fingerprint:
			proofs = append(proofs, e)
		}
	}
	return proofs, otherConfig
}

// otherConfiguration reports whether e is the evidence of a create that another provider
// configuration of this run sent (two aliases naming one object): it never adopts.
func (c *Client) otherConfiguration(e Evidence) bool {
	return e.Run != "" && e.Run == c.cfg.Run && e.Instance != c.instance
}

// judgeAny judges got against each of proofs and reports whether one proves it ours; the
// verdict returned is that one, or the last refusal.
func (c *Client) judgeAny(proofs []Evidence, got json.RawMessage) (ownershipVerdict, bool) {
	var v ownershipVerdict
	for _, p := range proofs {
		if v = c.judge(p, got); v.ours {
			return v, true
		}
	}
	return v, false
}

// ForgetCreate prunes the journal's entries of an object that is in state (or was deleted):
// its evidence is not needed any more. kind is the collection ("roles").
func (c *Client) ForgetCreate(kind, name string) {
	c.journal.forget(c.journalKey(kind, name))
}

// forgetDeleted prunes every journal entry of the object of path (/be/v1/<kind>/<name>), which
// a DELETE of this Client removed.
func (c *Client) forgetDeleted(path string) {
	kind, name, ok := strings.Cut(strings.TrimPrefix(path, "/be/v1/"), "/")
	if !ok {
		return
	}
	if n, err := url.PathUnescape(name); err == nil {
		name = n
	}
	c.journal.forgetAll(c.journalKey(kind, name))
}

// A JournalClaim is what the journal's evidence says of an existing object, at plan time.
type JournalClaim int

// The claims of JournalClaimOf.
const (
	// ClaimNone: no evidence of this state proves the object: someone else's.
	ClaimNone JournalClaim = iota
	// ClaimAdopts: evidence of this workspace's earlier create proves it: the create adopts it.
	ClaimAdopts
	// ClaimOtherConfiguration: another provider configuration of this run sent its create:
	// two resources name one object.
	ClaimOtherConfiguration
)

// JournalClaimOf judges an existing object (kind is the collection) by the journal: whether a
// create of it would adopt it (the evidence of this workspace's earlier create, and the judge
// proves the object, read with one GET as the create's proof reads it, that create's), or
// whether another provider configuration of this run created it. body is the request the
// planned create will send (nil while not known): the create adopts only with evidence of the
// same request, so the plan counts only that. This is the plan's "will be adopted"; the create
// judges the same way. An error is a failed read.
func (c *Client) JournalClaimOf(ctx context.Context, kind, name string, body any) (JournalClaim, error) {
	key := c.journalKey(kind, name)
	if !c.journal.mayHave(key) {
		return ClaimNone, nil
	}
	var proofs []Evidence
	for _, e := range c.journal.lookup(key, "", c.cfg.Now()) {
		switch {
		case e.Workspace != c.cfg.Workspace:
		case c.otherConfiguration(e):
			return ClaimOtherConfiguration, nil
		case body == nil || e.Fingerprint == Fingerprint(body):
			proofs = append(proofs, e)
		}
	}
	if len(proofs) == 0 {
		return ClaimNone, nil
	}
	got, err := c.readerOf(kind, name)(ctx)
	if err != nil {
		return ClaimNone, err
	}
	if _, ok := c.judgeAny(proofs, got); ok {
		return ClaimAdopts, nil
	}
	return ClaimNone, nil
}

// SentCreate reports whether this Client sent a create request (POST) of the object.
func (c *Client) SentCreate(kind, name string) bool {
	return c.sentThisRun(c.journalKey(kind, name)) > 0
}

// RecordEvidence writes evidence kept in a resource's private state (a create of unknown outcome
// that SettleCreate proved ours) into the journal, for the create the plan then shows. The
// private state is this workspace's state's own, so the entry is bound to this workspace; the
// run and configuration instance stay those of the create that sent it.
func (c *Client) RecordEvidence(e Evidence) error {
	e.Endpoint, e.Org, e.Workspace = c.endpointID(), c.cfg.OrgName, c.cfg.Workspace
	return c.journal.Record(e)
}

// A CreateVerdict is what the object of a create of unknown outcome turned out to be.
type CreateVerdict int

// The verdicts of SettleCreate.
const (
	// CreateAbsent: the object does not exist.
	CreateAbsent CreateVerdict = iota + 1
	// CreateNotOurs: the object exists, but the judge (ownership.go) does not prove it the
	// create's: someone else's.
	CreateNotOurs
	// CreateOurs: the object exists and the judge proves it the create's.
	CreateOurs
)

// SettleCreate reads the object of the Evidence ev (a create of unknown outcome, from the
// private state of a resource of this workspace's state) and judges it. reason says why a
// CreateNotOurs is not ours.
func (c *Client) SettleCreate(ctx context.Context, ev Evidence) (CreateVerdict, string, error) {
	got, err := c.readerOf(ev.Kind, ev.Name)(ctx)
	switch {
	case IsNotFound(err):
		return CreateAbsent, "", nil
	case err != nil:
		return 0, "", err
	}
	ev.Workspace = c.cfg.Workspace // the private state is this workspace's
	v := c.judge(ev, got)
	if !v.ours {
		reason := v.reason
		if len(v.diffs) > 0 {
			reason += " (" + strings.Join(v.diffs, "; ") + ")"
		}
		return CreateNotOurs, reason, nil
	}
	return CreateOurs, "", nil
}

// readerOf is the read of one object of a collection, as create proves it.
func (c *Client) readerOf(kind, name string) readFunc {
	if t := TypeOf(kind); t != nil {
		return c.reader(t, name)
	}
	return c.readPath("/be/v1/" + kind + "/" + seg(name))
}
