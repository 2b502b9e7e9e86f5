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
	// InState is set when the caller's state holds this organization (NoteOrganizationInState):
	// it existed, so it was deleted outside Terraform rather than misspelt.
	InState bool
	Cause   error
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
	mu      sync.Mutex
	err     *OrganizationNotFoundError
	inState map[string]bool
}

// NoteOrganizationInState records that the caller's state holds the organization name (the
// provider: a rockit_organization read or planned by this provider configuration), so that an
// *OrganizationNotFoundError for it says InState.
func (c *Client) NoteOrganizationInState(name string) {
	c.gone.mu.Lock()
	defer c.gone.mu.Unlock()
	if c.gone.inState == nil {
		c.gone.inState = map[string]bool{}
	}
	c.gone.inState[name] = true
	if c.gone.err != nil && c.gone.err.OrgName == name {
		c.gone.err.InState = true
	}
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
		g.err = &OrganizationNotFoundError{OrgName: m[1], InState: g.inState[m[1]], Cause: apiErr}
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
	return &cp
}
