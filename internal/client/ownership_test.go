package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// TestJudgeTable: the one judge of ownership (ownership.go), case by case: the binding (the
// workspace, another provider configuration of this run), the window on the server's clock
// bounded on both sides, the fields in both directions.
func TestJudgeTable(t *testing.T) {
	sent := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	role := CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}}
	obj := func(created time.Time, perms map[string]int) json.RawMessage {
		raw, _ := json.Marshal(map[string]any{"name": "Ops", "permissions": perms, "created": created.Format(time.RFC3339Nano)})
		return raw
	}
	ahead := &ClockRange{Min: 10*time.Minute - time.Second, Max: 10*time.Minute + time.Second}
	cases := []struct {
		name        string
		ev          func(*Evidence)
		clock       *ClockRange // what the judging Client learned since
		got         json.RawMessage
		ours        bool
		otherConfig bool
		reason      string
	}{
		{name: "ours", got: obj(sent.Add(time.Second), role.Permissions), ours: true},
		{name: "another run of this workspace", ev: func(e *Evidence) { e.Run = "earlier@1" }, got: obj(sent.Add(time.Second), role.Permissions), ours: true},
		{name: "another workspace", ev: func(e *Evidence) { e.Workspace = "other" }, got: obj(sent.Add(time.Second), role.Permissions),
			reason: `another Terraform workspace ("other", this is "default")`},
		{name: "another configuration of this run", ev: func(e *Evidence) { e.Instance = "alias" }, got: obj(sent.Add(time.Second), role.Permissions),
			otherConfig: true, reason: "another provider configuration of this run"},
		{name: "no send time", ev: func(e *Evidence) { e.Sent = time.Time{} }, got: obj(sent, role.Permissions), reason: "no evidence of when"},
		{name: "no clock: within the 2 s margin", got: obj(sent.Add(-1500*time.Millisecond), role.Permissions), ours: true},
		{name: "no clock: beyond the 2 s margin", got: obj(sent.Add(-2500*time.Millisecond), role.Permissions), reason: "before this create was first sent"},
		{name: "server 10 min ahead: created 5 min before the request", clock: ahead, got: obj(sent.Add(5*time.Minute), role.Permissions),
			reason: "before this create was first sent"},
		{name: "server 10 min ahead: created as the request arrived", clock: ahead, got: obj(sent.Add(10*time.Minute), role.Permissions), ours: true},
		{name: "the evidence's clock wins over the Client's", ev: func(e *Evidence) { e.Clock = ahead },
			clock: &ClockRange{}, got: obj(sent.Add(5*time.Minute), role.Permissions), reason: "before this create was first sent"},
		{name: "created after the last moment the create could act", got: obj(sent.Add(10*time.Minute), role.Permissions),
			reason: "after the last moment the create could have acted"},
		{name: "created just within the upper margin", got: obj(sent.Add(6*time.Minute+20*time.Second), role.Permissions), ours: true},
		{name: "fields differ", got: obj(sent.Add(time.Second), map[string]int{"apps": 3}), reason: "permissions.apps: requested 15, found 3"},
		{name: "a field the request left out", got: obj(sent.Add(time.Second), map[string]int{"apps": 15, "users": 1}),
			reason: "permissions.users: requested nothing, found 1"},
		{name: "no copy of the request", ev: func(e *Evidence) { e.Body = nil }, got: obj(sent.Add(time.Second), role.Permissions),
			reason: "holds no copy of the request"},
		{name: "no creation time", got: json.RawMessage(`{"name":"Ops","permissions":{"apps":15}}`), reason: "carries no creation time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, "http://127.0.0.1:1", nil, func(cfg *Config) { cfg.Workspace, cfg.Run = "default", "this@2" })
			if tc.clock != nil {
				c.clock.known, c.clock.r = true, *tc.clock
			}
			ev := c.newEvidence("roles", "Ops", role)
			ev.Sent, ev.Until = sent, sent.Add(5*time.Minute+30*time.Second)
			if tc.ev != nil {
				tc.ev(&ev)
			}
			v := c.judge(ev, tc.got)
			why := v.reason + " " + strings.Join(v.diffs, "; ")
			if v.ours != tc.ours || v.otherConfig != tc.otherConfig || !strings.Contains(why, tc.reason) {
				t.Errorf("ours=%v otherConfig=%v reason %q; want ours=%v otherConfig=%v reason containing %q",
					v.ours, v.otherConfig, why, tc.ours, tc.otherConfig, tc.reason)
			}
		})
	}
}

