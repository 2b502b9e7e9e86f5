package client

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// Ownership: the one judge of whether an existing object is the one a create of this state
// sent (issue 27 items 1 and 2). Every verdict of ownership comes from Client.judge: the proof
// after a retry's 409 (prove), the adoption from the crash journal before a POST
// (adoptJournaled), Read's settling of a create of unknown outcome and the Delete of such an
// object under -refresh=false (SettleCreate), and the plan's "will be adopted"
// (JournalClaimOf). Before, the rule was written five times with five meanings (some checked
// time and fields, some time only); a plan could announce an adoption that the apply refused,
// and a delete could be decided on time alone. One definition, in one place:
//
//  1. The evidence is this state's: written in this Terraform workspace (a second workspace of
//     the same working directory has its own state, and never takes over the first one's
//     objects), and not by another provider configuration of the same run (two aliases of one
//     organization naming one object: the second one is a duplicate, never an adoption).
//     Organization and endpoint are part of the journal key already.
//  2. The object's `created`, on the server's clock, lies in a window bounded on both sides: not
//     before the first attempt left (translated to the server's clock with the offset learned
//     from Date headers, servertime.go) less a margin, and not after the last moment an attempt
//     of that create could have acted (Evidence.Until, the operation's budget) plus a margin.
//  3. The object's fields equal the request's (a copy of it, secrets left out, travels in the
//     evidence) in both directions (objectMismatches).

// adoptionClockSkew is the margin of the window's lower bound. With the server's clock known
// it covers a `created` written to the second (up to a second dropped) and a Date header that
// came from another host than the one that wrote `created` (a proxy in front of the API); with
// no Date header, the difference between the client's and the server's clocks. A server clock
// further behind than that makes our own object look older, which fails safe.
const adoptionClockSkew = 2 * time.Second

// lateMargin is the margin of the window's upper bound: a server may carry out a request a
// while after the client gave up on its answer (a queue behind a load balancer).
const lateMargin = time.Minute

// journalLifetime bounds how long a journal entry may adopt: an entry older than this is
// pruned when a lookup meets it, and never adopts (DESIGN.md, the interrupted-apply guide).
const journalLifetime = 72 * time.Hour

// requestType is the request type of the creates of the collection kind (its Type's Request):
// the reverse comparison of objectMismatches needs the fields a request can carry.
func requestType(kind string) reflect.Type {
	if t := TypeOf(kind); t != nil {
		return t.Request
	}
	return nil
}

// ownershipVerdict is the judge's answer. reason says why an object is not ours; diffs are the fields
// that differ; otherConfig is set when the evidence is another provider configuration's of
// this run (two resources naming one object).
type ownershipVerdict struct {
	ours        bool
	reason      string
	diffs       []string
	otherConfig bool
}

// judge decides whether the object got (the raw JSON of its read) is the one the create
// described by ev sent. It makes no request.
func (c *Client) judge(ev Evidence, got json.RawMessage) ownershipVerdict {
	if ev.Workspace != c.cfg.Workspace {
		return ownershipVerdict{reason: fmt.Sprintf("the evidence of its create belongs to another Terraform workspace (%q, this is %q)",
			ev.Workspace, c.cfg.Workspace)}
	}
	if ev.Run != "" && ev.Run == c.cfg.Run && ev.Instance != c.instance {
		return ownershipVerdict{otherConfig: true, reason: "another provider configuration of this run sent its create"}
	}
	if ev.Sent.IsZero() {
		return ownershipVerdict{reason: "no evidence of when the request left was kept"}
	}
	notBefore, notAfter := c.window(ev)
	if reason := createdOutside(got, notBefore, notAfter); reason != "" {
		return ownershipVerdict{reason: reason}
	}
	if len(ev.Body) == 0 {
		return ownershipVerdict{reason: "the evidence holds no copy of the request (it was written by an older version of the provider), " +
			"so the object's fields cannot be compared"}
	}
	if diffs := objectMismatches(requestType(ev.Kind), ev.Body, got); len(diffs) > 0 {
		return ownershipVerdict{reason: "the existing object differs from the request, so it was probably made by someone else", diffs: diffs}
	}
	return ownershipVerdict{ours: true}
}

// window is when, on the server's clock, the create of ev may have made its object. The
// offset is the one known when the request left (ev.Clock), else the one this Client learned
// since (the read that fetched the object carried a Date header), else none: the local clock.
func (c *Client) window(ev Evidence) (notBefore, notAfter time.Time) {
	clock := ev.Clock
	if clock == nil {
		clock = c.clock.current()
	}
	var lo, hi time.Duration
	if clock != nil {
		lo, hi = clock.Min, clock.Max
	}
	until := ev.Until
	if until.IsZero() {
		until = ev.Sent.Add(DefaultMaxElapsed + 30*time.Second)
	}
	return ev.Sent.Add(lo - adoptionClockSkew), until.Add(hi + lateMargin)
}

// createdOutside returns why the object got cannot be the create's: its `created` is missing,
// unreadable, before notBefore or after notAfter. It returns "" when it lies in the window.
func createdOutside(got json.RawMessage, notBefore, notAfter time.Time) string {
	var obj struct {
		Created string `json:"created"`
	}
	if json.Unmarshal(got, &obj) != nil || obj.Created == "" {
		return "the existing object carries no creation time, so it cannot be told apart from an object that existed before"
	}
	created, err := time.Parse(time.RFC3339Nano, obj.Created)
	if err != nil {
		return fmt.Sprintf("the existing object's creation time %q is not an RFC 3339 time, so it cannot be told apart from an object that existed before", obj.Created)
	}
	if created.Before(notBefore) {
		return fmt.Sprintf("the existing object was created at %s, before this create was first sent, so it existed already (someone else's object)",
			created.UTC().Format(time.RFC3339))
	}
	if created.After(notAfter) {
		return fmt.Sprintf("the existing object was created at %s, after the last moment the create could have acted, so someone else made it",
			created.UTC().Format(time.RFC3339))
	}
	return ""
}

// bodyEvidence is the copy of a request body the evidence keeps: its canonical JSON without
// the secret fields.
func bodyEvidence(body any) json.RawMessage {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	out, _ := json.Marshal(withoutSecrets(v))
	return out
}
