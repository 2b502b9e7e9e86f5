package client

import (
	"errors"
	"net/http"
	"regexp"
	"sync"
)

// orgMissingMessage is how the API says that the organization of a login or of the API-key
// headers does not exist (contract decision: 401 with this message, see DECISIONS.md).
var orgMissingMessage = regexp.MustCompile(`organization '([^']*)' does not exist`)

// OrganizationNotFoundError says that the organization the org-scoped credentials name does not
// exist (any more) on the host, typically because it was deleted outside Terraform. The client
// asks once: every later org-scoped call of the same client fails with a copy whose Repeated is
// set, without a request. It wraps the 401 *APIError, so IsUnauthorized still holds.
type OrganizationNotFoundError struct {
	OrgName string
	// Repeated is set on every error after the first: the host was not asked again.
	Repeated bool
	// Known is set when the caller knows that this organization existed (Config.KnownOrganization,
	// asked when the error is made): it was deleted, rather than misspelt.
	Known bool
	Cause error
}

func (e *OrganizationNotFoundError) Error() string {
	if e.Repeated {
		return "organization '" + e.OrgName + "' does not exist (answered once already, not asked again)"
	}
	return e.Cause.Error()
}

func (e *OrganizationNotFoundError) Unwrap() error { return e.Cause }

// IsOrganizationNotFound reports whether err says that the organization does not exist.
func IsOrganizationNotFound(err error) bool {
	var gone *OrganizationNotFoundError
	return errors.As(err, &gone)
}

// orgGone remembers that the credentials' organization does not exist.
type orgGone struct {
	mu    sync.Mutex
	err   *OrganizationNotFoundError
	known func(name string) bool // Config.KnownOrganization; nil: nothing is known
}

// observe turns a 401 that says the organization does not exist (of the login or of an
// org-scoped request) into an *OrganizationNotFoundError and remembers it.
func (g *orgGone) observe(r request, apiErr *APIError) error {
	if apiErr.StatusCode != http.StatusUnauthorized || r.auth == authAdmin {
		return nil
	}
	m := orgMissingMessage.FindStringSubmatch(apiErr.Message)
	if m == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err == nil {
		g.err = &OrganizationNotFoundError{OrgName: m[1], Known: g.knows(m[1]), Cause: apiErr}
		return g.err
	}
	return g.repeat()
}

// check returns a repeated *OrganizationNotFoundError once the organization is known to be gone.
func (g *orgGone) check() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err == nil {
		return nil
	}
	return g.repeat()
}

func (g *orgGone) repeat() error {
	cp := *g.err
	cp.Repeated = true
	cp.Known = cp.Known || g.knows(cp.OrgName)
	return &cp
}

// knows asks the caller whether the organization name existed.
func (g *orgGone) knows(name string) bool {
	return g.known != nil && g.known(name)
}