// TestServerClockFromDateHeaders: the offset range from one answer is [Date - received,
// Date + 1 s - sent]; a narrower consistent range replaces it, a wider one does not, and one
// that contradicts it (the server's clock was set) replaces it.
func TestServerClockFromDateHeaders(t *testing.T) {
	var s serverClock
	local := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return local.Add(d).Format(http.TimeFormat) }
	if s.current() != nil {
		t.Fatal("known before any answer")
	}
	s.observe("", local, local.Add(time.Second))
	if s.current() != nil {
		t.Fatal("an answer without Date taught an offset")
	}
	s.observe(date(10*time.Minute), local, local.Add(2*time.Second))
	if r := s.current(); r == nil || r.Min != 10*time.Minute-2*time.Second || r.Max != 10*time.Minute+time.Second {
		t.Fatalf("range %+v, want [10m-2s, 10m+1s]", r)
	}
	s.observe(date(10*time.Minute+5*time.Second), local.Add(5*time.Second), local.Add(5*time.Second+100*time.Millisecond))
	if r := s.current(); r.Min != 10*time.Minute-100*time.Millisecond || r.Max != 10*time.Minute+time.Second {
		t.Errorf("range %+v after a fast answer, want [10m-100ms, 10m+1s]", r)
	}
	s.observe(date(10*time.Minute+9*time.Second), local.Add(6*time.Second), local.Add(9*time.Second))
	if r := s.current(); r.Min != 10*time.Minute-100*time.Millisecond {
		t.Errorf("a slower answer replaced the range: %+v", r)
	}
	s.observe(date(-5*time.Second), local.Add(20*time.Second), local.Add(20*time.Second+50*time.Millisecond))
	if r := s.current(); r.Min > -25*time.Second || r.Max < -24*time.Second {
		t.Errorf("range %+v after the server's clock was set back, want about -25s", r)
	}
}

// TestServerClockAheadStrangersRoleIsNotAdopted: the server's clock runs 10 minutes ahead (the
// mock's ClockSkew). Someone else created the role Ops 5 minutes before our create; our first
// attempt answers 502 without reaching the API, the retry 409. On the server's clock the role
// is 5 minutes older than our request: not adopted. (Compared with the local clock, as before,
// it looked 5 minutes younger, and was adopted.)
func TestServerClockAheadStrangersRoleIsNotAdopted(t *testing.T) {
	clock := newFakeClock()
	m := mockserver.New(mockserver.Options{AdminToken: "adm", Now: clock.Now, ClockSkew: 10 * time.Minute})
	m.SeedOrg("Acme", "admin")
	key := m.SeedUser("Acme", "bot", true, "Administrators")
	m.SeedRole("Acme", "Ops", map[string]int{"apps": 15}) // the stranger's, at server time T+10m
	clock.Advance(5 * time.Minute)
	url := proxyFailingFirstPOST(t, m, "/be/v1/roles", func() time.Time { return clock.Now().Add(10 * time.Minute) })
	c := newTestClient(t, url, clock, func(cfg *Config) { cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", key })
	role, err := c.CreateRole(context.Background(), CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}})
	var u *UnconfirmedCreateError
	if role != nil || !errors.As(err, &u) || !strings.Contains(u.Reason, "before this create was first sent") {
		t.Fatalf("role=%+v err=%v; want not adopted: created before the request left, on the server's clock", role, err)
	}
}

