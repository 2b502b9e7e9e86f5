package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// APIError is an error answer of the ROCKIT Edge API: any status outside 2xx.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Message is the server's explanation, read from the body's "message" or "error" field,
	// or the raw body when neither exists.
	Message string
	// Method and Path name the request that failed (the path never carries secrets).
	Method string
	Path   string
	// URL is the full URL requested, set when the endpoint has a base path of its own (an Edge
	// behind a reverse proxy), so that the error names what was really requested.
	URL string
	// MayBeOwnCreate is set on a 409 answer to a POST that was retried after an earlier attempt
	// may have created the object without its answer arriving: the conflict may be our own.
	MayBeOwnCreate bool
	// MayHaveActed is set on the answer to a write (POST, PATCH, DELETE) that was retried after
	// an earlier attempt may have been carried out without its answer arriving: a 409 may then
	// be the result of our own earlier attempt (a task operation, see tasks.go).
	MayHaveActed bool
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	target := e.Path
	if e.URL != "" {
		target = e.URL
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, target, e.StatusCode, msg)
}

// StatusOf returns the HTTP status of an *APIError in err's chain, or 0.
func StatusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is an API answer 404: the object does not exist.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// IsConflict reports whether err is an API answer 409: the name exists already or the object is in use.
func IsConflict(err error) bool { return StatusOf(err) == http.StatusConflict }

// IsUnauthorized reports whether err is an API answer 401: the credentials were not accepted.
func IsUnauthorized(err error) bool { return StatusOf(err) == http.StatusUnauthorized }

// IsForbidden reports whether err is an API answer 403: the caller's roles lack a permission.
func IsForbidden(err error) bool { return StatusOf(err) == http.StatusForbidden }

// IsBadRequest reports whether err is an API answer 400: a parameter was invalid.
func IsBadRequest(err error) bool { return StatusOf(err) == http.StatusBadRequest }

// Credential names one credential the client was asked to use but was not given.
type Credential string

// The credentials the client can miss.
const (
	CredentialEndpoint   Credential = "endpoint"
	CredentialAdminToken Credential = "admin_token"
	CredentialOrgName    Credential = "org_name"
	CredentialUsername   Credential = "username"
	CredentialSecret     Credential = "password or api_key"
)

// MissingCredentialError says that a call needed a credential that is not configured.
// The provider turns it into a message naming its attribute and environment variable.
type MissingCredentialError struct {
	// Credential is the first missing credential; Missing lists all of them.
	Credential Credential
	Missing    []Credential
	// Purpose says what the credential was needed for, e.g. "organization requests".
	Purpose string
	// Pending is set when every missing credential is configured from a value not known yet
	// (Config.Pending): the call came too early rather than the configuration being incomplete.
	Pending bool
	// Hint says why the secret is missing when the caller knows (Config.SecretHint).
	Hint string
	// Endpoint (the base URL as the client parsed it, "" when it is missing), OrgName and
	// Username are what the configuration does name, so that a message can tell which
	// organization and user the missing secret is for.
	Endpoint, OrgName, Username string
}

func (e *MissingCredentialError) Error() string {
	names := make([]string, 0, len(e.Missing))
	for _, m := range e.Missing {
		names = append(names, string(m))
	}
	if len(names) == 0 {
		names = append(names, string(e.Credential))
	}
	if e.Pending {
		return fmt.Sprintf("%s is not known yet; it is needed for %s", strings.Join(names, ", "), e.Purpose)
	}
	return fmt.Sprintf("%s is not configured; it is needed for %s", strings.Join(names, ", "), e.Purpose)
}

// Scope is a kind of request and the credentials it needs.
type Scope int

// The scopes of the API.
const (
	// ScopeAdmin: /be/v1/orgs with the administrator token.
	ScopeAdmin Scope = iota + 1
	// ScopeOrg: everything inside an organization.
	ScopeOrg
)

// CheckCredentials reports, without a request, whether the client could send a request of
// scope: nil when every credential it needs is configured, else the *MissingCredentialError the
// request would fail with. When some credential is missing for good, Missing lists those only
// and Pending is false; when the only gaps are credentials not known yet, Pending is set.
func (c *Client) CheckCredentials(scope Scope) error {
	var absent []Credential
	if c.base == nil {
		absent = append(absent, CredentialEndpoint)
	}
	switch scope {
	case ScopeAdmin:
		if c.cfg.AdminToken == "" {
			absent = append(absent, CredentialAdminToken)
		}
		return c.missing("organization requests", absent...)
	default:
		err := c.checkOrgCredentials()
		var m *MissingCredentialError
		if errors.As(err, &m) {
			absent = append(absent, m.Missing...)
		}
		return c.missing("requests inside an organization", absent...)
	}
}

