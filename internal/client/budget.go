package client

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// A credential is sent at most twice without an answer that says whether it is right (issue 30):
// a login whose answer is slow or lost (no answer within request_timeout, a connection lost
// after sending, a gateway's 504) may have been refused by the host all the same, and a host
// that refuses slowly would otherwise receive a wrong password once per retry and per data
// source, which is how accounts get locked. One sendBudget per credential of a Client (the
// password, the API key, the admin token, and each 2026 selection token) counts those sends:
//   - an answer that proves the credential (a 2xx; for the API key and the admin token, which
//     every request carries, any 4xx but 401 and 429, as credGate reads it) ends the counting for
//     the rest of the run: resending a credential the host accepted cannot lock anything;
//   - a 401 or 403 counts (the refusal itself is remembered by rejection and credGate, which
//     send nothing more); so does an answer that is slow or lost;
//   - a send that reached no verdict on the credential is given back: a 429 (refused before
//     acting), a 500, 502 or 503 (the host answered without judging it: a wrong password is
//     answered 401), a connection that was never made, an endpoint that cannot be used;
//   - a third send is refused with a *CredentialBudgetError naming the credential's source;
//     every later request needing it fails with the same error, without a request.
//
// Concurrent requests do not send the credential side by side while it is unproven: logins
// share one slot per authenticator, API-key and admin-token requests go one at a time through
// their credGate. The budget counts under its own lock besides, so no interleaving passes 2.
const maxUnprovenSends = 2

// sendBudget counts the sends of one credential that no answer has proven yet.
type sendBudget struct {
	what       string     // "the password", ...
	credential Credential // whose source Config.Sources names
	perRequest bool       // carried by every request (API key, admin token): a 4xx but 401/429 proves it

	mu     sync.Mutex
	proven bool
	sends  int   // sends without a verdict or refused, while unproven
	last   error // what the last counted send met
	spent  *CredentialBudgetError
}

func newSendBudget(what string, cred Credential, perRequest bool) *sendBudget {
	return &sendBudget{what: what, credential: cred, perRequest: perRequest}
}

// take reserves one send, or returns the error of a spent budget.
func (b *sendBudget) take(c *Client) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.proven:
		return nil
	case b.spent != nil:
		return b.spent
	case b.sends >= maxUnprovenSends:
		b.spent = &CredentialBudgetError{What: b.what, Source: c.cfg.Sources[b.credential], Sends: b.sends, Last: b.last}
		return b.spent
	}
	b.sends++
	return nil
}

// settle records the outcome of a send that take reserved.
func (b *sendBudget) settle(err error, d retryDecision) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.proven {
		return
	}
	var endpoint *EndpointError
	switch s := StatusOf(err); {
	case err == nil, b.perRequest && s >= 400 && s < 500 && s != http.StatusUnauthorized && s != http.StatusTooManyRequests:
		b.proven, b.sends, b.last = true, 0, nil
	case s == http.StatusTooManyRequests, s >= 500 && s != http.StatusGatewayTimeout, errors.As(err, &endpoint),
		s == 0 && d.ok && !d.ambiguous:
		b.sends-- // no verdict on the credential: not counted
	default:
		b.last = err
	}
}

// CredentialBudgetError says that a credential was not sent again because two sends of it
// brought no answer that says whether it is right: the host may have refused it each time.
type CredentialBudgetError struct {
	What   string // "the password", "the API key", "the admin token", "the selection token"
	Source string // where it comes from: "`password` in the provider block", "ROCKIT_PASSWORD"; "" unknown
	Sends  int
	Last   error // what the last send met
}

func (e *CredentialBudgetError) Error() string {
	what := e.What
	if e.Source != "" {
		what += " (" + e.Source + ")"
	}
	last := ""
	if e.Last != nil {
		last = fmt.Sprintf(" (the last: %v)", e.Last)
	}
	return fmt.Sprintf("%s was sent %d times without an answer saying whether it is right%s; it is not sent again in this run, "+
		"to avoid an account lockout: a slow host may have refused it each time. Check that the host answers within "+
		"request_timeout, and that the credential is right, then run again", what, e.Sends, last)
}

// IsCredentialBudgetSpent reports whether err is a *CredentialBudgetError.
func IsCredentialBudgetSpent(err error) bool {
	var e *CredentialBudgetError
	return errors.As(err, &e)
}

// budgetFor returns the send budget of the credential a request carries, nil for none (the
// tokens of a login in progress, a 2025 session, the 2026 access token).
func (c *Client) budgetFor(r request) *sendBudget {
	switch {
	case r.budget != nil:
		return r.budget
	case r.auth == authAdmin:
		return c.adminBudget
	case r.auth == authOrg && c.cfg.APIKey != "":
		return c.keyBudget
	}
	return nil
}
