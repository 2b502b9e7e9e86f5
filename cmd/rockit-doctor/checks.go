package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/permissions"
)

// doctor runs the checks of one host with one client (one login).
type doctor struct {
	c      *client.Client
	cfg    client.Config
	obs    *observer
	write  bool
	hooks  hooks
	checks []Check
	// forbidden are the resource ids whose list answered 403 (permissions known by refusal).
	forbidden map[string]bool
	// namePrefix is the unique prefix of the scratch objects of -write (prefix()).
	namePrefix string
}

func (d *doctor) add(c Check) { d.checks = append(d.checks, c) }

func (d *doctor) ok(name, detail string) { d.add(Check{Name: name, Status: statusOK, Detail: detail}) }

func (d *doctor) warn(name, detail, consequence string) {
	d.add(Check{Name: name, Status: statusWarn, Detail: detail, Consequence: consequence})
}

func (d *doctor) fail(name, detail, consequence string) {
	d.add(Check{Name: name, Status: statusFail, Detail: detail, Consequence: consequence})
}

// kind is one type of object the provider manages, as the doctor reads it.
type kind struct {
	name     string // as the checks name it: "roles"
	path     string // its collection: "/be/v1/roles"
	key      string // the field that names an object, and the order of its lists
	resource string // the permission resource id its endpoints check
	tf       string // the Terraform types that manage it
	ops      []string
	single   bool // the contract has a GET of one object
}

var crud = []string{permissions.Create, permissions.Read, permissions.Update, permissions.Delete}

// kinds are the types in the order the report shows them.
var kinds = []kind{
	{"roles", "/be/v1/roles", "name", "roles", "rockit_role", crud, true},
	{"users", "/be/v1/users", "username", "beUsers", "rockit_user and rockit_machine_user", crud, true},
	{"apps", "/be/v1/apps", "name", "apps", "rockit_app", crud, true},
	{"deployments", "/be/v1/deployments", "name", "deployments", "rockit_deployment", crud, true},
	{"subscriptions", "/be/v1/subscriptions", "name", "subscriptions", "rockit_subscription",
		[]string{permissions.Create, permissions.Read, permissions.Delete}, false},
}

// run runs every check and returns the exit status.
func (d *doctor) run(ctx context.Context) int {
	d.forbidden = map[string]bool{}
	self, stop := d.connect(ctx)
	if stop != 0 {
		return stop
	}
	loginAt := len(d.checks)
	d.add(Check{}) // the login check, filled in last, when the number of logins is known
	perms, source := d.effectivePermissions(ctx, self)
	permsAt := len(d.checks)
	d.add(Check{})
	for _, k := range kinds {
		d.checkKind(ctx, k)
	}
	if perms == nil {
		perms, source = d.permissionsByRefusal(), "from which lists answered 403 (the credential cannot read its own roles; create, update and delete show only at an apply)"
	}
	d.checks[permsAt] = permissionsCheck(perms, source)
	code := exitOK
	if d.cfg.AdminToken != "" {
		code = d.checkAdminToken(ctx)
	}
	if d.write {
		d.writeRoundTrip(ctx)
	}
	d.checks[loginAt] = d.loginCheck()
	d.add(d.obs.clockCheck())
	d.add(d.obs.rateLimitCheck())
	if code != exitOK {
		return code
	}
	for _, c := range d.checks {
		if c.Status == statusFail {
			return exitFailed
		}
	}
	return exitOK
}