// missing builds the error for absent credentials (nil for none): the ones missing for good
// when there are any, else the pending ones.
func (c *Client) missing(purpose string, absent ...Credential) error {
	if len(absent) == 0 {
		return nil
	}
	var final, pending []Credential
	for _, a := range absent {
		if c.isPending(a) {
			pending = append(pending, a)
		} else {
			final = append(final, a)
		}
	}
	if len(final) > 0 {
		m := &MissingCredentialError{Credential: final[0], Missing: final, Purpose: purpose}
		if slices.Contains(final, CredentialSecret) {
			m.Hint = c.cfg.SecretHint
		}
		if m.Hint == "" && slices.Contains(final, CredentialAdminToken) {
			m.Hint = c.cfg.AdminHint
		}
		return c.named(m)
	}
	return c.named(&MissingCredentialError{Credential: pending[0], Missing: pending, Purpose: purpose, Pending: true})
}

// named fills in what the configuration does name: its endpoint, organization and user.
func (c *Client) named(m *MissingCredentialError) *MissingCredentialError {
	m.Endpoint, m.OrgName, m.Username = c.Endpoint(), c.cfg.OrgName, c.cfg.Username
	return m
}

// Endpoint is the base URL of the host as the client parsed it ("" when none is configured).
func (c *Client) Endpoint() string {
	if c.base == nil {
		return ""
	}
	return c.base.String()
}

func (c *Client) isPending(cred Credential) bool {
	for _, p := range c.cfg.Pending {
		if p == cred {
			return true
		}
	}
	return false
}

// MayBeOwnCreate reports whether err is a 409 that may answer our own earlier attempt of the
// same create, whose answer was lost (see APIError.MayBeOwnCreate).
func MayBeOwnCreate(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict && apiErr.MayBeOwnCreate
}

// UnconfirmedCreateError says that a create may have succeeded on the server without its answer
// arriving, and that the object the retry found (409) could not be confirmed as the one
// requested. It wraps the 409 *APIError, so IsConflict and MayBeOwnCreate still hold.
type UnconfirmedCreateError struct {
	Method, Path string
	// Name is the name (or username) of the object in the request.
	Name string
	// Reason says why the object was not adopted.
	Reason string
	// Mismatches lists the fields whose value differs, e.g. "label: requested \"a\", found \"b\"".
	Mismatches []string
	// Cause is the 409 answer of the retry.
	Cause error
	// Unfinished: the proof could not be finished (reading the object failed or was
	// cancelled), so the outcome of the create is unknown (OutcomeUnknown), not a failure.
	Unfinished bool
}

func (e *UnconfirmedCreateError) Error() string {
	msg := fmt.Sprintf("%s %s: the answer to creating %q was lost and the retry answered that it exists already (%v); "+
		"it may have been created by the lost attempt, but it is not adopted: %s",
		e.Method, e.Path, e.Name, e.Cause, e.Reason)
	if len(e.Mismatches) > 0 {
		msg += " (" + strings.Join(e.Mismatches, "; ") + ")"
	}
	return msg
}

func (e *UnconfirmedCreateError) Unwrap() error { return e.Cause }

// CredentialsLostError says that a create was adopted as this call's own object after its
// answer was lost, but obtaining the secret that only the lost answer carried (a new initial
// password or API key through resetCreds, a subscription's secret by subscribing again) failed.
// The object exists on the server: the create function returns it together with this error, so
// that the caller can record it instead of losing track of it.
type CredentialsLostError struct {
	// Kind is the type of object ("user", "subscription"), Name its name.
	Kind, Name string
	// Secret names what was lost ("initial password or API key", "secret").
	Secret string
	// Cause is the error of the attempt to obtain a new secret.
	Cause error
}

func (e *CredentialsLostError) Error() string {
	return fmt.Sprintf("%s %q was created, but the answer carrying its %s was lost, and obtaining a new one failed: %v",
		e.Kind, e.Name, e.Secret, e.Cause)
}

func (e *CredentialsLostError) Unwrap() error { return e.Cause }

// UndecodableAnswerError says that a call that needs the answer's data got a 2xx answer without
// usable data: an HTML page from a proxy, an empty body, a JSON body of another shape. The
// request may have taken effect on the server all the same. It names the method, the URL
// (without the query) and what came back: status, content type, size and, for a body that is
// not JSON, its first bytes (a JSON body is never quoted, since it could carry secrets).
type UndecodableAnswerError struct {
	Method, URL string
	StatusCode  int
	ContentType string
	Size        int
	// Head is the first bytes of a body that is not JSON.
	Head string
	// Reason says what was wrong ("it carries no data").
	Reason string
	// Cause is the decoding error, if any.
	Cause error
}

