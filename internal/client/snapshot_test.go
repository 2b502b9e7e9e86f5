package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// collServer is an org with roles and subscriptions that answers the list endpoints in pages
// (order[]=name, offset, limit capped at 100, total), single role GETs and role PATCHes.
// omit is a field its list items leave out (the shape check); beforeList runs before each list
// answer is built (with the request's offset), and afterCopy after the page's items were
// copied but before it is sent (to hold a page with its pre-write content back).
type collServer struct {
	*recordingServer
	mu         sync.Mutex
	roles      map[string]int // name -> permissions.apps
	subs       map[string]bool
	omit       string
	beforeList func(s *collServer, offset int)
	afterCopy  func(offset int)
}

func newCollServer(t *testing.T, roles, subs int) *collServer {
	s := &collServer{roles: map[string]int{}, subs: map[string]bool{}}
	for i := 0; i < roles; i++ {
		s.roles[fmt.Sprintf("role_%03d", i)] = 2
	}
	for i := 0; i < subs; i++ {
		s.subs[fmt.Sprintf("sub_%03d", i)] = true
	}
	s.recordingServer = newRecordingServer(t, s.serve)
	return s
}

func (s *collServer) roleJSON(name string, perm int) map[string]any {
	return map[string]any{"name": name, "permissions": map[string]int{"apps": perm},
		"created": "2026-01-01T00:00:00Z", "updated": "2026-01-02T00:00:00Z"}
}

