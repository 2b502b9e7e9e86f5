package client

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
)

// ProveLostCreate settles, in the same apply, a create whose answer was lost (err is the
// create's error of unknown outcome, carrying its Evidence): it reads the object and judges it
// with the one judge of ownership (ownership.go, through prove: created within the window the
// request could have acted in, on the server's clock, and the fields equal to the request's;
// body stands in for the evidence's copy of the request when it has none). On CreateOurs the object is decoded into out. It
// answers CreateAbsent when the object does not exist, CreateNotOurs (with the reason) when it
// exists but is not proven this create's, and an error when the proof could not be finished
// (the read failed or the context ended; no Evidence in err): the outcome stays unknown.
// Callers that must finish what the create started (an app's registration) run it under
// FollowUp. This is the one place the provider's same-apply proof calls the judge.
func (c *Client) ProveLostCreate(ctx context.Context, err error, body, out any) (CreateVerdict, string, error) {
	ev, ok := EvidenceOf(err)
	if !ok {
		return 0, "", err
	}
	if len(ev.Body) == 0 {
		ev.Body = bodyEvidence(body)
	}
	absent := false
	base := c.readerOf(ev.Kind, ev.Name)
	read := func(ctx context.Context) (json.RawMessage, error) {
		raw, rerr := base(ctx)
		absent = IsNotFound(rerr)
		return raw, rerr
	}
	adopted, perr := c.prove(ctx, "/be/v1/"+ev.Kind, []Evidence{ev}, out, read, err)
	var u *UnconfirmedCreateError
	switch {
	case adopted:
		return CreateOurs, "", nil
	case absent:
		c.ForgetCreate(ev.Kind, ev.Name)
		return CreateAbsent, "", nil
	case errors.As(perr, &u) && !u.Unfinished:
		c.ForgetCreate(ev.Kind, ev.Name) // disproven
		reason := u.Reason
		if len(u.Mismatches) > 0 {
			reason += " (" + strings.Join(u.Mismatches, "; ") + ")"
		}
		return CreateNotOurs, reason, nil
	case perr == nil:
		return 0, "", &evidenceError{ev: ev, err: err}
	default:
		return 0, "", &evidenceError{ev: ev, err: perr}
	}
}