// TestServerClockBehindOwnLostAnswerIsAdopted: the server's clock runs 5 seconds behind (the
// mock's ClockSkew -5s). Our create's answer is lost after the mock created the role; the
// retry answers 409. On the server's clock the role was created as our request arrived: it is
// ours and adopted. (Compared with the local clock, as before, it looked 5 s older than the
// request, beyond the 2 s margin, and was refused as someone else's.)
func TestServerClockBehindOwnLostAnswerIsAdopted(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: "adm", ClockSkew: -5 * time.Second})
	m.SeedOrg("Acme", "admin")
	key := m.SeedUser("Acme", "bot", true, "Administrators")
	url := loseFirstPOSTs(t, m, "/be/v1/roles", 1)
	c := newTestClient(t, url, nil, func(cfg *Config) {
		cfg.OrgName, cfg.Username, cfg.APIKey = "Acme", "bot", key
		cfg.Sleep = func(context.Context, time.Duration) error { return nil }
	})
	role, err := c.CreateRole(context.Background(), CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}})
	if err != nil || role == nil || role.Name != "Ops" {
		t.Fatalf("role=%+v err=%v; want our own role adopted", role, err)
	}
	if n := postsTo(m, http.MethodPost, "/be/v1/roles"); n != 2 {
		t.Errorf("POSTs = %d, want 2 (the lost one and the 409)", n)
	}
}

// ownershipRig is a mock with the role Ops, a journal directory holding the evidence of a
// create of Ops sent by an earlier client (killed: its answer never came), and a client of the
// workspace "default" in the run "this@2" on the same journal.
func ownershipRig(t *testing.T, earlier func(*Config), sentPerms, serverPerms map[string]int) (*mockserver.Server, *Client) {
	t.Helper()
	m, creds := mockWithBot(t)
	hs := httptest.NewServer(m)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	bind := func(cfg *Config) {
		creds(cfg)
		cfg.Journal, cfg.Workspace, cfg.Run = NewJournal(dir), "default", "this@2"
	}
	killed := newTestClient(t, hs.URL, nil, func(cfg *Config) { bind(cfg); cfg.Run = "earlier@1"; earlier(cfg) })
	ev := killed.newEvidence("roles", "Ops", CreateRoleRequest{Name: "Ops", Permissions: sentPerms})
	ev.Sent = time.Now().Add(-time.Second)
	ev.Until = ev.Sent.Add(time.Minute)
	if _, err := killed.journal.record(ev); err != nil {
		t.Fatal(err)
	}
	m.SeedRole("Acme", "Ops", serverPerms)
	m.ResetRequests()
	return m, newTestClient(t, hs.URL, nil, bind)
}

