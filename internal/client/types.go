package client

import (
	"context"
	"iter"
	"net/url"
	"reflect"
)

// A Type describes one collection of the API (roles, users, apps, deployments,
// subscriptions): everything the generic parts of the client need to know about it. The
// collection snapshots (snapshot.go), the names a plan checks (taken.go), the journal's reads
// of a create's object (journal.go) and the judge's request types (ownership.go) all read
// these descriptors instead of each keeping a table of its own, so adding a type means one
// more descriptor here (and in Types), its file of requests and the mock.
type Type struct {
	Collection string       // "roles": the path segment, the journal's and the snapshot's kind
	Key        string       // the name field of an object: "name" or "username"
	Order      string       // the list's order[] parameter
	Single     bool         // the type has a single GET (path/name); subscriptions have none
	Request    reflect.Type // the body of its create, for the judge's reverse comparison
}

// Path is the collection's path: "/be/v1/roles"; the single read is Path + "/" + name.
func (t *Type) Path() string { return "/be/v1/" + t.Collection }

// query is the query of the type's list.
func (t *Type) query() url.Values { return url.Values{"order[]": []string{t.Order}} }

// The API types.
var (
	Roles         = &Type{Collection: "roles", Key: "name", Order: "name", Single: true, Request: reflect.TypeFor[CreateRoleRequest]()}
	Users         = &Type{Collection: "users", Key: "username", Order: "username", Single: true, Request: reflect.TypeFor[CreateUserRequest]()}
	Apps          = &Type{Collection: "apps", Key: "name", Order: "name", Single: true, Request: reflect.TypeFor[CreateAppRequest]()}
	Deployments   = &Type{Collection: "deployments", Key: "name", Order: "name", Single: true, Request: reflect.TypeFor[CreateDeploymentRequest]()}
	Subscriptions = &Type{Collection: "subscriptions", Key: "name", Order: "name", Single: false, Request: reflect.TypeFor[CreateSubscriptionRequest]()}
)

// Types lists every API type, in the order snapshots are dropped.
var Types = []*Type{Roles, Users, Apps, Deployments, Subscriptions}

// TypeOf returns the type of the collection kind ("roles"), nil if there is none.
func TypeOf(kind string) *Type {
	for _, t := range Types {
		if t.Collection == kind {
			return t
		}
	}
	return nil
}

// The generic reads behind each type's exported Get/Read/List/Reads/Each methods.

// getOne is the single GET of one object of t (GetRole, GetUser, ...).
func getOne[T any](ctx context.Context, c *Client, t *Type, name string) (*T, error) {
	var out T
	if err := c.get(ctx, t.Path()+"/"+seg(name), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// readOne is a refresh read of one object of t (ReadRole, ...): see refreshRead.
func readOne[T any](ctx context.Context, c *Client, t *Type, name string) (*T, error) {
	return refreshRead[T](ctx, c, c.snaps.of(t), name)
}

// listOf pages through every object of t (ListRoles, ...).
func listOf[T any](ctx context.Context, c *Client, t *Type) ([]T, error) {
	return listAll[T](ctx, c, t.Path(), t.query())
}

// readEvery returns every object of t (ReadRoles, ...): from the snapshot when collection reads
// are on (see snapshotList), else as listOf does.
func readEvery[T any](ctx context.Context, c *Client, t *Type) ([]T, error) {
	if c.cfg.CollectionReads {
		return snapshotList[T](ctx, c, c.snaps.of(t))
	}
	return listOf[T](ctx, c, t)
}

// eachOf pages through the objects of t one page at a time as the consumer asks (EachRole, ...).
func eachOf[T any](ctx context.Context, c *Client, t *Type) iter.Seq2[T, error] {
	return listEach[T](ctx, c, t.Path(), t.query())
}

// reader is the read of one object of t as create proves it: its single GET, or for a type
// without one (subscriptions, the only such type) its item of the list.
func (c *Client) reader(t *Type, name string) readFunc {
	if !t.Single {
		return c.subscriptionReader(name)
	}
	return c.readPath(t.Path() + "/" + seg(name))
}
