package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
)

// Credentials the host refused for good are not sent again: a wrong password sent once per
// parallel request is how accounts get locked (issue 21). One Client (one provider
// configuration, shared by its resources and data sources) remembers
//   - a definite login failure (a 401 or 403 of the login for these credentials, a 2026 login
//     that does not offer the organization, a login answered in the other generation): every
//     waiting and later org-scoped request fails at once with the same error;
//   - an API key or admin token the host answered 401: until an answer proves such a credential
//     good, the requests carrying it go one at a time (credGate), so a wrong one costs one
//     request, and every request waiting for it fails with the same error.
//
// (A missing organization is remembered the same way by orgGone, with its own message.)

// CredentialsRejectedError is a refusal of the configured credentials that the client will not
// ask the host about again in this run. It wraps the refusal, so IsUnauthorized and the typed
// errors of the login (OrgNotOfferedError, SchemeMismatchError) still hold.
type CredentialsRejectedError struct {
	Cause error
}

func (e *CredentialsRejectedError) Error() string {
	var notOffered *OrgNotOfferedError
	var mismatch *SchemeMismatchError
	if errors.As(e.Cause, &notOffered) || errors.As(e.Cause, &mismatch) {
		return e.Cause.Error() // says what to change; the password was right
	}
	return e.Cause.Error() + " (not sent again in this run: repeated failed logins can lock an account)"
}

func (e *CredentialsRejectedError) Unwrap() error { return e.Cause }

// rejection remembers the first definite refusal of one kind of credentials.
type rejection struct {
	mu  sync.Mutex
	err *CredentialsRejectedError
}

// check returns the remembered refusal, nil if there is none.
func (r *rejection) check() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		return nil
	}
	return r.err
}

// remember keeps err as the refusal (the first one wins) and returns the remembered error.
func (r *rejection) remember(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = &CredentialsRejectedError{Cause: err}
	}
	return r.err
}

// definiteRefusal reports whether a failed login or request says that the credentials are
// wrong for good: retrying with them cannot succeed. A missing organization is left to orgGone.
func definiteRefusal(err error) bool {
	if err == nil || IsOrganizationNotFound(err) {
		return false
	}
	var notOffered *OrgNotOfferedError
	var mismatch *SchemeMismatchError
	return IsUnauthorized(err) || IsForbidden(err) || errors.As(err, &notOffered) || errors.As(err, &mismatch)
}

// loginFailed remembers a definite failure of the human user's login and returns the error to
// report (the remembered one, so every request says the same); other errors pass unchanged.
func (c *Client) loginFailed(err error) error {
	if !definiteRefusal(err) {
		return err
	}
	return c.loginRejected.remember(err)
}

// loginBlocked returns the error of a login that must not be tried again: the organization is
// missing, or the credentials were refused.
func (c *Client) loginBlocked() error {
	if err := c.gone.check(); err != nil {
		return err
	}
	return c.loginRejected.check()
}

// credGate lets the requests carrying a credential that no answer has proven yet (an API key,
// the admin token) go one at a time, so that a wrong credential is refused once, not once per
// parallel request; once an answer proves it, requests pass without waiting.
type credGate struct {
	slot     slot
	mu       sync.Mutex
	proven   bool
	rejected rejection
}

func newCredGate() *credGate { return &credGate{slot: newSlot()} }

// enter waits until the request may carry the credential. held says that the caller holds the
// gate and must call leave with its outcome.
func (g *credGate) enter(ctx context.Context) (held bool, err error) {
	if g.isProven() {
		return false, nil
	}
	if err := g.rejected.check(); err != nil {
		return false, err
	}
	if err := g.slot.lock(ctx); err != nil {
		return false, err
	}
	if err := g.rejected.check(); err != nil {
		g.slot.unlock()
		return false, err
	}
	if g.isProven() {
		g.slot.unlock()
		return false, nil
	}
	return true, nil
}

// leave releases the gate with the outcome of the request that held it: any answer but a 401
// proves the credential; a 401 (the credential refused) is remembered and returned in its
// place; anything else (no answer, a 429, a 5xx) proves nothing and the next request tries.
func (g *credGate) leave(err error) error {
	defer g.slot.unlock()
	switch s := StatusOf(err); {
	case err == nil || (s >= 400 && s < 500 && s != http.StatusUnauthorized && s != http.StatusTooManyRequests):
		g.mu.Lock()
		g.proven = true
		g.mu.Unlock()
	case s == http.StatusUnauthorized && !IsOrganizationNotFound(err):
		return g.rejected.remember(err)
	}
	return err
}

func (g *credGate) isProven() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.proven
}

// gateFor returns the gate of the credential a request carries, nil for none.
func (c *Client) gateFor(r request) *credGate {
	switch {
	case r.auth == authAdmin:
		return c.adminGate
	case r.auth == authOrg && c.cfg.APIKey != "":
		return c.keyGate
	}
	return nil
}
