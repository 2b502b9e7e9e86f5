package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pageSize is the limit the client asks for when it pages through a list; the contract caps
// limit at 100.
const pageSize = 100

// seg escapes one path segment (a name).
func seg(name string) string { return url.PathEscape(name) }

// get reads one object of the organization.
func (c *Client) get(ctx context.Context, path string, out any) error {
	_, err := c.do(ctx, request{method: http.MethodGet, path: path, auth: authOrg}, out)
	return err
}

// post creates an object of the organization and decodes the answer's data into out.
func (c *Client) post(ctx context.Context, path string, body, out any) error {
	_, err := c.do(ctx, request{method: http.MethodPost, path: path, body: body, auth: authOrg}, out)
	return err
}

// patch changes an object of the organization; the body names the target.
func (c *Client) patch(ctx context.Context, path string, body, out any) error {
	_, err := c.do(ctx, request{method: http.MethodPatch, path: path, body: body, auth: authOrg}, out)
	return err
}

// del deletes an object of the organization. Once it is gone (the DELETE succeeded, or found
// it gone already), the journal's evidence of its create goes too: a later object of the same
// name is someone else's (forgetDeleted, one of the after-write hooks: operation.go).
func (c *Client) del(ctx context.Context, path string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: path, auth: authOrg}, nil)
	return err
}

// listWalks bounds how often listAll walks a list: when the list changes under a walk (its
// `total` moves, or a page comes back empty before `total` items), the walk starts over.
const listWalks = 4

// listMaxPages stops a walk over a server that never answers an empty page.
const listMaxPages = 10000

// listAll pages through a list endpoint until it has every item. query must carry an
// `order[]`: without one the order is unspecified and may change between pages. A walk ends
// when it has `total` items, or, where an answer carries no total, at the first empty page (a
// server may cap `limit` below the client's pageSize, so a short page proves nothing). When the
// total changes between pages, or a page is empty before the total is reached, items may have
// shifted across a page boundary and one may have been skipped: the walk starts over, at most
// listWalks times in all, after which the call fails rather than return a list that may lack a
// live object.
func listAll[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	return listAllFrom[T](ctx, c, path, query, nil)
}

// listAllFrom is listAll whose first walk starts from a first page already read (nil: none).
func listAllFrom[T any](ctx context.Context, c *Client, path string, query url.Values, first *listPage[T]) ([]T, error) {
	if len(query["order[]"]) == 0 {
		return nil, fmt.Errorf("listing %s: no order[] given; this is a bug in the provider", path)
	}
	for walk := 1; ; walk++ {
		items, stable, err := listWalk[T](ctx, c, path, query, first)
		if err != nil || stable {
			return items, err
		}
		first = nil
		if walk >= listWalks {
			return nil, fmt.Errorf("GET %s: the list changed while it was read, %d times in a row; try again", path, walk)
		}
		c.logWarn(ctx, "ROCKIT Edge list changed while paging; reading it again", map[string]any{"path": path, "walk": walk})
	}
}

// listPage is one page of a list and the total its answer carried (nil: none).
type listPage[T any] struct {
	items []T
	total *int
}

// listParallel is how many pages after the first a walk reads at once.
const listParallel = 4

// readPage reads the page of a list at offset.
func readPage[T any](ctx context.Context, c *Client, path string, query url.Values, offset int) (listPage[T], error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("offset", strconv.Itoa(offset))
	q.Set("limit", strconv.Itoa(pageSize))
	var page []T
	env, err := c.do(ctx, request{method: http.MethodGet, path: path, query: q, auth: authOrg}, &page)
	if err != nil {
		return listPage[T]{}, err
	}
	return listPage[T]{items: page, total: env.Total}, nil
}

