package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/nearest"
)

// Plan checks (issue 23): what the server would refuse at apply, said at plan time.
//
//   - A role (rockit_user / rockit_machine_user `roles`) or deployment (rockit_app
//     `deployments`) that the plan adds to a holder, is known, does not exist on the server and
//     is not planned by a rockit_role / rockit_deployment of this run: an error naming the
//     nearest existing names. When a resource of this run does plan it, the holder names it
//     with a literal string (a reference would have made Terraform plan that resource first):
//     a warning to reference it, so that Terraform creates it first.
//   - A role or deployment that the plan deletes (destroy, or a rename, which replaces it)
//     while users or apps this run does not change hold or register it: a warning naming
//     them, since the delete will be refused (409).
//
// Each provider process (one per walk of Terraform: plan, apply) keeps a planBook per provider
// configuration, in its run memory (run_memory.go): what the ModifyPlan calls of this walk
// planned, and each list it read, read at most once per type (through the collection
// snapshot, which the refresh may have read already).
// Terraform plans resources without a dependency between them in any order, so a check that
// is about to report waits until no ModifyPlan of these types has arrived for planQuiet, or
// until nothing is left to report: a rockit_role planned later than the user that names it
// literally, or a user planned later than the role it gives up, is then seen as well.

// envPlanChecks sets plan_checks when the attribute is not set (boolSetting: true/false, 1/0).
const envPlanChecks = "ROCKIT_PLAN_CHECKS"

var (
	// planQuiet is how long the walk must have planned nothing of these types before a check
	// reports; planWaitMax bounds the wait.
	planQuiet   = time.Second
	planWaitMax = 30 * time.Second
)

// newPlanBook is the plan book of a new provider configuration on c (its run memory's,
// run_memory.go).
func newPlanBook(c *client.Client) *planBook {
	return &planBook{c: c, quiet: planQuiet, creates: map[string]map[string]bool{},
		holders: map[string]map[string]plannedRefs{}, lists: map[string]*listOnce{}, shared: newSharedBook(c)}
}

// planBook is what one walk planned so far, and the lists its checks read.
type planBook struct {
	c     *client.Client
	quiet time.Duration

	mu      sync.Mutex
	last    time.Time                         // the last ModifyPlan noted
	creates map[string]map[string]bool        // "role" -> names a resource of this walk plans to create
	holders map[string]map[string]plannedRefs // "user" -> username -> what it is planned to hold
	lists   map[string]*listOnce              // "roles" -> the list, read once
	// shared is this configuration's file in the run's shared plan book (plan_book_shared.go),
	// nil when there is none.
	shared *sharedBook
}

// plannedRefs is what a holder (user, app) of this walk is planned to reference; gone: it is
// destroyed (or renamed away); unknown: not known until apply.
type plannedRefs struct {
	names   map[string]bool
	gone    bool
	unknown bool
}

type listOnce struct {
	once  sync.Once
	names []string            // the objects' names
	refs  map[string][]string // holder lists: name -> what it references
	err   error
}

// list reads a list once per walk; every check of the walk shares the answer.
func (b *planBook) list(kind string, read func(*listOnce) error) (*listOnce, error) {
	b.mu.Lock()
	l := b.lists[kind]
	if l == nil {
		l = &listOnce{}
		b.lists[kind] = l
	}
	b.mu.Unlock()
	l.once.Do(func() { l.err = read(l) })
	return l, l.err
}

func (b *planBook) touch() {
	b.last = time.Now()
	b.shared.note("", "")
}

// unchanged notes a ModifyPlan of an object the plan leaves as it is, which needs no check: it
// creates and deletes no name, and a holder left out of the book counts as still holding what
// the server says, as it does.
func (b *planBook) unchanged(req resource.ModifyPlanRequest) bool {
	b.mu.Lock()
	b.touch()
	b.mu.Unlock()
	return !req.Plan.Raw.IsNull() && !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw)
}

// settle waits until done says the answer is certain, or the walk has planned nothing of
// these types for b.quiet (at most planWaitMax, or until ctx ends).
func (b *planBook) settle(ctx context.Context, done func() bool) {
	deadline := time.Now().Add(planWaitMax)
	for !done() {
		b.mu.Lock()
		left := b.quiet - time.Since(b.last)
		b.mu.Unlock()
		left = max(left, siblingsQuietIn(b.shared.siblings(), b.quiet))
		if left <= 0 || time.Now().After(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(min(left, 20*time.Millisecond)):
		}
	}
}