// connect reports the transport and reaches the host with the first request, the GET of the
// caller's own user record, which logs in. stop is the exit status when the run cannot go on.
func (d *doctor) connect(ctx context.Context) (self json.RawMessage, stop int) {
	u, _ := client.ParseEndpoint(d.cfg.Endpoint) // checked by cliconfig
	switch {
	case u.Scheme == "http" && !client.IsLoopback(u.Hostname()):
		d.warn("transport", fmt.Sprintf("%s is plain http to another machine", u),
			"the provider warns on every plan and apply: the credentials, tokens and every secret the API issues "+
				"travel in clear text; use https://")
	case u.Scheme == "http":
		d.ok("transport", fmt.Sprintf("%s is plain http to this machine (loopback): nothing crosses the network", u))
	case d.cfg.InsecureSkipVerify:
		d.warn("transport", "TLS certificate verification is off (insecure_skip_verify)",
			"the provider warns on every plan and apply: anyone on the network path can pose as "+u.Host+
				"; set ca_cert_pem (ROCKIT_CA_CERT_PEM) to the host's CA instead")
	case d.cfg.CACertPEM != "":
		d.ok("transport", "https; the certificate chain is verified against the system roots and ROCKIT_CA_CERT_PEM")
	default:
		d.ok("transport", "https; the certificate chain is verified against the system roots")
	}

	self, err := d.c.GetRaw(ctx, "/be/v1/users", d.cfg.Username)
	var endpointErr *client.EndpointError
	switch {
	case err == nil || client.IsForbidden(err) || client.IsNotFound(err):
		// Answered with the credentials accepted: a 403 or 404 only hides the own record.
		d.ok("endpoint", fmt.Sprintf("%s answered", u))
		if err != nil {
			self = nil
		}
	case errors.As(err, &endpointErr):
		d.fail("endpoint", err.Error(), "every plan and apply fails the same way until the endpoint, ca_cert_pem or the host is fixed")
		return nil, exitFailed
	case credentialRefused(err):
		d.ok("endpoint", fmt.Sprintf("%s answered", u))
		d.fail("login", err.Error(), "every plan and apply fails at its first request until the credential is fixed")
		return nil, exitUsageOrCred
	default:
		d.fail("endpoint", err.Error(), "every plan and apply fails the same way while the host answers so")
		return nil, exitFailed
	}
	d.add(d.generationCheck())
	return self, 0
}

// credentialRefused reports whether err is a refusal of the configured credentials: a 401, a
// login the host refused, an organization it does not know or does not offer the user.
func credentialRefused(err error) bool {
	var rejected *client.CredentialsRejectedError
	var notOffered *client.OrgNotOfferedError
	var mismatch *client.SchemeMismatchError
	return client.IsUnauthorized(err) || errors.As(err, &rejected) || errors.As(err, &notOffered) ||
		errors.As(err, &mismatch) || client.IsOrganizationNotFound(err)
}

func (d *doctor) generationCheck() Check {
	c := Check{Name: "authentication", Status: statusOK}
	const invitation = "; an invitation host (no initial password for a new organization) shows only at an " +
		"organization's create, and the provider accepts both answers"
	switch {
	case d.cfg.APIKey != "":
		c.Detail = "machine user: the API-key headers (x-rockit-orgname, x-rockit-username, x-rockit-api-key), the same in both generations" + invitation
	case d.c.AuthGeneration() == client.AuthScheme2026:
		c.Detail = "the 2026 generation: a login with an organization selection, access and refresh tokens, Authorization: Bearer" + invitation
	default:
		c.Detail = "the 2025 generation: a session token from POST /be/v1/login, auth tokens from POST /be/v1/auth, x-rockit-beauth-token" + invitation
	}
	return c
}

func (d *doctor) loginCheck() Check {
	if d.cfg.APIKey != "" {
		return Check{Name: "login", Status: statusOK,
			Detail: fmt.Sprintf("the API key of machine user %q is accepted in organization %q", d.cfg.Username, d.cfg.OrgName)}
	}
	n := d.obs.logins()
	steps := ""
	if d.c.AuthGeneration() == client.AuthScheme2026 {
		steps = " (a 2026 login is two requests: the selection and the organization)"
	}
	return Check{Name: "login", Status: statusOK,
		Detail: fmt.Sprintf("%q logged in to organization %q; %s for the whole run%s", d.cfg.Username, d.cfg.OrgName, count(n, "login request"), steps)}
}

// effectivePermissions is the OR of the bitmasks of the caller's roles, read from its own
// record and each role's single read; nil when they cannot be read.
func (d *doctor) effectivePermissions(ctx context.Context, self json.RawMessage) (map[string]int, string) {
	var user struct {
		Roles []string `json:"roles"`
	}
	if self == nil || json.Unmarshal(self, &user) != nil {
		return nil, ""
	}
	perms := map[string]int{}
	for _, name := range user.Roles {
		role, err := d.c.GetRole(ctx, name)
		if err != nil {
			return nil, ""
		}
		for id, bits := range role.Permissions {
			perms[id] |= bits
		}
	}
	return perms, fmt.Sprintf("from the caller's roles (%s)", strings.Join(user.Roles, ", "))
}

// permissionsByRefusal is what the lists tell: read on every type whose list answered, none
// where it answered 403; the other operations stay unknown (assumed granted).
func (d *doctor) permissionsByRefusal() map[string]int {
	perms := map[string]int{}
	for _, k := range kinds {
		if !d.forbidden[k.resource] {
			perms[k.resource] = permissions.ToBits(k.ops)
		}
	}
	return perms
}