// listWalk reads a list once from offset 0 (first, when not nil, is that page, already read).
// stable is false when the list changed under it. When the first page is full (the server
// honours pageSize) and carries a total, the other pages are read listParallel at a time;
// each of them must carry the same total and, but the last, be full, else the list changed.
// Otherwise the pages are read one after the other until `total` or an empty page.
func listWalk[T any](ctx context.Context, c *Client, path string, query url.Values, first *listPage[T]) (all []T, stable bool, err error) {
	if first == nil {
		p, err := readPage[T](ctx, c, path, query, 0)
		if err != nil {
			return nil, false, err
		}
		first = &p
	}
	if first.total != nil && len(first.items) == pageSize && *first.total > pageSize {
		return listRest(ctx, c, path, query, *first)
	}
	var total *int
	page := *first
	for offset, pages := 0, 0; pages < listMaxPages; pages++ {
		if pages > 0 {
			if page, err = readPage[T](ctx, c, path, query, offset); err != nil {
				return nil, false, err
			}
		}
		if page.total != nil {
			if total != nil && *page.total != *total {
				return nil, false, nil
			}
			total = page.total
		}
		all = append(all, page.items...)
		offset += len(page.items)
		switch {
		case total != nil && offset >= *total:
			return all, true, nil
		case len(page.items) == 0 && total != nil:
			return nil, false, nil // fewer items than the total: the list shrank under us
		case len(page.items) == 0:
			return all, true, nil
		}
	}
	return nil, false, fmt.Errorf("GET %s: the list did not end after %d pages", path, listMaxPages)
}

// listRest reads the pages after a full first page that carried a total, listParallel at a
// time. stable is false when any page's total differs from the first's or a page but the last
// is not full (the list changed under the walk).
func listRest[T any](ctx context.Context, c *Client, path string, query url.Values, first listPage[T]) ([]T, bool, error) {
	total := *first.total
	n := (total + pageSize - 1) / pageSize
	if n > listMaxPages {
		return nil, false, fmt.Errorf("GET %s: the list did not end after %d pages", path, listMaxPages)
	}
	pages := make([]listPage[T], n)
	pages[0] = first
	errs := make([]error, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, listParallel)
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			pages[i], errs[i] = readPage[T](ctx, c, path, query, i*pageSize)
			if errs[i] != nil {
				cancel()
			}
		}(i)
	}
	wg.Wait()
	// The first real error wins over the cancellations it caused.
	var firstErr error
	for _, err := range errs {
		if err != nil && (firstErr == nil || errors.Is(firstErr, context.Canceled)) {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, false, firstErr
	}
	all := make([]T, 0, total)
	for i, p := range pages {
		if p.total == nil || *p.total != total {
			return nil, false, nil
		}
		want := pageSize
		if i == n-1 {
			want = total - i*pageSize
		}
		if len(p.items) != want {
			return nil, false, nil
		}
		all = append(all, p.items...)
	}
	return all, true, nil
}

// listEach pages through a list endpoint once, lazily, for consumers that may stop early (a
// list resource's limit): it asks for the next page only when the consumer wants more. It ends
// where listWalk ends (at `total`, or without one at the first empty page) and yields an error
// once, last. It cannot start over after it has yielded items, so a list that changes under it
// may skip or repeat an item: it serves listings (terraform query), never a decision that an
// object is gone, which goes through listAll.
func listEach[T any](ctx context.Context, c *Client, path string, query url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if len(query["order[]"]) == 0 {
			var zero T
			yield(zero, fmt.Errorf("listing %s: no order[] given; this is a bug in the provider", path))
			return
		}
		for offset, pages := 0, 0; pages < listMaxPages; pages++ {
			q := url.Values{}
			for k, v := range query {
				q[k] = v
			}
			q.Set("offset", strconv.Itoa(offset))
			q.Set("limit", strconv.Itoa(pageSize))
			var page []T
			env, err := c.do(ctx, request{method: http.MethodGet, path: path, query: q, auth: authOrg}, &page)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page {
				if !yield(item, nil) {
					return
				}
			}
			offset += len(page)
			if len(page) == 0 || (env.Total != nil && offset >= *env.Total) {
				return
			}
		}
	}
}

// readFunc reads the object a create may have made, as the raw JSON of the answer's data.
type readFunc func(ctx context.Context) (json.RawMessage, error)

// readPath returns a readFunc that GETs one object.
func (c *Client) readPath(path string) readFunc {
	return func(ctx context.Context) (json.RawMessage, error) {
		var raw json.RawMessage
		err := c.get(ctx, path, &raw)
		return raw, err
	}
}

