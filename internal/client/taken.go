package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// takenNames is one list read per collection per Client: the names that exist on the server,
// for the plan-time check that a name to be created is free (NameTaken).
type takenNames struct {
	mu    sync.Mutex
	lists map[string]*takenList
}

type takenList struct {
	mu    sync.Mutex
	names map[string]string // name -> its `created`; nil until read
}

// createdByName reads the collection kind through the collection snapshot (the walk the
// refresh and the other plan checks share, snapshot.go), as name -> `created`: of each item
// only the type's name field and `created` are decoded.
func (c *Client) createdByName(ctx context.Context, kind string) (map[string]string, error) {
	t := TypeOf(kind)
	if t == nil {
		return nil, fmt.Errorf("no list of %q", kind)
	}
	all, err := readEvery[map[string]any](ctx, c, t) // users: as ReadUsers without a filter
	names := map[string]string{}
	for _, o := range all {
		name, _ := o[t.Key].(string)
		created, _ := o["created"].(string)
		names[name] = created
	}
	return names, err
}

// NameTaken reports whether an object of the collection kind ("roles", "users", ...) named name
// exists on the server, and its `created`. It reads the collection's list once in the Client's life (at most one
// list read per type per plan) and answers every later question from it; it never writes.
func (c *Client) NameTaken(ctx context.Context, kind, name string) (taken bool, created string, err error) {
	c.taken.mu.Lock()
	if c.taken.lists == nil {
		c.taken.lists = map[string]*takenList{}
	}
	l := c.taken.lists[kind]
	if l == nil {
		l = &takenList{}
		c.taken.lists[kind] = l
	}
	c.taken.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.names == nil {
		names, err := c.createdByName(ctx, kind)
		if err != nil {
			return false, "", err // not kept: a later check reads again
		}
		l.names = names
	}
	created, taken = l.names[name]
	return taken, created, nil
}

// wrote keeps the names current after a write of this Client: a deleted object's name is free
// (the create half of a replacement, planned again during apply after the delete).
func (t *takenNames) wrote(r request) {
	if r.method != http.MethodDelete {
		return
	}
	kind, name, ok := strings.Cut(strings.TrimPrefix(r.path, "/be/v1/"), "/")
	if !ok {
		return
	}
	if n, err := url.PathUnescape(name); err == nil {
		name = n
	}
	t.mu.Lock()
	l := t.lists[kind]
	t.mu.Unlock()
	if l == nil {
		return
	}
	l.mu.Lock()
	delete(l.names, name)
	l.mu.Unlock()
}
