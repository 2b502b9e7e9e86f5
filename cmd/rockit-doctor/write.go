package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// namePrefix starts the name of every object -write makes; a random part follows, so that no
// object of anyone else can carry it. Names allow letters, digits and underscores only.
const namePrefix = "rockit_doctor_"

// cleanupTimeout bounds the removal of the scratch objects, which runs under a fresh context
// so that Ctrl-C (or the end of -timeout) does not stop it.
const cleanupTimeout = 30 * time.Second

// prefix returns this run's unique name prefix, e.g. rockit_doctor_3fa94c1e_.
func (d *doctor) prefix() string {
	if d.namePrefix == "" {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		d.namePrefix = namePrefix + hex.EncodeToString(b) + "_"
	}
	return d.namePrefix
}

// scratch is an object that -write may have made, and how to remove it.
type scratch struct {
	what   string // "role rockit_doctor_..._role"
	remove func(ctx context.Context) error
}

// writeRoundTrip is -write: a role of its own is created, read, updated, created once more
// (409 expected), held by a machine user of its own while a delete is tried (409 expected),
// and deleted. Every object is noted before its create is sent and removed at the end, even
// when the run is interrupted; nothing else is ever written.
func (d *doctor) writeRoundTrip(ctx context.Context) {
	role := d.prefix() + "role"
	machine := d.prefix() + "machine"
	var made []scratch
	defer func() { d.cleanup(made) }()
	step := func(name string) bool {
		if d.hooks.afterWriteStep != nil {
			d.hooks.afterWriteStep(name)
		}
		if ctx.Err() != nil {
			d.fail("write: interrupted", fmt.Sprintf("stopped after %q: %v", name, ctx.Err()), "the scratch objects are removed below")
			return false
		}
		return true
	}

	made = append(made, scratch{"role " + role, func(ctx context.Context) error { return d.c.DeleteRole(ctx, role) }})
	if _, err := d.c.CreateRole(ctx, client.CreateRoleRequest{Name: role, Permissions: map[string]int{"apps": 2}}); err != nil {
		if client.IsConflict(err) {
			made = nil // a name of this run's random prefix that exists is not ours: leave it alone
		}
		d.fail("write: create", "POST /be/v1/roles: "+err.Error(), "rockit_role: creates fail the same way")
		return
	}
	if !d.checkRoleReads(ctx, "write: create", role, 2) || !step("create") {
		return
	}
	if _, err := d.c.UpdateRole(ctx, client.UpdateRoleRequest{Name: role, Permissions: map[string]int{"apps": 6}}); err != nil {
		d.fail("write: update", "PATCH /be/v1/roles: "+err.Error(), "rockit_role: updates fail the same way")
		return
	}
	if !d.checkRoleReads(ctx, "write: update", role, 6) || !step("update") {
		return
	}
	_, err := d.c.CreateRole(ctx, client.CreateRoleRequest{Name: role, Permissions: map[string]int{"apps": 6}})
	switch {
	case client.IsConflict(err):
		d.ok("write: duplicate create", "a second POST /be/v1/roles of the same name answered 409")
	case err == nil:
		d.fail("write: duplicate create", "a second POST /be/v1/roles of the same name succeeded",
			"the provider takes a 409 for a name that is taken (plan-time check, import block); a host that accepts "+
				"a duplicate may hold two objects of one name, or replace one silently")
	default:
		d.fail("write: duplicate create", "a second POST /be/v1/roles of the same name: "+err.Error(),
			"the provider expects 409 for a name that is taken and shows other errors as they are")
	}
	if !step("duplicate create") {
		return
	}
	made = append(made, scratch{"machine user " + machine, func(ctx context.Context) error { return d.c.DeleteUser(ctx, machine) }})
	if _, err := d.c.CreateUser(ctx, client.CreateUserRequest{Username: machine, Label: "rockit-doctor scratch", Roles: []string{role}}); err != nil {
		if client.IsConflict(err) {
			made = made[:len(made)-1]
		}
		d.fail("write: delete of a held role", "the machine user that would hold the role: POST /be/v1/users: "+err.Error(),
			"not checked; rockit_machine_user creates fail the same way")
		return
	}
	if !step("hold") {
		return
	}
	err = d.c.DeleteRole(ctx, role)
	switch {
	case client.IsConflict(err):
		d.ok("write: delete of a held role", "DELETE /be/v1/roles/"+role+" while a machine user holds it answered 409")
	case err == nil:
		made = made[1:]
		d.fail("write: delete of a held role", "DELETE /be/v1/roles/"+role+" succeeded while a machine user holds it",
			"the provider's destroy order (users before their roles) still holds; but a role deleted out of band "+
				"disappears from users without a 409 that names them")
	default:
		d.fail("write: delete of a held role", err.Error(), "the provider expects 409 for a role in use")
	}
	if !step("delete held") {
		return
	}
	d.deleteInOrder(ctx, &made)
}

// checkRoleReads reads the role back and checks its apps permission; false when the run
// cannot go on.
func (d *doctor) checkRoleReads(ctx context.Context, name, role string, apps int) bool {
	got, err := d.c.GetRole(ctx, role)
	switch {
	case err != nil:
		d.fail(name, "GET /be/v1/roles/"+role+": "+err.Error(), "rockit_role: every refresh fails the same way")
		return false
	case got.Permissions["apps"] != apps:
		d.fail(name, fmt.Sprintf("GET /be/v1/roles/%s shows apps = %d, sent %d", role, got.Permissions["apps"], apps),
			"rockit_role shows a diff on every plan")
		return false
	}
	d.ok(name, fmt.Sprintf("role %s written and read back (apps = %d)", role, apps))
	return true
}

// deleteInOrder removes the scratch objects, newest first (the machine user before the role
// it holds), and checks that the role is gone.
func (d *doctor) deleteInOrder(ctx context.Context, made *[]scratch) {
	for len(*made) > 0 {
		last := (*made)[len(*made)-1]
		if err := last.remove(ctx); err != nil && !client.IsNotFound(err) {
			d.fail("write: delete", last.what+": "+err.Error(), "deletes of this type fail the same way")
			return
		}
		*made = (*made)[:len(*made)-1]
	}
	role := d.prefix() + "role"
	if _, err := d.c.GetRole(ctx, role); !client.IsNotFound(err) {
		d.fail("write: delete", fmt.Sprintf("GET /be/v1/roles/%s after its delete: %v, not 404", role, err),
			"the provider reads a deleted object as still there until a GET answers 404")
		return
	}
	d.ok("write: delete", "the machine user and the role were deleted; GET of the role answers 404")
}

// cleanup removes what is left of the scratch objects under a fresh context.
func (d *doctor) cleanup(made []scratch) {
	if len(made) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	var removed, left []string
	for i := len(made) - 1; i >= 0; i-- {
		if err := made[i].remove(ctx); err != nil && !client.IsNotFound(err) {
			left = append(left, made[i].what+" ("+err.Error()+")")
			continue
		}
		removed = append(removed, made[i].what)
	}
	if len(left) > 0 {
		d.fail("write: cleanup", "could not remove "+strings.Join(left, "; "),
			"remove them by hand; every scratch object's name starts with "+d.prefix())
		return
	}
	d.ok("write: cleanup", "removed "+strings.Join(removed, ", "))
}