// permissionsCheck compares the effective permissions with what each type's resources need.
func permissionsCheck(perms map[string]int, source string) Check {
	var lacks, consequences, has []string
	for _, k := range kinds {
		bits := perms[k.resource]
		var missing []string
		for _, op := range k.ops {
			if bits&permissions.ToBits([]string{op}) == 0 {
				missing = append(missing, op)
			}
		}
		has = append(has, fmt.Sprintf("%s %s", k.resource, opsText(permissions.FromBits(bits))))
		if len(missing) == 0 {
			continue
		}
		lacks = append(lacks, fmt.Sprintf("%s lacks %s", k.resource, strings.Join(missing, ", ")))
		if slices.Contains(missing, permissions.Read) {
			consequences = append(consequences, k.tf+": every plan that reads it fails with 403")
		} else {
			consequences = append(consequences, fmt.Sprintf("%s: %s refused with 403 at apply time", k.tf, strings.Join(missing, ", ")))
		}
	}
	c := Check{Name: "permissions", Detail: source + ": " + strings.Join(has, "; ")}
	if len(lacks) == 0 {
		c.Status = statusOK
		return c
	}
	c.Status = statusWarn
	c.Detail = strings.Join(lacks, "; ") + " (" + c.Detail + ")"
	c.Consequence = strings.Join(consequences, "; ") + "; grant the operations in one of the caller's roles, or leave those types out"
	return c
}

func opsText(ops []string) string {
	if len(ops) == 0 {
		return "none"
	}
	return strings.Join(ops, "+")
}

