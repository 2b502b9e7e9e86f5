package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Collection reads (Config.CollectionReads): the refresh reads of a type (ReadRole, ReadUser,
// ReadApp, ReadDeployment, GetSubscription) are served from one walk of the type's list,
// shared by every Read of the Client, instead of one GET each.
//
//   - The first refresh read of a type GETs its own object and, at the same time, reads the
//     list's first page (with its total): a lone Read (terraform plan -target) costs one page
//     more than its GET, no more. The other pages are read only once a second Read of the type
//     arrives (listAllFrom, the one paging path, reusing that first page; the pages after it
//     listParallel at a time). Concurrent Reads wait for that one walk.
//   - Shape check: until the single GET of some object and the list item of the same object
//     have both been seen, nothing is served from the list. A list item lacking a key the
//     single GET has makes the type use single reads for the rest of the process.
//   - An object absent from the snapshot is read with its single GET (subscriptions, which have
//     none: a fresh walk) before it is reported gone, so a list that shifted under the walk
//     never reports a live object as gone.
//   - Every write (see Client.wrote) drops the written object from the snapshot; a walk that
//     started before the write never puts the older version back (per-type generations).
//
// With CollectionReads off every refresh read is the single GET of today.

// verdict is the outcome of a type's shape check.
type verdict int

const (
	verdictOpen   verdict = iota // not decided yet: nothing is served from the list
	verdictList                  // list items carry every field of the single read
	verdictSingle                // list items lack fields: refresh reads use the single GET
)

// collection is the snapshot of one type within one Client.
type collection struct {
	c     *Client
	*Type // the API type: its path, name field, list order and whether it has a single read

	mu       sync.Mutex
	reads    int               // refresh reads so far
	gen      uint64            // bumped by every write to the type
	dropGen  uint64            // gen of the last drop of the whole type
	written  map[string]uint64 // name -> gen of its last write
	served   map[string]bool   // names a refresh read has returned (each is served once)
	listed   map[string]bool   // names whose last refresh read was served from the list
	verdict  verdict
	samples  map[string][]string // keys of single reads, while the verdict is open
	sampling chan struct{}       // closed when the sample GET on its way has ended; nil: none
	page1    *pageCall           // the first page read beside the first reader's single read
	walk     *walkCall           // the walk in flight, nil if none
	walkSeq  uint64              // walks started so far
	items    map[string]json.RawMessage
	itemsSeq uint64 // seq of the walk items come from
	itemsGen uint64 // the type's generation when that walk started
}

// pageCall is the first page read beside the first reader's GET.
type pageCall struct {
	done chan struct{}
	page listPage[json.RawMessage]
	err  error
	gen  uint64 // the type's generation when it was sent
}

// walkCall is one walk of the list, shared by every Read waiting for it.
type walkCall struct {
	done    chan struct{}
	err     error
	items   []json.RawMessage // what the walk read, before writes were left out
	seq     uint64
	gen     uint64 // the type's generation when it began (its first page was sent)
	cancel  context.CancelFunc
	waiters int
}

// snapshots holds the collections of one Client, one per API type (types.go).
type snapshots struct {
	byType map[*Type]*collection
}

func (c *Client) newSnapshots() {
	c.snaps = &snapshots{byType: map[*Type]*collection{}}
	for _, t := range Types {
		c.snaps.byType[t] = &collection{c: c, Type: t, written: map[string]uint64{}, served: map[string]bool{}, listed: map[string]bool{},
			samples: map[string][]string{}}
	}
}

// of returns the collection of t.
func (s *snapshots) of(t *Type) *collection { return s.byType[t] }

func (s *snapshots) all() []*collection {
	out := make([]*collection, 0, len(Types))
	for _, t := range Types {
		out = append(out, s.byType[t])
	}
	return out
}

func (s *snapshots) byKind(kind string) *collection {
	if t := TypeOf(kind); t != nil {
		return s.byType[t]
	}
	return nil
}

// CollectionReads reports whether refresh reads come from per-type collection snapshots.
func (c *Client) CollectionReads() bool { return c.cfg.CollectionReads }

// refreshRead reads the object name of s for a Read: from the snapshot when collection reads
// are on, else with the single GET.
func refreshRead[T any](ctx context.Context, c *Client, s *collection, name string) (*T, error) {
	var raw json.RawMessage
	var err error
	if c.cfg.CollectionReads {
		raw, err = s.read(ctx, name)
	} else {
		raw, err = c.getRaw(ctx, s.Path(), name)
	}
	if err != nil {
		return nil, err
	}
	var out T
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// getRaw is the single GET of one object.
func (c *Client) getRaw(ctx context.Context, path, name string) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := c.get(ctx, path+"/"+seg(name), &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// read serves one refresh read.
func (s *collection) read(ctx context.Context, name string) (json.RawMessage, error) {
	s.mu.Lock()
	if s.verdict == verdictSingle {
		s.mu.Unlock()
		return s.c.getRaw(ctx, s.Path(), name)
	}
	if s.served[name] {
		// Read before by this Client (a refresh reads each object once; a provider server
		// kept for more than one operation reads it again; a Read confirming what the list
		// said, ServedFromList): read it afresh.
		delete(s.listed, name)
		seq := s.itemsSeq
		s.mu.Unlock()
		return s.confirmAbsent(ctx, name, seq)
	}
	s.served[name] = true
	s.reads++
	if s.Single && s.reads == 1 && s.items == nil && s.walk == nil {
		// The first reader (unless a list data source walks already): its own GET, which is
		// the sample of the shape check, and beside it the first page of the list.
		s.startPage1(ctx)
		return s.sample(ctx, name)
	}
	s.mu.Unlock()

	if err := s.ensureItems(ctx); err != nil {
		if ctx.Err() != nil || !s.Single {
			return nil, err
		}
		s.c.logDebug(ctx, "ROCKIT Edge collection read failed; reading the object alone", map[string]any{"collection": s.Collection, "error": err.Error()})
		return s.c.getRaw(ctx, s.Path(), name)
	}
	for s.Single {
		s.mu.Lock()
		if s.verdict == verdictList {
			s.mu.Unlock()
			break
		}
		if s.verdict == verdictSingle {
			s.mu.Unlock()
			return s.c.getRaw(ctx, s.Path(), name)
		}
		if s.sampling == nil {
			// No verdict and no sample on its way: this read is the sample.
			return s.sample(ctx, name)
		}
		// Wait for the sample on its way (the first reader's GET) and its verdict.
		ch := s.sampling
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	s.mu.Lock()
	raw, ok := s.items[name]
	seq := s.itemsSeq
	if ok {
		s.listed[name] = true
	}
	s.mu.Unlock()
	if ok {
		return raw, nil
	}
	return s.confirmAbsent(ctx, name, seq)
}

// ServedFromList reports whether the last refresh read of the object name of the collection
// kind ("roles", "users", "apps", "deployments") came from the list rather than from the
// object's own GET. A list may leave out what the object's GET has (an optional field such as
// a user's title, when the sampled object lacked it too, so the shape check could not tell): a
// Read that finds such an object different from state reads it again, which is served with the
// object's own GET (a second read of a name always is), and only that confirms the drift.
func (c *Client) ServedFromList(kind, name string) bool {
	s := c.snaps.byKind(kind)
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listed[name]
}

// confirmAbsent reads an object the snapshot cannot serve (written since, absent from the
// walk, or served once already): with its single GET, or for a type without one with a walk
// newer than the snapshot seq.
func (s *collection) confirmAbsent(ctx context.Context, name string, seq uint64) (json.RawMessage, error) {
	if s.Single {
		s.c.logDebug(ctx, "ROCKIT Edge object not served by the collection snapshot; reading it alone", map[string]any{"collection": s.Collection, "name": name})
		return s.c.getRaw(ctx, s.Path(), name)
	}
	s.c.logDebug(ctx, "ROCKIT Edge object not in the collection snapshot; reading the list again", map[string]any{"collection": s.Collection, "name": name})
	w, err := s.walkAfter(ctx, seq, s.generation())
	if err != nil {
		return nil, err
	}
	// The walk as it was read: the snapshot leaves out what was written while it ran, which
	// must not count as absent here.
	if raw, ok := s.itemMap(w.items)[name]; ok {
		return raw, nil
	}
	return nil, &APIError{
		StatusCode: http.StatusNotFound,
		Message:    strings.TrimSuffix(s.Collection, "s") + " '" + name + "' is not in the organization's list of " + s.Collection + " (read twice)",
		Method:     http.MethodGet,
		Path:       s.Path(),
	}
}

// sample is a single GET whose keys feed the shape check while it is open (called with s.mu
// held, which it releases); other reads wait for it through s.sampling.
func (s *collection) sample(ctx context.Context, name string) (json.RawMessage, error) {
	ch := make(chan struct{})
	s.sampling = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.sampling == ch {
			s.sampling = nil
		}
		close(ch)
		s.mu.Unlock()
	}()
	raw, err := s.c.getRaw(ctx, s.Path(), name)
	if err != nil {
		return nil, err
	}
	if keys := nestedKeys(raw); keys != nil {
		s.mu.Lock()
		if s.verdict == verdictOpen {
			s.samples[name] = keys
			s.judge(ctx)
		}
		s.mu.Unlock()
	}
	return raw, nil
}

// judge decides the shape check once a page (or a whole walk) of the list has been read beside
// a sampled single read (s.mu held). Keys are compared nested (origin.prefix, downloadAuth.key):
// when the sampled object is among the items, every key of its single read must be in its own
// item; when it is not, every key must be in the union of the keys of the items, or the check
// waits for a page that lists the sample (a page of objects that all leave an optional field
// out, such as the first page of users when machine users sort first, proves nothing about
// the list). A list that always leaves a field out makes the type use single reads.
func (s *collection) judge(ctx context.Context) {
	var candidates []map[string]json.RawMessage
	if s.items != nil {
		candidates = append(candidates, s.items)
	}
	if s.page1 != nil && isDone(s.page1.done) && s.page1.err == nil {
		candidates = append(candidates, s.itemMap(s.page1.page.items))
	}
	names := make([]string, 0, len(s.samples))
	for n := range s.samples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, m := range candidates {
		if len(m) == 0 || len(names) == 0 {
			continue
		}
		union := map[string]bool{}
		for _, item := range m {
			for _, k := range nestedKeys(item) {
				union[k] = true
			}
		}
		var missing []string
		undecided := false
		for _, n := range names {
			own := map[string]bool{}
			item, listed := m[n]
			for _, k := range nestedKeys(item) {
				own[k] = true
			}
			for _, k := range s.samples[n] {
				switch {
				case listed && !own[k]:
					missing = append(missing, k)
				case !listed && !union[k]:
					// No item of this page carries the field, but the sampled object is not on
					// it: the page may hold only objects without it (a page of machine users has
					// no email). Decided by a page that lists the sample (the whole walk).
					undecided = true
				}
			}
		}
		if len(missing) == 0 && undecided {
			continue
		}
		if len(missing) > 0 {
			slices.Sort(missing)
			s.verdict = verdictSingle
			s.c.logDebug(ctx, "ROCKIT Edge list items lack fields of the single read; refresh reads of this type use one GET each",
				map[string]any{"collection": s.Collection, "missing_fields": strings.Join(slices.Compact(missing), ",")})
		} else {
			s.verdict = verdictList
			s.c.logDebug(ctx, "ROCKIT Edge list items carry whole objects; refresh reads of this type come from the list",
				map[string]any{"collection": s.Collection})
		}
		s.samples = nil
		return
	}
}

// startPage1 reads the first page of the list in the background (s.mu held). It is detached
// from the first reader's context, which ends with that Read, and bounded by the request
// timeout.
func (s *collection) startPage1(ctx context.Context) {
	p := &pageCall{done: make(chan struct{}), gen: s.gen}
	s.page1 = p
	go func() {
		page, err := readPage[json.RawMessage](context.WithoutCancel(ctx), s.c, s.Path(), s.query(), 0)
		s.mu.Lock()
		defer s.mu.Unlock()
		p.page, p.err = page, err
		close(p.done)
		if err != nil || s.page1 != p {
			return
		}
		if page.total != nil && len(page.items) >= *page.total && s.walk == nil {
			// The whole list fits in the first page: it is the snapshot.
			s.walkSeq++
			s.install(page.items, p.gen, s.walkSeq)
			s.page1 = nil
		}
		if s.verdict == verdictOpen {
			s.judge(ctx)
		}
	}()
}

// ensureItems makes sure the snapshot holds a complete walk, starting one or joining the one
// in flight.
func (s *collection) ensureItems(ctx context.Context) error {
	for tries := 0; ; tries++ {
		s.mu.Lock()
		if s.items != nil || s.verdict == verdictSingle {
			s.mu.Unlock()
			return nil
		}
		w := s.walk
		if w == nil {
			w = s.startWalk(ctx)
		}
		s.mu.Unlock()
		err := s.wait(ctx, w)
		if err == nil || ctx.Err() != nil || tries >= 2 || !errors.Is(err, context.Canceled) {
			if err == nil {
				s.mu.Lock()
				ok := s.items != nil
				s.mu.Unlock()
				if !ok && tries < 2 {
					continue // a write dropped the type while the walk ran: walk again
				}
				if !ok {
					return errors.New("the list kept changing under the collection read")
				}
			}
			return err
		}
		// Every Read that waited for the walk went away and it was cancelled: walk again.
	}
}

// walkAfter waits for a walk that started after the walk seq and after every write of the type
// that had ended when the caller asked (generation minGen): a walk in flight that began before
// such a write (the caller's own, say) is not joined, so a read never goes back in time.
func (s *collection) walkAfter(ctx context.Context, seq, minGen uint64) (*walkCall, error) {
	for {
		s.mu.Lock()
		w := s.walk
		if w == nil || w.gen < minGen {
			w = s.startWalk(ctx)
		}
		s.mu.Unlock()
		err := s.wait(ctx, w)
		if w.seq > seq && w.gen >= minGen || err != nil && ctx.Err() != nil {
			return w, err
		}
	}
}

// startWalk starts a walk of the whole list (s.mu held), reusing the first page when one was
// read. The walk runs detached from the Read that started it and ends early only when every
// Read waiting for it has gone (wait).
func (s *collection) startWalk(ctx context.Context) *walkCall {
	s.walkSeq++
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w := &walkCall{done: make(chan struct{}), seq: s.walkSeq, cancel: cancel}
	s.walk = w
	gen, p1 := s.gen, s.page1
	s.page1 = nil
	if p1 != nil {
		gen = p1.gen
	}
	w.gen = gen
	go func() {
		defer cancel()
		var first *listPage[json.RawMessage]
		if p1 != nil {
			select {
			case <-p1.done:
				if p1.err == nil {
					first = &p1.page
				}
			case <-wctx.Done():
			}
		}
		if first == nil {
			gen = s.generation()
		}
		items, err := listAllFrom[json.RawMessage](wctx, s.c, s.Path(), s.query(), first)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err == nil {
			s.install(items, gen, w.seq)
			if s.verdict == verdictOpen && s.Single {
				s.judge(ctx)
			}
		}
		w.err, w.items = err, items
		if s.walk == w {
			s.walk = nil
		}
		close(w.done)
	}()
	return w
}

func (s *collection) generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// wait waits for the walk w or the end of ctx; the last Read to leave cancels the walk.
func (s *collection) wait(ctx context.Context, w *walkCall) error {
	s.mu.Lock()
	w.waiters++
	s.mu.Unlock()
	select {
	case <-w.done:
		s.mu.Lock()
		w.waiters--
		s.mu.Unlock()
		return w.err
	case <-ctx.Done():
		s.mu.Lock()
		w.waiters--
		if w.waiters == 0 {
			w.cancel()
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}

// install makes the items of a walk that started at generation gen the snapshot (s.mu held).
// A walk older than the last drop of the whole type is discarded; an object written since the
// walk started is left out, so it is read alone.
func (s *collection) install(items []json.RawMessage, gen, seq uint64) {
	if gen < s.dropGen || seq < s.itemsSeq {
		return // older than a drop, or than the snapshot (walks may overlap: see walkAfter)
	}
	m := s.itemMap(items)
	for name := range m {
		if s.written[name] > gen {
			delete(m, name)
		}
	}
	s.items, s.itemsSeq, s.itemsGen = m, seq, gen
}

// itemMap indexes list items by their name field.
func (s *collection) itemMap(items []json.RawMessage) map[string]json.RawMessage {
	m := make(map[string]json.RawMessage, len(items))
	for _, it := range items {
		var k map[string]json.RawMessage
		if json.Unmarshal(it, &k) != nil {
			continue
		}
		var name string
		if json.Unmarshal(k[s.Key], &name) == nil && name != "" {
			m[name] = it
		}
	}
	return m
}

// forget drops one object of the snapshot after a write to it.
func (s *collection) forget(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.written[name] = s.gen
	delete(s.items, name)
}

// drop drops the whole snapshot after a write whose effects on the type are not known.
func (s *collection) drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.dropGen = s.gen
	s.items = nil
	s.page1 = nil
}

// wrote drops from the snapshots what a write (any request but a GET) may have changed:
// the object it names in its body or path, every app and deployment for triggers and tasks
// (tasks change apps' builds and deployments' publishing state), everything for organization
// requests and anything not known; logins and tokens change nothing.
func (c *Client) wrote(r request) {
	if !c.cfg.CollectionReads || r.method == http.MethodGet {
		return
	}
	rest := strings.TrimPrefix(r.path, "/be/v1/")
	kind, name, _ := strings.Cut(rest, "/")
	switch kind {
	case "login", "auth", "refresh", "logout":
		return
	case "trigger", "tasks":
		c.snaps.of(Apps).drop()
		c.snaps.of(Deployments).drop()
		return
	}
	coll := c.snaps.byKind(kind)
	if coll == nil {
		for _, s := range c.snaps.all() {
			s.drop()
		}
		return
	}
	if name != "" {
		if n, err := url.PathUnescape(name); err == nil && !strings.Contains(n, "/") {
			coll.forget(n)
			return
		}
	} else if n := requestName(r.body); n != "" {
		coll.forget(n)
		return
	}
	coll.drop()
}

// nestedKeys returns the sorted keys of a JSON object with those of the objects inside it, as
// paths ("origin", "origin.prefix"; "events[].type" for objects in arrays), nil if raw is none.
func nestedKeys(raw json.RawMessage) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return nil
	}
	var keys []string
	var walk func(prefix string, m map[string]json.RawMessage)
	walk = func(prefix string, m map[string]json.RawMessage) {
		for k, v := range m {
			path := prefix + k
			keys = append(keys, path)
			var inner map[string]json.RawMessage
			if json.Unmarshal(v, &inner) == nil && inner != nil {
				walk(path+".", inner)
				continue
			}
			var arr []json.RawMessage
			if json.Unmarshal(v, &arr) == nil {
				for _, el := range arr {
					if json.Unmarshal(el, &inner) == nil && inner != nil {
						walk(path+"[].", inner)
					}
				}
			}
		}
	}
	walk("", m)
	slices.Sort(keys)
	return slices.Compact(keys)
}

func isDone(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// snapshotList returns every object of a type: the snapshot when it is complete and nothing
// of the type was written since its walk started, else a new walk (which becomes the
// snapshot), as it was read.
func snapshotList[T any](ctx context.Context, c *Client, s *collection) ([]T, error) {
	minGen := s.generation() // every write of the type that has ended, the caller's included
	raws, seq, fresh := s.fresh()
	if !fresh {
		w, err := s.walkAfter(ctx, seq, minGen)
		if err != nil {
			return nil, err
		}
		raws = w.items
	}
	return decodeAll[T](raws)
}

// cachedList returns every object of a type from the snapshot when it is complete and nothing
// of the type was written since its walk started; ok is false (and nothing is read) otherwise.
// A filtered list uses it to filter in the client what other reads of the run already paid for,
// and asks the server to filter when there is nothing to share.
func cachedList[T any](s *collection) (out []T, ok bool, err error) {
	raws, _, fresh := s.fresh()
	if !fresh {
		return nil, false, nil
	}
	out, err = decodeAll[T](raws)
	return out, err == nil, err
}

// fresh returns the snapshot's items in name order and whether they are complete and
// current, with the seq of the walk they come from.
func (s *collection) fresh() (raws []json.RawMessage, seq uint64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.items == nil || s.gen != s.itemsGen {
		return nil, s.itemsSeq, false
	}
	names := make([]string, 0, len(s.items))
	for n := range s.items {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		raws = append(raws, s.items[n])
	}
	return raws, s.itemsSeq, true
}

func decodeAll[T any](raws []json.RawMessage) ([]T, error) {
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