// refKind is a referenced type (role, deployment) with its holders (users, apps).
type refKind struct {
	key             identityKey // the referenced type: roleKey ("role", "rockit_role", "roles")
	attr            string      // the holders' attribute: "roles"
	holder, holders string      // "user", "users"
	verb            string      // "hold", "register"
	builtIn         string      // a name that always exists, "" for none
	names           func(ctx context.Context, c *client.Client, l *listOnce) error
	refs            func(ctx context.Context, c *client.Client, l *listOnce) error
}

var roleRefs = refKind{
	key: roleKey, attr: "roles", holder: "user", holders: "users", verb: "hold", builtIn: builtInRole,
	names: listOf((*client.Client).ReadRoles, func(r client.Role) string { return r.Name }, nil),
	refs: listOf(func(c *client.Client, ctx context.Context) ([]client.User, error) {
		return c.ReadUsers(ctx, client.ListUsersOptions{})
	}, func(u client.User) string { return u.Username }, func(u client.User) []string { return u.Roles }),
}

var deploymentRefs = refKind{
	key: deploymentKey, attr: "deployments", holder: "app", holders: "apps", verb: "register",
	names: listOf((*client.Client).ReadDeployments, func(d client.Deployment) string { return d.Name }, nil),
	refs:  listOf((*client.Client).ReadApps, func(a client.App) string { return a.Name }, func(a client.App) []string { return a.Deployments }),
}

// listOf fills a listOnce from a list read: the names, and with refs what each references.
func listOf[T any](read func(*client.Client, context.Context) ([]T, error), name func(T) string, refs func(T) []string) func(context.Context, *client.Client, *listOnce) error {
	return func(ctx context.Context, c *client.Client, l *listOnce) error {
		items, err := read(c, ctx)
		l.refs = map[string][]string{}
		for _, it := range items {
			l.names = append(l.names, name(it))
			if refs != nil {
				l.refs[name(it)] = refs(it)
			}
		}
		return err
	}
}

// checkRoleTarget is the plan check of rockit_role: notes a role this walk creates, and warns
// when it deletes one that others hold.
func checkRoleTarget(ctx context.Context, m *runMemory, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkTarget(ctx, m, roleRefs, req, resp)
}

// checkDeploymentTarget is checkRoleTarget for rockit_deployment and the apps.
func checkDeploymentTarget(ctx context.Context, m *runMemory, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkTarget(ctx, m, deploymentRefs, req, resp)
}

// checkUserRoles is the plan check of rockit_user and rockit_machine_user.
func checkUserRoles(ctx context.Context, m *runMemory, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkHolder(ctx, m, roleRefs, "username", req, resp)
}

// checkAppPlan is the plan check of rockit_app: a new app published to every deployment warns
// (always, it costs nothing), and its deployments are checked.
func checkAppPlan(ctx context.Context, m *runMemory, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() && !req.Plan.Raw.IsNull() {
		var name types.String
		var deployments types.Set
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("deployments"), &deployments)...)
		if !deployments.IsNull() && !deployments.IsUnknown() && len(deployments.Elements()) == 0 {
			resp.Diagnostics.AddAttributeWarning(path.Root("deployments"), "The app will be published to all deployments",
				fmt.Sprintf("The new app%s registers no deployments, which the API reads as ALL deployments of the "+
					"organization: its builds will be published to every deployment, now and in the future. If that is not "+
					"what you want, list the deployments it should be published to.", quotedName(name)))
		}
	}
	checkHolder(ctx, m, deploymentRefs, "name", req, resp)
}

// quotedName is " \"name\"" for a known name, "" otherwise.
func quotedName(v types.String) string {
	if !known(v) {
		return ""
	}
	return fmt.Sprintf(" %q", v.ValueString())
}