// listQuery is the query of one page of k's list.
func listQuery(order string, offset, limit int) url.Values {
	return url.Values{"order[]": {order}, "offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
}

// checkKind runs the checks of one type: the list, its total, paging and order, its items
// against the single read, and the timestamps.
func (d *doctor) checkKind(ctx context.Context, k kind) {
	page, err := d.c.ListPage(ctx, k.path, listQuery(k.key, 0, 100))
	name := k.name + ": list"
	switch {
	case client.IsForbidden(err):
		d.forbidden[k.resource] = true
		d.warn(name, "GET "+k.path+" answered 403: the caller may not read "+k.resource,
			k.tf+": every plan that reads it fails with 403 (rockit-export leaves the type out)")
		return
	case err != nil:
		d.fail(name, err.Error(), k.tf+": every read of the type fails the same way")
		return
	}
	d.ok(name, fmt.Sprintf("GET %s answers {status, data: [...]} (%s at limit=100)", k.path, count(len(page.Items), "item")))
	d.checkTotal(k, page)
	d.checkPaging(ctx, k, page)
	d.checkShape(ctx, k, page)
	if k.single {
		d.checkAbsent(ctx, k)
	}
}

// checkAbsent reads an object that cannot exist (a name of this run's unique prefix): the
// provider takes a 404 for an object deleted outside Terraform.
func (d *doctor) checkAbsent(ctx context.Context, k kind) {
	name := d.prefix() + "absent"
	_, err := d.c.GetRaw(ctx, k.path, name)
	switch {
	case client.IsNotFound(err):
		d.ok(k.name+": missing object", fmt.Sprintf("GET %s/%s (no such object) answered 404", k.path, name))
	case err == nil:
		d.fail(k.name+": missing object", fmt.Sprintf("GET %s/%s answered success for an object that was never created", k.path, name),
			k.tf+": an object deleted outside Terraform is never noticed, and a create's plan-time name check cannot rely on reads")
	default:
		d.fail(k.name+": missing object", fmt.Sprintf("GET %s/%s (no such object): %v, not 404", k.path, name, err),
			k.tf+": an object deleted outside Terraform is not removed from state; every refresh of it fails with this error")
	}
}

func (d *doctor) checkTotal(k kind, page client.RawPage) {
	name := k.name + ": total"
	switch {
	case page.Total == nil:
		d.warn(name, "the list answers carry no total",
			"the provider reads each list until an empty page (one request more per list) and cannot notice that a list "+
				"changed while it was read; an object it misses there is confirmed by its GET (a subscription by a second walk) before it counts as gone")
	case len(page.Items) < 100 && *page.Total != len(page.Items):
		d.fail(name, fmt.Sprintf("total is %d but the page of limit=100 holds %d items", *page.Total, len(page.Items)),
			"the provider's list walks read until they have total items: they start over and finally fail "+
				"(\"the list changed while it was read\"), so refresh and the plan checks of "+k.tf+" fail")
	default:
		d.ok(name, fmt.Sprintf("total %d matches the items", *page.Total))
	}
}

// names returns the key of each item.
func names(k kind, items []json.RawMessage) []string {
	out := make([]string, 0, len(items))
	for _, raw := range items {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		s, _ := m[k.key].(string)
		out = append(out, s)
	}
	return out
}

// checkPaging reads two small pages and the list in reverse order and compares them with the
// large page: limit, offset and order[] must be honoured and the order stable.
func (d *doctor) checkPaging(ctx context.Context, k kind, big client.RawPage) {
	name := k.name + ": paging"
	all := names(k, big.Items)
	if len(all) < 2 {
		d.ok(name, fmt.Sprintf("not checked: %s, paging needs two", count(len(all), "object")))
		return
	}
	size := min(len(all)/2, 50)
	var got []string
	for _, offset := range []int{0, size} {
		p, err := d.c.ListPage(ctx, k.path, listQuery(k.key, offset, size))
		if err != nil {
			d.fail(name, err.Error(), k.tf+": the provider's list walks fail the same way")
			return
		}
		got = append(got, names(k, p.Items)...)
	}
	if want := all[:2*size]; !slices.Equal(got, want) {
		if len(got) > 2*size {
			d.warn(name, fmt.Sprintf("limit=%d is not honoured: two pages held %d items", size, len(got)),
				"the provider asks for 100 per page and walks by the number of items it got, so it still reads each "+
					"list whole, with larger pages")
			return
		}
		d.fail(name, fmt.Sprintf("offset 0 and %d with limit=%d and order[]=%s gave %s; one page gave %s",
			size, size, k.key, strings.Join(got, ","), strings.Join(want, ",")),
			"the provider's list walks may skip or repeat objects: an object missing from a list is confirmed by its GET "+
				"(a subscription by a second walk) before it counts as gone, but the plan-time name checks may miss a name that is taken")
		return
	}
	rev, err := d.c.ListPage(ctx, k.path, listQuery("-"+k.key, 0, 100))
	if err != nil {
		d.fail(name, err.Error(), k.tf+": the provider's list walks fail the same way")
		return
	}
	back := names(k, rev.Items)
	for i, j := 0, len(back)-1; i < j; i, j = i+1, j-1 {
		back[i], back[j] = back[j], back[i]
	}
	if len(all) < 100 && !slices.Equal(back, all) {
		d.warn(name, fmt.Sprintf("order[]=-%s is not the reverse of order[]=%s", k.key, k.key),
			"the provider sends order[]="+k.key+" on every walk and relies on it being stable, not on its direction; "+
				"a server that ignores order[] may shift objects across pages, which the provider notices only by total")
		return
	}
	d.ok(name, fmt.Sprintf("two pages of limit=%d at offsets 0 and %d agree with one page of limit=100; order[]=-%s reverses it", size, size, k.key))
}

// count writes n things: "1 item", "3 items".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// sampleSize is how many objects of each type are read one by one.
const sampleSize = 3

// sample picks up to sampleSize items spread over the page: the first, the middle and the last.
func sample(items []json.RawMessage) []json.RawMessage {
	if len(items) <= sampleSize {
		return items
	}
	return []json.RawMessage{items[0], items[len(items)/2], items[len(items)-1]}
}

// checkShape compares sampled list items with their single reads and checks the timestamps.
func (d *doctor) checkShape(ctx context.Context, k kind, page client.RawPage) {
	items := sample(page.Items)
	shape, stamps := k.name+": list vs GET", k.name+": timestamps"
	if len(items) == 0 {
		d.ok(shape, "not checked: no objects")
		d.ok(stamps, "not checked: no objects")
		return
	}
	listStamps := timestampProblems(items)
	if !k.single {
		d.ok(shape, "the contract has no GET of one "+strings.TrimSuffix(k.name, "s")+": the list is the only read")
		if len(listStamps) > 0 {
			d.warn(stamps, "list items: "+strings.Join(listStamps, "; "), uncertainCreate)
			return
		}
		d.ok(stamps, fmt.Sprintf("created and updated are RFC 3339 in %s", count(len(items), "sampled item")))
		return
	}
	var singles []json.RawMessage
	missing := map[string]bool{}
	var differ []string
	for _, item := range items {
		n := names(k, []json.RawMessage{item})[0]
		got, err := d.c.GetRaw(ctx, k.path, n)
		if err != nil {
			d.fail(shape, fmt.Sprintf("GET %s/%s of a listed object: %v", k.path, n, err),
				k.tf+": the refresh reads of one object fail the same way")
			return
		}
		singles = append(singles, got)
		lk, gk := flatten(item), flatten(got)
		for f, gv := range gk {
			lv, ok := lk[f]
			switch {
			case !ok:
				missing[f] = true
			case lv != gv:
				differ = append(differ, fmt.Sprintf("%s of %s", f, n))
			}
		}
	}
	switch {
	case len(missing) > 0 || len(differ) > 0:
		var parts []string
		if len(missing) > 0 {
			parts = append(parts, "list items lack "+strings.Join(sortedKeys(missing), ", "))
		}
		if len(differ) > 0 {
			parts = append(parts, "values differ: "+strings.Join(differ, ", "))
		}
		d.warn(shape, strings.Join(parts, "; ")+fmt.Sprintf(" (%d objects read one by one)", len(items)),
			"drift from lists is confirmed by GET: the refresh of "+k.tf+" reads each object with its own GET "+
				"(one request per object instead of one list per type)")
	default:
		d.ok(shape, fmt.Sprintf("the list items of %s equal their single reads", count(len(items), "sampled object")))
	}
	switch getStamps := timestampProblems(singles); {
	case len(getStamps) > 0:
		d.warn(stamps, "single reads: "+strings.Join(getStamps, "; "), uncertainCreate)
	case len(listStamps) > 0:
		d.warn(stamps, "list items: "+strings.Join(listStamps, "; ")+"; the single reads carry them",
			"the plan-time name check reads created from the list: a name taken by an interrupted apply of this "+
				"working directory is not recognised as its own, and the plan fails with an import block")
	default:
		d.ok(stamps, fmt.Sprintf("created and updated are RFC 3339 in %s and their list items", count(len(items), "sampled object")))
	}
}

// uncertainCreate is what a missing created time costs.
const uncertainCreate = "an uncertain create (its answer lost, or an apply killed after sending it) cannot be proven here " +
	"and fails with an import block"

// timestampProblems describes the objects whose created or updated is absent or not RFC 3339.
func timestampProblems(objs []json.RawMessage) []string {
	problems := map[string]bool{}
	for _, raw := range objs {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		for _, f := range []string{"created", "updated"} {
			v, present := m[f]
			s, isString := v.(string)
			switch {
			case !present || v == nil:
				problems[f+" absent"] = true
			case !isString:
				problems[f+" is not a string"] = true
			default:
				if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
					problems[fmt.Sprintf("%s %q is not RFC 3339", f, s)] = true
				}
			}
		}
	}
	return sortedKeys(problems)
}