func (e *UndecodableAnswerError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "none"
	}
	got := fmt.Sprintf("HTTP %d, content type %s, %d bytes", e.StatusCode, ct, e.Size)
	if e.Head != "" {
		got += fmt.Sprintf(", starting %q", e.Head)
	}
	msg := fmt.Sprintf("%s %s: the answer reported success, but %s (%s)", e.Method, e.URL, e.Reason, got)
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg + "; the request may have taken effect on the server all the same. Check what answers at the endpoint " +
		"(a proxy or gateway in front of ROCKIT Edge?)"
}

func (e *UndecodableAnswerError) Unwrap() error { return e.Cause }

func undecodable(method string, a answerInfo, reason string, cause error) error {
	return &UndecodableAnswerError{Method: method, URL: a.url, StatusCode: a.status, ContentType: a.contentType,
		Size: a.size, Head: a.head, Reason: reason, Cause: cause}
}

// RequestError is a request that ended without a definite answer: its retries were spent, its
// budget (retry_max_elapsed) was spent, the server asked to wait longer than the budget allows,
// or the operation was cancelled between attempts. It says how many attempts were made over how
// long and wraps the last answer or transport error (so StatusOf and IsConflict see through it).
type RequestError struct {
	Method, Path string
	// Attempts is the number of attempts sent; Elapsed the time from the first to the end.
	Attempts int
	Elapsed  time.Duration
	// Reason says why no further attempt was made (empty: the last error was final).
	Reason string
	// OutcomeUnknown: the request is a write that the server may have carried out (an attempt
	// was sent and no definite answer came back), so the object may exist or have changed.
	OutcomeUnknown bool
	// Last is the last attempt's error.
	Last error
}

// reasonStopped begins the Reason of a RequestError whose retries Terraform's stop cut short.
const reasonStopped = "the operation was cancelled (Terraform is stopping)"

// Stopped reports whether err ended because Terraform was stopping (Ctrl-C): a request not sent
// (NotSent), retries cut short (a RequestError whose Reason says so), or a context cancelled in
// flight. OutcomeUnknown tells whether what was sent may have acted.
func Stopped(err error) bool {
	var re *RequestError
	return NotSent(err) || errors.As(err, &re) && strings.HasPrefix(re.Reason, reasonStopped) || errors.Is(err, context.Canceled)
}

func (e *RequestError) Error() string {
	attempts := "1 attempt"
	if e.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", e.Attempts)
	}
	msg := fmt.Sprintf("%s %s failed after %s over %s", e.Method, e.Path, attempts, e.Elapsed.Round(time.Millisecond))
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	msg += "; last answer: " + e.Last.Error()
	if e.OutcomeUnknown {
		msg += "; the request was sent, and the server may have carried it out"
	}
	return msg
}

func (e *RequestError) Unwrap() error { return e.Last }

// OutcomeUnknown reports whether err is a write whose result is unknown: it was sent, and no
// definite answer came back (connection lost, no answer in time, retries or budget spent, or
// the operation stopped after an ambiguous attempt). A create may then have made the object.
func OutcomeUnknown(err error) bool {
	var re *RequestError
	var ue *UnconfirmedCreateError
	return (errors.As(err, &re) && re.OutcomeUnknown) || (errors.As(err, &ue) && ue.Unfinished)
}

// evidenceError is a create of unknown outcome with the Evidence to settle it later.
type evidenceError struct {
	ev  Evidence
	err error
}

func (e *evidenceError) Error() string { return e.err.Error() }
func (e *evidenceError) Unwrap() error { return e.err }

// EvidenceOf returns the Evidence of a create whose outcome is unknown.
func EvidenceOf(err error) (Evidence, bool) {
	var ee *evidenceError
	if errors.As(err, &ee) && !ee.ev.Sent.IsZero() {
		return ee.ev, true
	}
	return Evidence{}, false
}

// DuplicateCreateError is a 409 for an object that another create of this run sent: two
// resources name the same object, of one provider configuration or (OtherConfiguration) of
// two configurations of one organization (aliases). It wraps the 409 (IsConflict holds).
type DuplicateCreateError struct {
	// Kind is the collection ("roles"), Name the object's name.
	Kind, Name string
	Cause      error
	// OtherConfiguration: the other create was sent by another provider configuration.
	OtherConfiguration bool
}

func (e *DuplicateCreateError) Error() string {
	if e.OtherConfiguration {
		return fmt.Sprintf("%v; another provider configuration of this run created %q, for another resource", e.Cause, e.Name)
	}
	return fmt.Sprintf("%v; this run created %q itself, for another resource", e.Cause, e.Name)
}

func (e *DuplicateCreateError) Unwrap() error { return e.Cause }

// IsDuplicateCreate reports whether err is a *DuplicateCreateError.
func IsDuplicateCreate(err error) bool {
	var de *DuplicateCreateError
	return errors.As(err, &de)
}