// create POSTs body to path and decodes the answer's data into out, like post. It adds the
// safe-create rule of the retry policy and the evidence that settles an uncertain outcome
// later (DESIGN.md, "An uncertain outcome is settled by evidence"):
//
//   - Right before the first attempt leaves (after the rate limiter, the login and any hold), it
//     records Evidence (type, name, whose create, fingerprint and copy of the body, send time,
//     the server's clock) in the journal: the one journal write of a create.
//   - When an earlier attempt may have created the object without its answer arriving (a 5xx, a
//     timeout or a reset after sending) and the retry answers 409, the object may be our own.
//     create reads it with read and adopts it only when the judge (ownership.go) proves it is
//     this call's.
//   - A 409 on the first attempt is someone else's object, unless the journal holds evidence of
//     an earlier create of this state with the same fingerprint (a run killed after sending it)
//     that the judge accepts. A 409 for an object that another create of this Client, or
//     another provider configuration of this run, sent is a *DuplicateCreateError.
//
// On adoption it logs a warning, decodes the object into out and returns adopted = true.
// Secrets that only the lost answer carried (initial passwords, API keys, subscription
// secrets) are not in out then: the caller must obtain new ones (e.g. resetCreds) or report
// them as lost. When the object is not proven ours, or read is nil (the type cannot be read),
// create returns an *UnconfirmedCreateError; when the proof could not be finished (its read
// failed or was cancelled), one with Unfinished set, whose outcome is unknown. Every error of
// unknown outcome carries the Evidence (EvidenceOf).
func (c *Client) create(ctx context.Context, path string, body, out any, read readFunc) (adopted bool, err error) {
	// The whole create is a write in flight, from before its waits (credentials, rate limit)
	// to its proof: an orphaned plugin (main.go) must not exit while one may still be sent.
	writesInFlight.Add(1)
	defer writesInFlight.Add(-1)
	ev := c.newEvidence(path[strings.LastIndex(path, "/")+1:], requestName(body), body)
	key := ev.key()
	if adopted, done, err := c.adoptJournaled(ctx, path, ev, out, read); done {
		return adopted, err
	}
	var entry string
	onSend := func(t time.Time) {
		if !ev.Sent.IsZero() {
			return
		}
		ev.Sent, ev.Until, ev.Clock = t, t.Add(c.cfg.MaxElapsed+c.cfg.Timeout), c.clock.current()
		c.countSend(key)
		id, jerr := c.journal.record(ev)
		if jerr != nil {
			c.logWarn(ctx, "could not record the create in the journal; its evidence lives in this process only", map[string]any{
				"name": ev.Name, "journal": c.journal.Dir(), "error": jerr.Error(),
			})
		}
		entry = id
	}
	_, err = c.do(ctx, request{method: http.MethodPost, path: path, body: body, auth: authOrg, onSend: onSend}, out)
	switch {
	case err == nil:
		return false, nil
	case OutcomeUnknown(err):
		return false, &evidenceError{ev: ev, err: err}
	case MayBeOwnCreate(err):
		adopted, err = c.prove(ctx, path, []Evidence{ev}, out, read, err)
		if err != nil && OutcomeUnknown(err) {
			return false, &evidenceError{ev: ev, err: err}
		}
		return adopted, err
	case IsConflict(err):
		proofs, otherConfig := c.journalEvidence(key, entry, ev.Fingerprint)
		if c.sentThisRun(key) > 1 || otherConfig {
			c.journal.drop(key, entry)
			return false, &DuplicateCreateError{Kind: ev.Kind, Name: ev.Name, Cause: err, OtherConfiguration: c.sentThisRun(key) == 1}
		}
		if len(proofs) == 0 {
			c.journal.drop(key, entry)
			return false, err
		}
		adopted, err = c.prove(ctx, path, proofs, out, read, err)
		switch {
		case err == nil:
			// The entry of this attempt stays until the object is seen in state.
		case OutcomeUnknown(err):
			return false, &evidenceError{ev: proofs[0], err: err}
		default:
			c.journal.drop(key, entry)
		}
		return adopted, err
	default:
		if StatusOf(err) >= 400 && StatusOf(err) < 500 {
			// A definite refusal: nothing was created.
			c.journal.drop(key, entry)
		}
		return false, err
	}
}