// flatten maps the nested fields of a JSON object ("origin.bucket") to their encoded values.
func flatten(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return out
	}
	for k, v := range m {
		if inner := flatten(v); len(inner) > 0 && strings.HasPrefix(strings.TrimSpace(string(v)), "{") {
			for ik, iv := range inner {
				out[k+"."+ik] = iv
			}
			continue
		}
		var canon any
		_ = json.Unmarshal(v, &canon)
		b, _ := json.Marshal(canon)
		out[k] = string(b)
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkAdminToken reports the organizations: the contract has no read of them, so read-only
// the admin token is not checked; -write deletes an organization that cannot exist (a name of
// its unique prefix) and expects 404, not 401.
func (d *doctor) checkAdminToken(ctx context.Context) int {
	const name = "organizations"
	if !d.write {
		d.ok(name, "the admin token is set; the contract has no read of organizations, so only -write checks it "+
			"(with a delete of an organization that does not exist)")
		return exitOK
	}
	probe := d.prefix() + "org"
	err := d.c.DeleteOrganization(ctx, probe, false)
	switch {
	case client.IsNotFound(err):
		d.ok(name, fmt.Sprintf("the admin token is accepted: DELETE /be/v1/orgs/%s (no such organization) answered 404", probe))
	case err == nil:
		d.fail(name, fmt.Sprintf("DELETE /be/v1/orgs/%s answered success for an organization that was never created", probe),
			"the provider cannot tell a deleted organization from one that never existed")
	case credentialRefused(err):
		d.fail(name, err.Error(), "rockit_organization: every create and delete fails until the admin token is fixed")
		return exitUsageOrCred
	default:
		d.fail(name, err.Error(), "rockit_organization: creates and deletes may fail the same way")
	}
	return exitOK
}