// checkTarget notes a planned create of a role or deployment, and warns when the plan deletes
// one (destroy or rename) that holders outside this plan still reference.
func checkTarget(ctx context.Context, m *runMemory, k refKind, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	b := m.planBook()
	if b == nil {
		return
	}
	c := b.c
	if b.unchanged(req) {
		return
	}
	var planned, prior types.String
	if !req.Plan.Raw.IsNull() {
		req.Plan.GetAttribute(ctx, path.Root("name"), &planned)
	}
	if !req.State.Raw.IsNull() {
		req.State.GetAttribute(ctx, path.Root("name"), &prior)
	}
	b.mu.Lock()
	b.touch()
	if known(planned) && !planned.Equal(prior) {
		if b.creates[k.key.kind] == nil {
			b.creates[k.key.kind] = map[string]bool{}
		}
		b.creates[k.key.kind][planned.ValueString()] = true
		b.shared.note(k.key.kind, planned.ValueString())
	}
	b.mu.Unlock()
	if !known(prior) || planned.Equal(prior) || planned.IsUnknown() {
		return
	}
	removed := prior.ValueString()
	l, err := b.list(k.holders, func(l *listOnce) error { return k.refs(ctx, c, l) })
	if err != nil {
		tflog.Debug(ctx, "plan check skipped: the list could not be read", map[string]any{"list": k.holders, "error": err.Error()})
		return
	}
	b.settle(ctx, func() bool { return len(b.outsideHolders(k, l, removed)) == 0 })
	outside := b.outsideHolders(k, l, removed)
	if len(outside) == 0 {
		return
	}
	what := "destroys"
	if !req.Plan.Raw.IsNull() {
		what = fmt.Sprintf("renames it to %q, which replaces it: it deletes", planned.ValueString())
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("The %s %q is still in use", k.key.kind, removed),
		fmt.Sprintf("This plan %s the %s %q, but %s that this plan does not change still %s it: %s. The server refuses to "+
			"delete a %s that is in use (409), so the apply will fail there unless they give it up first: remove it from "+
			"their %s (in this configuration, or wherever they are managed), or keep the %s.",
			what, k.key.kind, removed, k.holders, k.verb, listNames(outside), k.key.kind, k.attr, k.key.kind))
}

// outsideHolders are the holders on the server that reference name and that this walk does
// not plan to change away from it (a holder planned without it, destroyed, or with unknown
// references does not count).
func (b *planBook) outsideHolders(k refKind, l *listOnce, name string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for holder, refs := range l.refs {
		if !slices.Contains(refs, name) {
			continue
		}
		if p, ok := b.holders[k.holder][holder]; ok && (p.gone || p.unknown || !p.names[name]) {
			continue
		}
		out = append(out, holder)
	}
	sort.Strings(out)
	return out
}