// adoptJournaled runs before a create is sent: when the journal holds evidence that this
// state sent the same create before (a run that was killed, or whose outcome was unknown), and
// no create of the object was sent by this Client (two resources naming one object must not
// adopt each other's), it reads the object and adopts it when the judge proves it ours, so
// that no POST (and no 409) is needed. done is false when the create is to be sent: no
// evidence, the object is absent, or it is not proven ours (the POST's 409 then says so).
func (c *Client) adoptJournaled(ctx context.Context, path string, ev Evidence, out any, read readFunc) (adopted, done bool, err error) {
	key := ev.key()
	if read == nil || !c.journal.mayHave(key) || c.sentThisRun(key) > 0 {
		return false, false, nil
	}
	proofs, otherConfig := c.journalEvidence(key, "", ev.Fingerprint)
	if len(proofs) == 0 || otherConfig {
		return false, false, nil
	}
	// Not proven (absent, unreadable, or the judge says no): the create is sent, and its 409,
	// if any, says why.
	got, rerr := read(ctx)
	if rerr != nil {
		return false, false, nil //nolint:nilerr // a read that failed only means the create is sent
	}
	if _, ok := c.judgeAny(proofs, got); !ok {
		return false, false, nil
	}
	if out != nil {
		if uerr := json.Unmarshal(got, out); uerr != nil {
			return false, true, fmt.Errorf("decoding the adopted object of %s %s: %w", http.MethodPost, path, uerr)
		}
	}
	c.logWarn(ctx, "ROCKIT Edge object adopted: the journal proves that this workspace's earlier run created it (that run "+
		"lost its answer or was killed)", map[string]any{"path": path, "name": ev.Name})
	return true, true, nil
}

// prove reads the object a create found existing (409, cause) and adopts it into out when the
// judge proves it is the one a create described by one of proofs sent.
func (c *Client) prove(ctx context.Context, path string, proofs []Evidence, out any, read readFunc, cause error) (bool, error) {
	name := proofs[0].Name
	unconfirmed := func(reason string, diffs []string) *UnconfirmedCreateError {
		return &UnconfirmedCreateError{Method: http.MethodPost, Path: path, Name: name, Cause: cause, Mismatches: diffs, Reason: reason}
	}
	if read == nil {
		return false, unconfirmed("the API cannot read this type of object, so it cannot be compared with the request", nil)
	}
	got, rerr := read(ctx)
	if rerr != nil {
		u := unconfirmed("reading the existing object failed: "+rerr.Error(), nil)
		u.Unfinished = true
		return false, u
	}
	if v, ok := c.judgeAny(proofs, got); !ok {
		return false, unconfirmed(v.reason, v.diffs)
	}
	if out != nil {
		if uerr := json.Unmarshal(got, out); uerr != nil {
			return false, fmt.Errorf("decoding the adopted object of %s %s: %w", http.MethodPost, path, uerr)
		}
	}
	c.logWarn(ctx, "ROCKIT Edge create answer was lost; adopted the object the retry found, which this create made", map[string]any{
		"method": http.MethodPost, "path": path, "name": name,
	})
	return true, nil
}

// objectMismatches compares the request want with the object got in both directions: every
// field of the request must hold the server's value (jsonMismatches), and every optional field
// of the request's type that the request left out must be empty on the server too
// (reverseMismatches). typ is the request's Go type; a map body has no known optional fields.
func objectMismatches(typ reflect.Type, want, got json.RawMessage) []string {
	diffs := jsonMismatches(want, got)
	var w, g map[string]any
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ != nil && typ.Kind() == reflect.Struct && json.Unmarshal(want, &w) == nil && json.Unmarshal(got, &g) == nil {
		reverseMismatches("", typ, w, g, &diffs)
	}
	sort.Strings(diffs)
	return diffs
}