// TestEveryOwnershipVerdictComesFromTheJudge: the plan's "will be adopted" (JournalClaimOf),
// Read's settle and the Delete of an unproven object under -refresh=false (SettleCreate), the
// adoption from the journal before a POST (adoptJournaled) and the proof after a 409 (prove)
// all give the judge's verdict. Before, the plan and the settle judged by time only: a role
// created after the request left but with other permissions was "will be adopted" at plan time
// and then refused by the apply, and a delete under -refresh=false would have deleted it.
func TestEveryOwnershipVerdictComesFromTheJudge(t *testing.T) {
	apps15, apps3 := map[string]int{"apps": 15}, map[string]int{"apps": 3}
	same := func(*Config) {}
	cases := []struct {
		name        string
		earlier     func(*Config)
		serverPerms map[string]int
		sentPerms   map[string]int // what the earlier create asked for (nil: apps 15)
		ours        bool
		claim       JournalClaim
		createErr   func(error) bool
		requests    string
	}{
		{name: "proven", earlier: same, serverPerms: apps15, ours: true, claim: ClaimAdopts, requests: "GET"},
		{name: "other fields", earlier: same, serverPerms: apps3,
			createErr: func(err error) bool {
				var u *UnconfirmedCreateError
				return errors.As(err, &u) && len(u.Mismatches) == 1
			},
			requests: "GET POST GET"},
		{name: "another workspace", earlier: func(cfg *Config) { cfg.Workspace = "other" }, serverPerms: apps15,
			createErr: func(err error) bool {
				var u *UnconfirmedCreateError
				return IsConflict(err) && !errors.As(err, &u) && !IsDuplicateCreate(err)
			},
			requests: "POST"},
		{name: "another configuration of this run", earlier: func(cfg *Config) { cfg.Run = "this@2" }, serverPerms: apps15, claim: ClaimOtherConfiguration,
			createErr: func(err error) bool {
				var d *DuplicateCreateError
				return errors.As(err, &d) && d.OtherConfiguration
			},
			requests: "POST"},
		{name: "another configuration of this run, asking for other fields", earlier: func(cfg *Config) { cfg.Run = "this@2" },
			sentPerms: apps3, serverPerms: apps3, claim: ClaimOtherConfiguration,
			createErr: func(err error) bool {
				var d *DuplicateCreateError
				return errors.As(err, &d) && d.OtherConfiguration
			},
			requests: "POST"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sent := tc.sentPerms
			if sent == nil {
				sent = apps15
			}
			m, c := ownershipRig(t, tc.earlier, sent, tc.serverPerms)
			ctx := context.Background()
			claim, err := c.JournalClaimOf(ctx, "roles", "Ops", CreateRoleRequest{Name: "Ops", Permissions: apps15})
			if want := tc.claim; err != nil || claim != want {
				t.Errorf("plan: JournalClaimOf = %v, %v; want %v", claim, err, want)
			}
			// A configuration changed since that create plans another request, which the create
			// would not adopt with this evidence: the plan does not announce it.
			if claim, _ := c.JournalClaimOf(ctx, "roles", "Ops", CreateRoleRequest{Name: "Ops", Permissions: apps3}); tc.claim == ClaimAdopts && claim != ClaimNone {
				t.Errorf("plan of another request: JournalClaimOf = %v, want none", claim)
			}
			// The settle judges the private state's evidence, which is this workspace's own.
			private := c.newEvidence("roles", "Ops", CreateRoleRequest{Name: "Ops", Permissions: apps15})
			private.Sent, private.Until = time.Now().Add(-time.Second), time.Now().Add(time.Minute)
			want := CreateNotOurs
			if tc.serverPerms["apps"] == 15 {
				want = CreateOurs
			}
			if v, reason, err := c.SettleCreate(ctx, private); err != nil || v != want {
				t.Errorf("settle: verdict %v (%s), %v; want %v", v, reason, err, want)
			}
			m.ResetRequests()
			_, err = c.CreateRole(ctx, CreateRoleRequest{Name: "Ops", Permissions: apps15})
			switch {
			case tc.ours && err != nil:
				t.Errorf("create: %v; want adopted", err)
			case !tc.ours && !tc.createErr(err):
				t.Errorf("create: %v (%T); not the refusal wanted", err, err)
			}
			var got []string
			for _, r := range m.Requests() {
				if strings.HasPrefix(r.Path, "/be/v1/roles") {
					got = append(got, r.Method)
				}
			}
			if strings.Join(got, " ") != tc.requests {
				t.Errorf("create: requests %v, want %s", got, tc.requests)
			}
		})
	}
}

// TestDeleteDropsTheEvidence: a role created and then deleted by this client (an apply, then a
// destroy -refresh=false, which reads nothing): the DELETE removes the journal's evidence, so
// when someone else creates a role of that name with the same permissions, the next create is
// refused with the plain 409, and the plan's check says "already exists". (The evidence used
// to stay until a Read of the object in state, and adopted the stranger's role.)
func TestDeleteDropsTheEvidence(t *testing.T) {
	m, creds := mockWithBot(t)
	hs := httptest.NewServer(m)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	newClient := func() *Client {
		return newTestClient(t, hs.URL, nil, func(cfg *Config) { creds(cfg); cfg.Journal, cfg.Workspace = NewJournal(dir), "default" })
	}
	in := CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}}
	ctx := context.Background()
	if _, err := newClient().CreateRole(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := newClient().DeleteRole(ctx, "Ops"); err != nil {
		t.Fatal(err)
	}
	m.SeedRole("Acme", "Ops", in.Permissions) // the stranger's
	c := newClient()
	if claim, err := c.JournalClaimOf(ctx, "roles", "Ops", nil); claim != ClaimNone || err != nil {
		t.Errorf("plan: JournalClaimOf = %v, %v; want none", claim, err)
	}
	m.ResetRequests()
	if _, err := c.CreateRole(ctx, in); !IsConflict(err) || IsDuplicateCreate(err) {
		t.Errorf("create: %v; want the stranger's 409", err)
	}
	if n := postsTo(m, http.MethodPatch, "/be/v1/roles"); n != 0 {
		t.Errorf("%d PATCHes of the stranger's role", n)
	}
}

