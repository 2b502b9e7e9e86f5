package mockserver

import (
	"net/http"
	"sort"
	"time"
)

// Permission bits of the contract (section 3).
const (
	PermCreate  = 1
	PermRead    = 2
	PermUpdate  = 4
	PermDelete  = 8
	PermExecute = 16
)

// ResourceMaxBits is the contract's table of resource ids and the bits each allows.
var ResourceMaxBits = map[string]int{
	"apps":          15,
	"beUsers":       15,
	"bundles":       15,
	"consumption":   2,
	"dependencies":  15,
	"deployments":   15,
	"keys":          15,
	"roles":         15,
	"sources":       15,
	"subscriptions": 15,
	"tasks":         31,
	"trainings":     6,
}

// AdministratorsRole is the built-in role of every organization.
const AdministratorsRole = "Administrators"

// org is one organization's store. The Server's mutex guards every org.
type org struct {
	name    string
	created time.Time
	roles   map[string]*role
	users   map[string]*user

	apps          map[string]*app
	deployments   map[string]*deployment
	subscriptions map[string]*subscription
	tasks         map[string]*Task
}

// role is a named set of permission bitmasks.
type role struct {
	Name        string         `json:"name"`
	Permissions map[string]int `json:"permissions"`
	Created     time.Time      `json:"created"`
	Updated     time.Time      `json:"updated"`
}

// user is a human backend user or a machine user.
type user struct {
	Username  string    `json:"username"`
	Type      string    `json:"type"` // "user" or "machine"
	Email     string    `json:"email,omitempty"`
	Firstname string    `json:"firstname,omitempty"`
	Surname   string    `json:"surname,omitempty"`
	Title     string    `json:"title,omitempty"`
	Label     string    `json:"label,omitempty"`
	Roles     []string  `json:"roles"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`

	password string // human users
	apiKey   string // machine users
}

// Type values of a user.
const (
	UserTypeHuman   = "user"
	UserTypeMachine = "machine"
)

func newOrg(name string, now time.Time) *org {
	admin := &role{Name: AdministratorsRole, Permissions: map[string]int{}, Created: now, Updated: now}
	for res, bits := range ResourceMaxBits {
		admin.Permissions[res] = bits
	}
	return &org{
		name:    name,
		created: now,
		roles:   map[string]*role{AdministratorsRole: admin},
		users:   map[string]*user{},

		apps:          map[string]*app{},
		deployments:   map[string]*deployment{},
		subscriptions: map[string]*subscription{},
		tasks:         map[string]*Task{},
	}
}

// permissions returns the OR of the bitmasks of u's roles, per resource.
func (o *org) permissions(u *user) map[string]int {
	out := map[string]int{}
	for _, rn := range u.Roles {
		if r, ok := o.roles[rn]; ok {
			for res, bits := range r.Permissions {
				out[res] |= bits
			}
		}
	}
	return out
}

// sortedKeys returns the keys of m in order, for stable lists.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// lookup returns the object of m named name, or answers 404 "<kind> 'name' not found".
func lookup[T any](w http.ResponseWriter, m map[string]*T, kind, name string) (*T, bool) {
	v := m[name]
	if v == nil {
		writeError(w, http.StatusNotFound, kind+" '"+name+"' not found")
		return nil, false
	}
	return v, true
}

// snapshots returns copies of the objects of m in name order, safe to encode after the lock is
// released (the items of a list answer).
func snapshots[T any, P interface {
	*T
	copy() T
}](m map[string]P) []T {
	items := make([]T, 0, len(m))
	for _, name := range sortedKeys(m) {
		items = append(items, m[name].copy())
	}
	return items
}

// copyRole returns a snapshot safe to encode after the lock is released.
func (r *role) copy() role {
	c := *r
	c.Permissions = make(map[string]int, len(ResourceMaxBits))
	for res := range ResourceMaxBits {
		c.Permissions[res] = r.Permissions[res]
	}
	return c
}

// copy returns a snapshot safe to encode after the lock is released.
func (u *user) copy() user {
	c := *u
	c.Roles = append([]string{}, u.Roles...)
	sort.Strings(c.Roles)
	return c
}