// reverseMismatches adds a difference for each field that the request type can carry, that the
// request w left out (a field sent empty is compared by jsonMismatches), and that the server's object g holds with a value: a
// non-empty string, object or array, or true. Numbers the request left out are server defaults
// (maxBuilds) and not compared. Map fields (permissions) compare their keys the same way: a key
// the request did not name must be zero on the server. Secrets are never compared.
func reverseMismatches(at string, typ reflect.Type, w, g map[string]any, out *[]string) {
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ == nil {
		return
	}
	switch typ.Kind() {
	case reflect.Map:
		for k, gv := range g {
			if _, named := w[k]; !named && !secretFields[k] && holdsValue(gv, true) {
				*out = append(*out, fmt.Sprintf("%s: requested nothing, found %s", joinPath(at, k), compactJSON(gv)))
			}
		}
	case reflect.Struct:
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || secretFields[name] || serverFields[name] {
				continue
			}
			p := joinPath(at, name)
			wv, present := w[name]
			gv := g[name]
			if !present {
				if holdsValue(gv, false) {
					*out = append(*out, fmt.Sprintf("%s: requested nothing, found %s", p, compactJSON(gv)))
				}
				continue
			}
			wm, wok := wv.(map[string]any)
			gm, gok := gv.(map[string]any)
			if wok && gok {
				reverseMismatches(p, f.Type, wm, gm, out)
			}
		}
	}
}

// holdsValue reports whether a server value counts as set where the request had none.
func holdsValue(v any, numbers bool) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return numbers && x != 0
	}
	return !isEmptyJSON(v)
}

func joinPath(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

// secretFields are request fields that the server never returns; adoption does not compare them.
var secretFields = map[string]bool{
	"password": true, "apiKey": true, "secret": true, "secretAccessKey": true, "key": true,
	"publicKey": true, "initialPassword": true, "oldPW": true, "newPW": true,
}

// serverFields are fields the server sets on every object; no request carries them.
var serverFields = map[string]bool{"created": true, "updated": true}

// requestName returns the name or username field of a request body, for messages.
func requestName(body any) string {
	raw, err := json.Marshal(body)
	if err != nil {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	for _, k := range []string{"name", "username"} {
		if s, ok := m[k].(string); ok {
			return s
		}
	}
	return ""
}

// jsonMismatches compares every field of the request want with the object got and returns a
// description of each field whose value differs ("permissions.apps: requested 15, found 3").
// Fields of got that the request does not name are ignored; arrays compare as sets, since the
// server may order them differently; request fields that are null, empty or absent in got
// count as equal only when the request value is empty too.
func jsonMismatches(want, got json.RawMessage) []string {
	var w, g any
	if json.Unmarshal(want, &w) != nil || json.Unmarshal(got, &g) != nil {
		return []string{"the answer is not a JSON object"}
	}
	var out []string
	compareJSON("", w, g, &out)
	sort.Strings(out)
	return out
}

func compareJSON(at string, want, got any, out *[]string) {
	wm, wok := want.(map[string]any)
	if wok {
		gm, _ := got.(map[string]any)
		for k, wv := range wm {
			if secretFields[k] {
				continue
			}
			p := k
			if at != "" {
				p = at + "." + k
			}
			gv, present := gm[k]
			if !present && isEmptyJSON(wv) {
				continue
			}
			compareJSON(p, wv, gv, out)
		}
		return
	}
	if wa, ok := want.([]any); ok {
		ga, _ := got.([]any)
		if !sameSet(wa, ga) {
			*out = append(*out, fmt.Sprintf("%s: requested %s, found %s", at, compactJSON(want), compactJSON(got)))
		}
		return
	}
	if !reflect.DeepEqual(want, got) && (!isEmptyJSON(want) || !isEmptyJSON(got)) {
		*out = append(*out, fmt.Sprintf("%s: requested %s, found %s", at, compactJSON(want), compactJSON(got)))
	}
}

// sameSet compares two JSON arrays as multisets of their canonical encodings.
func sameSet(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, v := range a {
		count[compactJSON(v)]++
	}
	for _, v := range b {
		k := compactJSON(v)
		if count[k] == 0 {
			return false
		}
		count[k]--
	}
	return true
}

func isEmptyJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// compactJSON encodes v canonically (encoding/json sorts map keys).
func compactJSON(v any) string {
	if v == nil {
		return "nothing"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