// TestEvidenceRecordsTheServersClock: the journal entry of a create carries the offset of the
// server's clock known when the request left (here 10 minutes ahead, learned from the answer
// before), the copy of the request and the last moment an attempt could have acted, so that a
// later run judges on the server's clock even before it has an answer of its own.
func TestEvidenceRecordsTheServersClock(t *testing.T) {
	m := mockserver.New(mockserver.Options{AdminToken: "adm", ClockSkew: 10 * time.Minute})
	m.SeedOrg("Acme", "admin")
	key := m.SeedUser("Acme", "bot", true, "Administrators")
	hs := httptest.NewServer(m)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	c := newTestClient(t, hs.URL, nil, func(cfg *Config) {
		cfg.OrgName, cfg.Username, cfg.APIKey, cfg.Journal, cfg.Workspace = "Acme", "bot", key, NewJournal(dir), "default"
	})
	ctx := context.Background()
	if _, err := c.ListRoles(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRole(ctx, CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}}); err != nil {
		t.Fatal(err)
	}
	entries := NewJournal(dir).lookup(c.journalKey("roles", "Ops"), "", time.Time{})
	if len(entries) != 1 {
		t.Fatalf("%d journal entries, want 1", len(entries))
	}
	e := entries[0]
	if e.Clock == nil || e.Clock.Min > 10*time.Minute || e.Clock.Max < 10*time.Minute || e.Clock.Max-e.Clock.Min > 2*time.Second {
		t.Errorf("recorded clock %+v, want a range around 10m", e.Clock)
	}
	if e.Workspace != "default" || string(e.Body) != `{"name":"Ops","permissions":{"apps":15}}` || e.Until.Sub(e.Sent) != c.cfg.MaxElapsed+c.cfg.Timeout {
		t.Errorf("entry %+v: want the workspace, the request and the last moment it could act", e)
	}
}

// TestJournalEntriesExpireAfter72Hours: an entry whose request left more than journalLifetime
// ago never adopts, even where the window would (its Until is stretched here to show that the
// lifetime alone refuses it), and the lookup that meets it removes its file.
func TestJournalEntriesExpireAfter72Hours(t *testing.T) {
	for _, age := range []time.Duration{71 * time.Hour, 73 * time.Hour} {
		_, c := ownershipRig(t, func(*Config) {}, map[string]int{"apps": 15}, map[string]int{"apps": 15})
		key := c.journalKey("roles", "Ops")
		files, _ := os.ReadDir(c.journal.Dir())
		raw, _ := os.ReadFile(filepath.Join(c.journal.Dir(), files[0].Name()))
		var e Evidence
		_ = json.Unmarshal(raw, &e)
		e.Sent, e.Until = time.Now().Add(-age), time.Now().Add(time.Hour)
		raw, _ = json.Marshal(e)
		_ = os.WriteFile(filepath.Join(c.journal.Dir(), files[0].Name()), raw, 0o600)
		claim, err := c.JournalClaimOf(context.Background(), "roles", "Ops", CreateRoleRequest{Name: "Ops", Permissions: map[string]int{"apps": 15}})
		want := ClaimAdopts
		if age > journalLifetime {
			want = ClaimNone
		}
		if err != nil || claim != want {
			t.Errorf("entry %s old: claim %v, %v; want %v", age, claim, err, want)
		}
		if left := NewJournal(c.journal.Dir()).lookup(key, "", time.Time{}); (len(left) == 0) != (age > journalLifetime) {
			t.Errorf("entry %s old: %d entries left", age, len(left))
		}
	}
}