func (s *collServer) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && (r.URL.Path == "/be/v1/roles" || r.URL.Path == "/be/v1/subscriptions"):
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		lim = min(lim, 100)
		if r.URL.Query().Get("order[]") != "name" {
			writeJSONAnswer(w, http.StatusBadRequest, map[string]any{"status": "error", "message": "no order"})
			return
		}
		s.mu.Lock()
		if s.beforeList != nil {
			s.beforeList(s, off)
		}
		var names []string
		if r.URL.Path == "/be/v1/roles" {
			for n := range s.roles {
				names = append(names, n)
			}
		} else {
			for n := range s.subs {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		page := []map[string]any{}
		for i := off; i < len(names) && i < off+lim; i++ {
			var item map[string]any
			if r.URL.Path == "/be/v1/roles" {
				item = s.roleJSON(names[i], s.roles[names[i]])
			} else {
				item = map[string]any{"name": names[i], "type": "webhook", "url": "https://x.example.com"}
			}
			delete(item, s.omit)
			page = append(page, item)
		}
		after := s.afterCopy
		s.mu.Unlock()
		if after != nil {
			after(off)
		}
		writeJSONAnswer(w, http.StatusOK, map[string]any{"status": "success", "data": page, "total": len(names)})
	case r.Method == http.MethodPost && r.URL.Path == "/be/v1/subscriptions":
		writeJSONAnswer(w, http.StatusConflict, map[string]any{"status": "error", "message": "subscription exists"})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/be/v1/roles/"):
		name := strings.TrimPrefix(r.URL.Path, "/be/v1/roles/")
		s.mu.Lock()
		perm, ok := s.roles[name]
		s.mu.Unlock()
		if !ok {
			writeJSONAnswer(w, http.StatusNotFound, map[string]any{"status": "error", "message": "role '" + name + "' not found"})
			return
		}
		writeJSONAnswer(w, http.StatusOK, success(s.roleJSON(name, perm)))
	case r.Method == http.MethodPatch && r.URL.Path == "/be/v1/roles":
		var body struct {
			Name        string         `json:"name"`
			Permissions map[string]int `json:"permissions"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeJSONAnswer(w, http.StatusBadRequest, map[string]any{"status": "error", "message": err.Error()})
			return
		}
		s.mu.Lock()
		s.roles[body.Name] = body.Permissions["apps"]
		s.mu.Unlock()
		writeJSONAnswer(w, http.StatusOK, success(s.roleJSON(body.Name, body.Permissions["apps"])))
	default:
		writeJSONAnswer(w, http.StatusNotFound, map[string]any{"status": "error", "message": "no route"})
	}
}

// tally counts list pages and single reads of roles and subscription list pages.
func (s *collServer) tally() (rolePages, roleGets, subPages int) {
	for _, r := range s.Requests() {
		switch {
		case r.Method != http.MethodGet:
		case r.Path == "/be/v1/roles":
			rolePages++
		case strings.HasPrefix(r.Path, "/be/v1/roles/"):
			roleGets++
		case r.Path == "/be/v1/subscriptions":
			subPages++
		}
	}
	return
}

func collClient(t *testing.T, srv *collServer, on bool, log Logger) *Client {
	return newTestClient(t, srv.URL, nil, func(cfg *Config) {
		cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", "k"
		cfg.CollectionReads = on
		cfg.Logger = log
	})
}

// readAll reads the roles names at once, as Terraform's refresh does, and checks each answer.
func readAll(t *testing.T, c *Client, names []string, wantPerm int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(names))
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			ro, err := c.ReadRole(context.Background(), n)
			switch {
			case err != nil:
				errs <- fmt.Errorf("ReadRole(%s): %w", n, err)
			case ro.Name != n || ro.Permissions["apps"] != wantPerm || ro.Updated == "":
				errs <- fmt.Errorf("ReadRole(%s) = %+v", n, ro)
			}
		}(n)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func roleNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("role_%03d", i)
	}
	return out
}

// settle waits for the background first page a lone read starts.
func settle() { time.Sleep(200 * time.Millisecond) }

func TestCollectionReads_concurrentReadsShareOneWalk(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	c := collClient(t, srv, true, nil)
	readAll(t, c, roleNames(250), 2)
	settle()
	pages, gets, _ := srv.tally()
	if pages != 3 || gets > 1 {
		t.Fatalf("250 concurrent reads made %d list pages and %d single GETs; want exactly 3 pages and at most 1 GET (the shape check)", pages, gets)
	}
	// Each object is served once: reading it again (a provider server kept for another
	// operation) reads it alone, without the list.
	readAll(t, c, roleNames(250)[:10], 2)
	if p2, g2, _ := srv.tally(); p2 != pages || g2 != gets+10 {
		t.Fatalf("second reads: pages %d -> %d (want none more), GETs %d -> %d (want 10 more)", pages, p2, gets, g2)
	}
	// The pages after the first were read with offsets 100 and 200, limit 100, order[]=name.
	offsets := map[string]bool{}
	for _, r := range srv.Requests() {
		if r.Path == "/be/v1/roles" {
			q, _ := url.ParseQuery(r.Query)
			offsets[q.Get("offset")+"/"+q.Get("limit")+"/"+q.Get("order[]")] = true
		}
	}
	for _, want := range []string{"0/100/name", "100/100/name", "200/100/name"} {
		if !offsets[want] {
			t.Errorf("no list request with offset/limit/order %s: %v", want, offsets)
		}
	}
}

func TestCollectionReads_loneReadCostsOnePageMore(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	c := collClient(t, srv, true, nil)
	readAll(t, c, []string{"role_200"}, 2)
	settle()
	pages, gets, _ := srv.tally()
	if gets != 1 || pages > 1 {
		t.Fatalf("a lone read made %d single GETs and %d list pages; want 1 GET and at most 1 page", gets, pages)
	}
}

func TestCollectionReads_absentObjectIsConfirmedByItsGET(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	c := collClient(t, srv, true, nil)
	readAll(t, c, roleNames(250)[:20], 2)
	before := srv.count(http.MethodGet, "/be/v1/roles/ghost")
	_, err := c.ReadRole(context.Background(), "ghost")
	if !IsNotFound(err) {
		t.Fatalf("ReadRole(ghost) = %v, want a 404", err)
	}
	if n := srv.count(http.MethodGet, "/be/v1/roles/ghost") - before; n != 1 {
		t.Fatalf("the absent role was confirmed with %d GETs, want exactly 1", n)
	}
}

// An object deleted while the list is walked shifts the later pages: the walk starts over, so
// no live role is missed, and the deleted one is reported gone after its own GET.
func TestCollectionReads_objectDeletedDuringTheWalk(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	deleted := false
	srv.beforeList = func(s *collServer, offset int) {
		if offset > 0 && !deleted {
			deleted = true
			delete(s.roles, "role_000")
		}
	}
	c := collClient(t, srv, true, nil)
	readAll(t, c, roleNames(250)[1:], 2)
	_, err := c.ReadRole(context.Background(), "role_000")
	if !IsNotFound(err) {
		t.Fatalf("ReadRole(role_000) = %v, want a 404 (deleted)", err)
	}
	if n := srv.count(http.MethodGet, "/be/v1/roles/role_000"); n != 1 {
		t.Fatalf("the deleted role was read alone %d times, want 1", n)
	}
}

// A walk that started before an update and answers with the role as it was before must not
// put that older version into the snapshot.
func TestCollectionReads_walkBeforeAWriteDoesNotResurrectTheOldValue(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv.afterCopy = func(offset int) {
		if offset == 200 {
			once.Do(func() { close(held) })
			<-release
		}
	}
	c := collClient(t, srv, true, nil)
	ctx := context.Background()
	if _, err := c.ReadRole(ctx, "role_000"); err != nil { // first reader: GET + page 1
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := c.ReadRole(ctx, "role_001"); done <- err }() // second: the walk
	<-held                                                             // the page with role_210 holds its pre-update copy
	if _, err := c.UpdateRole(ctx, UpdateRoleRequest{Name: "role_210", Permissions: map[string]int{"apps": 6}}); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ro, err := c.ReadRole(ctx, "role_210")
	if err != nil || ro.Permissions["apps"] != 6 {
		t.Fatalf("ReadRole after the update = %+v, %v; want apps = 6 (the update's value)", ro, err)
	}
	// An untouched role of the same page still comes from the snapshot.
	gets := srv.count(http.MethodGet, "/be/v1/roles/role_211")
	if ro, err := c.ReadRole(ctx, "role_211"); err != nil || ro.Permissions["apps"] != 2 {
		t.Fatalf("ReadRole(role_211) = %+v, %v", ro, err)
	}
	if n := srv.count(http.MethodGet, "/be/v1/roles/role_211") - gets; n != 0 {
		t.Fatalf("an untouched role was read alone (%d GETs)", n)
	}
}

// A read after a write sees the write, also when the snapshot was complete before it.
func TestCollectionReads_writeDropsTheObject(t *testing.T) {
	srv := newCollServer(t, 50, 0)
	c := collClient(t, srv, true, nil)
	readAll(t, c, append(roleNames(50)[:7:7], roleNames(50)[8:]...), 2) // all but role_007
	if _, err := c.UpdateRole(context.Background(), UpdateRoleRequest{Name: "role_007", Permissions: map[string]int{"apps": 14}}); err != nil {
		t.Fatal(err)
	}
	ro, err := c.ReadRole(context.Background(), "role_007")
	if err != nil || ro.Permissions["apps"] != 14 {
		t.Fatalf("ReadRole after the update = %+v, %v; want apps = 14", ro, err)
	}
	if n := srv.count(http.MethodGet, "/be/v1/roles/role_007"); n != 1 {
		t.Fatalf("role_007 was read alone %d times, want 1 (after the update)", n)
	}
}

// List items without a field the single read has: the type falls back to single reads.
func TestCollectionReads_listLackingAFieldMeansSingleReads(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	srv.omit = "updated"
	log := &recordingLogger{}
	c := collClient(t, srv, true, log)
	readAll(t, c, roleNames(250), 2) // readAll checks that every answer carries updated
	pages, gets, _ := srv.tally()
	if gets != 250 || pages > 3 {
		t.Fatalf("got %d single GETs and %d list pages; want 250 GETs (one per read) and at most 3 pages", gets, pages)
	}
	readAll(t, c, roleNames(250)[:10], 2)
	if p2, g2, _ := srv.tally(); p2 != pages || g2 != gets+10 {
		t.Fatalf("after the verdict: pages %d -> %d (want none more), GETs %d -> %d (want 10 more)", pages, p2, gets, g2)
	}
	n := 0
	for _, l := range log.Lines() {
		if strings.Contains(l, "lack fields") {
			n++
			if !strings.Contains(l, `"missing_fields":"updated"`) || !strings.Contains(l, `"collection":"roles"`) {
				t.Errorf("log line %q does not name the collection and the missing field", l)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d log lines about the missing fields, want 1:\n%s", n, strings.Join(log.Lines(), "\n"))
	}
}

func TestCollectionReads_offReadsEachObjectAlone(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	c := collClient(t, srv, false, nil)
	readAll(t, c, roleNames(250), 2)
	settle()
	pages, gets, _ := srv.tally()
	if gets != 250 || pages != 0 {
		t.Fatalf("with collection reads off: %d GETs and %d list pages; want 250 and 0", gets, pages)
	}
}

func TestCollectionReads_subscriptionsShareTheSnapshot(t *testing.T) {
	srv := newCollServer(t, 0, 150)
	c := collClient(t, srv, true, nil)
	var wg sync.WaitGroup
	for i := 0; i < 150; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("sub_%03d", i)
			if s, err := c.GetSubscription(context.Background(), name); err != nil || s.Name != name {
				t.Errorf("GetSubscription(%s) = %+v, %v", name, s, err)
			}
		}(i)
	}
	wg.Wait()
	all, err := c.ReadSubscriptions(context.Background())
	if err != nil || len(all) != 150 {
		t.Fatalf("ReadSubscriptions = %d items, %v", len(all), err)
	}
	if _, _, pages := srv.tally(); pages != 2 {
		t.Fatalf("150 subscription reads and the list made %d list pages, want 2", pages)
	}
	// An absent subscription is looked for in one fresh walk before it is reported gone.
	if _, err := c.GetSubscription(context.Background(), "sub_ghost"); !IsNotFound(err) {
		t.Fatalf("GetSubscription(sub_ghost) = %v, want a 404", err)
	}
	if _, _, pages := srv.tally(); pages != 4 {
		t.Fatalf("the absent subscription cost %d more list pages, want one fresh walk (2)", pages-2)
	}
}

// The list data sources are served from the snapshot and see a write of this process.
func TestCollectionReads_listAfterAWriteWalksAgain(t *testing.T) {
	srv := newCollServer(t, 50, 0)
	c := collClient(t, srv, true, nil)
	readAll(t, c, roleNames(50), 2)
	pages, _, _ := srv.tally()
	if all, err := c.ReadRoles(context.Background()); err != nil || len(all) != 50 {
		t.Fatalf("ReadRoles = %d, %v", len(all), err)
	}
	if p, _, _ := srv.tally(); p != pages {
		t.Fatalf("ReadRoles after the walk made %d list requests, want 0", p-pages)
	}
	if _, err := c.UpdateRole(context.Background(), UpdateRoleRequest{Name: "role_001", Permissions: map[string]int{"apps": 6}}); err != nil {
		t.Fatal(err)
	}
	all, err := c.ReadRoles(context.Background())
	if err != nil || len(all) != 50 || all[1].Name != "role_001" || all[1].Permissions["apps"] != 6 {
		t.Fatalf("ReadRoles after the update = %+v, %v", all, err)
	}
}

// A list data source that walks first: the refresh reads share its walk, and one of them (not
// every one) reads its object alone for the shape check.
func TestCollectionReads_readsAfterAListShareItsWalk(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	c := collClient(t, srv, true, nil)
	if all, err := c.ReadRoles(context.Background()); err != nil || len(all) != 250 {
		t.Fatalf("ReadRoles = %d, %v", len(all), err)
	}
	readAll(t, c, roleNames(250), 2)
	settle()
	if pages, gets, _ := srv.tally(); pages != 3 || gets != 1 {
		t.Fatalf("the list and 250 reads made %d list pages and %d single GETs; want 3 and 1", pages, gets)
	}
}

// A subscription looked for in a fresh walk while a write names it (here a create answered
// 409) is found in that walk as read: the snapshot leaves it out, but it is not absent.
func TestCollectionReads_subscriptionWrittenDuringTheFreshWalkIsNotGone(t *testing.T) {
	srv := newCollServer(t, 0, 150)
	c := collClient(t, srv, true, nil)
	ctx := context.Background()
	if _, err := c.GetSubscription(ctx, "sub_000"); err != nil { // the first walk
		t.Fatal(err)
	}
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv.mu.Lock()
	srv.subs["sub_new"] = true // made by someone else after the first walk
	srv.afterCopy = func(offset int) {
		if offset == 100 {
			once.Do(func() { close(held); <-release })
		}
	}
	srv.mu.Unlock()
	done := make(chan error, 1)
	go func() { _, err := c.GetSubscription(ctx, "sub_new"); done <- err }() // not in the snapshot: a fresh walk
	<-held
	if _, err := c.CreateSubscription(ctx, CreateSubscriptionRequest{Name: "sub_new", Type: "webhook", URL: "https://x.example.com"}); !IsConflict(err) {
		t.Fatalf("CreateSubscription = %v, want the 409", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("GetSubscription(sub_new) = %v; it exists and the fresh walk read it", err)
	}
}

// A filtered users list asks the server to filter while there is no snapshot to share (a
// selective filter never walks every user), and filters the snapshot in the client once one
// exists.
func TestCollectionReads_filteredUsersListSharesOnlyASnapshotThatExists(t *testing.T) {
	m, auth := mockWithBot(t)
	for i := range 130 {
		m.SeedUser("Acme", fmt.Sprintf("h%03d", i), false)
	}
	for i := range 3 {
		m.SeedUser("Acme", fmt.Sprintf("m%d", i), true)
	}
	hs := httptest.NewServer(m)
	t.Cleanup(hs.Close)
	c := newTestClient(t, hs.URL, nil, func(cfg *Config) { auth(cfg); cfg.CollectionReads = true })
	ctx := context.Background()
	queries := func() []string {
		var q []string
		for _, r := range m.Requests() {
			if r.Method == http.MethodGet && r.Path == "/be/v1/users" {
				q = append(q, r.Query)
			}
		}
		m.ResetRequests()
		return q
	}

	machines, err := c.ReadUsers(ctx, ListUsersOptions{Type: UserTypeMachine})
	if err != nil {
		t.Fatal(err)
	}
	if len(machines) != 4 { // bot and m0..m2
		t.Errorf("got %d machine users, want 4", len(machines))
	}
	if q := queries(); len(q) != 1 || !strings.Contains(q[0], "type=machine") {
		t.Errorf("without a snapshot the server filters in one request; got %q", q)
	}

	all, err := c.ReadUsers(ctx, ListUsersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 135 { // with the organization's admin
		t.Errorf("got %d users, want 135", len(all))
	}
	if q := queries(); len(q) != 2 {
		t.Errorf("the whole list is 2 pages; got %q", q)
	}

	machines, err = c.ReadUsers(ctx, ListUsersOptions{Type: UserTypeMachine})
	if err != nil {
		t.Fatal(err)
	}
	if len(machines) != 4 {
		t.Errorf("from the snapshot: got %d machine users, want 4", len(machines))
	}
	for _, u := range machines {
		if u.Type != UserTypeMachine {
			t.Errorf("user %s of type %q in the machine list", u.Username, u.Type)
		}
	}
	if q := queries(); len(q) != 0 {
		t.Errorf("with a snapshot the filter costs no request; got %q", q)
	}
}

// A list read never goes back in time (issue 21 item 3): a caller whose write has finished does
// not join a walk that began before it, else it would return the old object.
func TestCollectionReads_listDoesNotJoinAWalkOlderThanItsWrite(t *testing.T) {
	srv := newCollServer(t, 250, 0)
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	releaseOnce := sync.OnceFunc(func() { close(release) })
	srv.afterCopy = func(offset int) {
		if offset == 200 {
			once.Do(func() { close(held); <-release })
		}
	}
	c := collClient(t, srv, true, nil)
	ctx := context.Background()
	first := make(chan error, 1)
	go func() { _, err := c.ReadRoles(ctx); first <- err }() // a walk that began before the write
	<-held                                                   // its last page holds role_210's old copy
	if _, err := c.UpdateRole(ctx, UpdateRoleRequest{Name: "role_210", Permissions: map[string]int{"apps": 6}}); err != nil {
		t.Fatal(err)
	}
	second := make(chan []Role, 1)
	go func() {
		all, err := c.ReadRoles(ctx)
		if err != nil {
			t.Error(err)
		}
		second <- all
	}()
	var all []Role
	select {
	case all = <-second:
	case <-time.After(5 * time.Second):
		releaseOnce() // it joined the old walk and waits for it
		all = <-second
	}
	releaseOnce()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Name == "role_210" && r.Permissions["apps"] != 6 {
			t.Fatalf("ReadRoles after the update returned role_210 with apps = %d: a walk older than the write", r.Permissions["apps"])
		}
	}
	if len(all) != 250 {
		t.Fatalf("ReadRoles = %d roles, want 250", len(all))
	}
}

// shapeServer answers GET /be/v1/<kind> (one page with total) and GET /be/v1/<kind>/<name>
// from objects, the list items passed through item (which may leave fields out).
func shapeServer(t *testing.T, kind, key string, objects []map[string]any, item func(map[string]any) map[string]any) *recordingServer {
	t.Helper()
	return newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writeJSONAnswer(w, http.StatusNotFound, map[string]any{"status": "error", "message": "no route"})
			return
		}
		if r.URL.Path == "/be/v1/"+kind {
			page := []map[string]any{}
			for _, o := range objects {
				page = append(page, item(o))
			}
			writeJSONAnswer(w, http.StatusOK, map[string]any{"status": "success", "data": page, "total": len(page)})
			return
		}
		for _, o := range objects {
			if r.URL.Path == "/be/v1/"+kind+"/"+o[key].(string) {
				writeJSONAnswer(w, http.StatusOK, success(o))
				return
			}
		}
		writeJSONAnswer(w, http.StatusNotFound, map[string]any{"status": "error", "message": "not found"})
	})
}

// The shape check compares nested keys (issue 21 item 3): a list whose items lack
// origin.prefix makes deployments use single reads, so the prefix is never read as "".
func TestCollectionReads_shapeCheckComparesNestedKeys(t *testing.T) {
	dep := func(name, prefix string) map[string]any {
		return map[string]any{"name": name, "status": "ready", "message": "ok",
			"origin": map[string]any{"type": "s3", "endpoint": "s3.eu.example.com", "bucket": "b", "prefix": prefix, "accessKeyId": "AK"}}
	}
	objects := []map[string]any{dep("d1", "p1"), dep("d2", "p2"), dep("d3", "p3")}
	srv := shapeServer(t, "deployments", "name", objects, func(o map[string]any) map[string]any {
		origin := map[string]any{}
		for k, v := range o["origin"].(map[string]any) {
			if k != "prefix" {
				origin[k] = v
			}
		}
		return map[string]any{"name": o["name"], "status": o["status"], "message": o["message"], "origin": origin}
	})
	c := collClient(t, &collServer{recordingServer: srv}, true, nil)
	if d, err := c.ReadDeployment(context.Background(), "d1"); err != nil || d.Origin.Prefix != "p1" {
		t.Fatalf("ReadDeployment(d1) = %+v, %v", d, err)
	}
	awaitListRead(t, srv, "/be/v1/deployments") // the shape check had a list to judge
	for _, n := range []string{"d2", "d3"} {
		d, err := c.ReadDeployment(context.Background(), n)
		if err != nil || d.Origin.Prefix != "p"+n[1:] {
			t.Fatalf("ReadDeployment(%s) = %+v, %v; want the prefix of its single GET", n, d, err)
		}
	}
	requireSingleReads(t, srv, "/be/v1/deployments/", "d1", "d2", "d3")
}

// awaitListRead waits (up to 10 s) until the server received a GET of the list path: a shape
// check that never saw a list would pass the shape tests without judging anything.
func awaitListRead(t *testing.T, srv *recordingServer, path string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, r := range srv.Requests() {
			if r.Method == http.MethodGet && r.Path == path {
				settle() // let the walk finish judging the page
				return
			}
		}
	}
	t.Fatalf("the list %s was never read", path)
}

// requireSingleReads fails unless each named object was read by its own GET exactly once.
func requireSingleReads(t *testing.T, srv *recordingServer, prefix string, names ...string) {
	t.Helper()
	for _, n := range names {
		got := 0
		for _, r := range srv.Requests() {
			if r.Method == http.MethodGet && r.Path == prefix+n {
				got++
			}
		}
		if got != 1 {
			t.Errorf("GET %s%s sent %d times, want 1: the list lacking the field must not serve the read", prefix, n, got)
		}
	}
}

// A list that always omits title makes users use single reads: ReadUser returns the title of
// the single GET, never "".
func TestCollectionReads_listOmittingTitleMeansSingleReads(t *testing.T) {
	user := func(name, title string) map[string]any {
		return map[string]any{"username": name, "type": "user", "email": name + "@example.com", "firstname": "A", "surname": "B",
			"title": title, "roles": []string{}}
	}
	objects := []map[string]any{user("ada", "Prof"), user("grace", "Dr"), user("linus", "Mr")}
	srv := shapeServer(t, "users", "username", objects, func(o map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range o {
			if k != "title" {
				out[k] = v
			}
		}
		return out
	})
	c := collClient(t, &collServer{recordingServer: srv}, true, nil)
	if u, err := c.ReadUser(context.Background(), "ada"); err != nil || u.Title != "Prof" {
		t.Fatalf("ReadUser(ada) = %+v, %v", u, err)
	}
	awaitListRead(t, srv, "/be/v1/users") // the shape check had a list to judge
	if u, err := c.ReadUser(context.Background(), "grace"); err != nil || u.Title != "Dr" {
		t.Fatalf("ReadUser(grace) = %+v, %v; want the title Dr of its single GET", u, err)
	}
	requireSingleReads(t, srv, "/be/v1/users/", "ada", "grace")
}

// Issue 29: the shape check is not fooled by a page of objects that all leave an optional field
// out. With more than 100 machine users sorting before the human users, the first page of the
// users list holds machine users only (no email, first name, surname): a human user sampled
// beside it is not on that page, so that page proves nothing. Before, it made the type use one
// GET per user for the rest of the run: at 2000 objects (1200 users) a refresh sent 1200 GETs
// instead of 13 list pages, depending on which user Terraform happened to read first.
func TestCollectionReads_pageWithoutTheSampleDoesNotDecideTheShape(t *testing.T) {
	var objects []map[string]any
	for i := range 120 {
		objects = append(objects, map[string]any{"username": fmt.Sprintf("a_machine_%03d", i), "type": "machine", "roles": []string{}})
	}
	for i := range 40 {
		objects = append(objects, map[string]any{"username": fmt.Sprintf("u_human_%03d", i), "type": "user", "email": "h@example.com",
			"firstname": "H", "surname": "U", "roles": []string{}})
	}
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/be/v1/users" {
			offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			page := []map[string]any{}
			for i := offset; i < len(objects) && i < offset+limit; i++ {
				page = append(page, objects[i])
			}
			writeJSONAnswer(w, http.StatusOK, map[string]any{"status": "success", "data": page, "total": len(objects)})
			return
		}
		for _, o := range objects {
			if r.Method == http.MethodGet && r.URL.Path == "/be/v1/users/"+o["username"].(string) {
				writeJSONAnswer(w, http.StatusOK, success(o))
				return
			}
		}
		writeJSONAnswer(w, http.StatusNotFound, map[string]any{"status": "error", "message": "not found"})
	})
	c := collClient(t, &collServer{recordingServer: srv}, true, nil)
	if u, err := c.ReadUser(context.Background(), "u_human_000"); err != nil || u.Email != "h@example.com" {
		t.Fatalf("ReadUser(u_human_000) = %+v, %v", u, err)
	}
	awaitListRead(t, srv, "/be/v1/users") // the first page (machine users only) was there to judge
	for i := 1; i < 40; i++ {
		n := fmt.Sprintf("u_human_%03d", i)
		if u, err := c.ReadUser(context.Background(), n); err != nil || u.Email != "h@example.com" || u.Surname != "U" {
			t.Fatalf("ReadUser(%s) = %+v, %v", n, u, err)
		}
	}
	singles := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/be/v1/users/") {
			singles++
		}
	}
	// The first reader's sample, and at most one more sample once the whole list is read.
	if singles > 2 {
		t.Errorf("40 refresh reads of human users sent %d single GETs, want at most 2: a page of machine users decided the shape", singles)
	}
}