// checkHolder notes what a user or app is planned to reference, and checks the names the plan
// adds: known ones missing on the server and not planned by this walk are an error with the
// nearest names; ones this walk plans (a literal name, see above) a warning.
func checkHolder(ctx context.Context, m *runMemory, k refKind, key string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	b := m.planBook()
	if b == nil {
		return
	}
	c := b.c
	if b.unchanged(req) {
		return
	}
	var planned, prior types.String
	var newRefs, priorRefs types.Set
	if !req.Plan.Raw.IsNull() {
		req.Plan.GetAttribute(ctx, path.Root(key), &planned)
		req.Plan.GetAttribute(ctx, path.Root(k.attr), &newRefs)
	}
	if !req.State.Raw.IsNull() {
		req.State.GetAttribute(ctx, path.Root(key), &prior)
		req.State.GetAttribute(ctx, path.Root(k.attr), &priorRefs)
	}
	refs, complete := knownStrings(newRefs)
	b.mu.Lock()
	b.touch()
	if b.holders[k.holder] == nil {
		b.holders[k.holder] = map[string]plannedRefs{}
	}
	if known(prior) && !prior.Equal(planned) {
		b.holders[k.holder][prior.ValueString()] = plannedRefs{gone: true}
	}
	if known(planned) {
		p := plannedRefs{names: map[string]bool{}, unknown: !complete}
		for _, n := range refs {
			p.names[n] = true
		}
		b.holders[k.holder][planned.ValueString()] = p
	}
	b.mu.Unlock()
	if req.Plan.Raw.IsNull() {
		return
	}
	had, _ := knownStrings(priorRefs)
	var added []string
	for _, n := range refs {
		if !slices.Contains(had, n) && n != k.builtIn {
			added = append(added, n)
		}
	}
	if len(added) == 0 || len(b.missing(k, added)) == 0 {
		return
	}
	l, err := b.list(k.key.collection(), func(l *listOnce) error { return k.names(ctx, c, l) })
	if err != nil {
		tflog.Debug(ctx, "plan check skipped: the list could not be read", map[string]any{"list": k.key.collection(), "error": err.Error()})
		return
	}
	var absent []string
	for _, n := range b.missing(k, added) {
		if !slices.Contains(l.names, n) {
			absent = append(absent, n)
		}
	}
	if len(absent) == 0 {
		return
	}
	b.settle(ctx, func() bool { return len(b.missing(k, absent)) == 0 })
	literal := map[string]bool{}
	for _, n := range absent {
		literal[n] = true
	}
	for _, n := range b.missing(k, absent) {
		literal[n] = false
	}
	ref := fmt.Sprintf("`%s.<name>.name`", k.key.typeName)
	// Another provider configuration of this organization that is still planning may plan the
	// name yet: the check cannot know, so it warns instead of failing a valid configuration.
	busy := b.shared != nil && siblingsQuietIn(b.shared.siblings(), b.quiet) > 0
	for _, n := range absent {
		if !literal[n] && busy {
			resp.Diagnostics.AddAttributeWarning(path.Root(k.attr), fmt.Sprintf("The %s %q was not found", k.key.kind, n),
				fmt.Sprintf("The %s %q does not exist in the organization and no %s planned so far creates it, but another "+
					"provider configuration of this organization is still planning in this run, so it may create it. If not, "+
					"the apply fails on it. If this configuration creates it, reference it as %s.", k.key.kind, n, k.key.typeName, ref))
			continue
		}
		if literal[n] {
			resp.Diagnostics.AddAttributeWarning(path.Root(k.attr), fmt.Sprintf("The %s %q is named with a literal string", k.key.kind, n),
				fmt.Sprintf("The %s %q does not exist yet: a %s of this configuration creates it, but a literal name does not tell "+
					"Terraform to create it first, so the apply may create this %s first and fail. Reference it as %s, so that "+
					"Terraform creates it first.", k.key.kind, n, k.key.typeName, k.holder, ref))
			continue
		}
		detail := fmt.Sprintf("The %s %q does not exist in the organization, and no %s of this plan creates it.", k.key.kind, n, k.key.typeName)
		if near := nearestNames(n, append(l.names, builtInOf(k)...)); len(near) > 0 {
			detail += " Did you mean " + orNames(near) + "?"
		}
		resp.Diagnostics.AddAttributeError(path.Root(k.attr), fmt.Sprintf("No %s %q", k.key.kind, n),
			detail+fmt.Sprintf(" If this configuration creates it under this literal name, reference it as %s, so that "+
				"Terraform creates it first.", ref))
	}
}

func builtInOf(k refKind) []string {
	if k.builtIn == "" {
		return nil
	}
	return []string{k.builtIn}
}

// missing are the names this walk does not plan to create, under this provider configuration
// or another one of the same host and organization in this run (the shared plan book).
//
// The names of this walk come first: the sibling files are read only for what is left, so
// that the common case (a reference to a role this walk plans) costs no file read, and a
// check does not cost O(N) (a whole sibling book) per object (issue 29: flat cost per object).
func (b *planBook) missing(k refKind, names []string) []string {
	b.mu.Lock()
	var out []string
	for _, n := range names {
		if !b.creates[k.key.kind][n] {
			out = append(out, n)
		}
	}
	b.mu.Unlock()
	if len(out) == 0 || b.shared == nil {
		return out
	}
	sibs := b.shared.siblings()
	return slices.DeleteFunc(out, func(n string) bool { return plannedBySiblings(sibs, k.key.kind, n) })
}

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// knownStrings returns the known elements of a set, and whether the whole set is known.
func knownStrings(s types.Set) ([]string, bool) {
	if s.IsNull() {
		return nil, true
	}
	if s.IsUnknown() {
		return nil, false
	}
	complete := true
	var out []string
	for _, e := range s.Elements() {
		v, ok := e.(types.String)
		if !ok || !known(v) {
			complete = false
			continue
		}
		out = append(out, v.ValueString())
	}
	return out, complete
}

// listNames quotes up to ten names, and counts the rest.
func listNames(names []string) string {
	var q []string
	for i, n := range names {
		if i == 10 {
			q = append(q, fmt.Sprintf("and %d more", len(names)-10))
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	return strings.Join(q, ", ")
}

func orNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// nearestNames are the existing names nearest to name (nearest.Names: equal but for case, else
// the smallest edit distance within a third of the name's length; at most three).
func nearestNames(name string, existing []string) []string {
	return nearest.Names(name, slices.Compact(slices.Sorted(slices.Values(existing))))
}
