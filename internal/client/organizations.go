package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// CreateOrganizationRequest is the body of POST /be/v1/orgs.
type CreateOrganizationRequest struct {
	Name          string `json:"name"`
	AdminUsername string `json:"adminUsername,omitempty"`
	AdminEmail    string `json:"adminEmail,omitempty"`
	// PublicKey is a PEM RSA public key; when set, the initial password comes back encrypted.
	PublicKey string `json:"publicKey,omitempty"`
}

// Organization is the answer to a create. At most one of InitialPassword and
// InitialPasswordEncrypted is set: neither on a host of the invitation generation (contract
// section 4), which e-mails the first administrator an invitation instead.
type Organization struct {
	Name                     string `json:"name"`
	AdminUsername            string `json:"adminUsername"`
	InitialPassword          string `json:"initialPassword,omitempty"`
	InitialPasswordEncrypted string `json:"initialPasswordEncrypted,omitempty"`
}

// CreateOrganization creates an organization with its Administrators role and primary
// administrator (admin token).
func (c *Client) CreateOrganization(ctx context.Context, in CreateOrganizationRequest) (*Organization, error) {
	var out Organization
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/be/v1/orgs", body: in, auth: authAdmin}, &out); err != nil {
		if MayBeOwnCreate(err) {
			// The API cannot read an organization, so a 409 after a lost answer cannot be told
			// apart from someone else's organization; and the administrator's initial password
			// travelled only in the lost answer. Adopting would leave an organization nobody can
			// log in to: fail and say so (see DECISIONS.md).
			return nil, &UnconfirmedCreateError{Method: http.MethodPost, Path: "/be/v1/orgs", Name: in.Name, Cause: err,
				Reason: "the API cannot read organizations to confirm it is this request's, and the administrator's " +
					"initial password travelled only in the lost answer"}
		}
		return nil, err
	}
	if out.Name == "" {
		out.Name = in.Name
	}
	if out.AdminUsername == "" {
		out.AdminUsername = in.AdminUsername
	}
	return &out, nil
}

// DeleteOrganization deletes all data of an organization (admin token). With prune the files
// published to its deployment origins are removed too.
func (c *Client) DeleteOrganization(ctx context.Context, name string, prune bool) error {
	_, err := c.do(ctx, request{
		method: http.MethodDelete,
		path:   "/be/v1/orgs/" + seg(name),
		query:  url.Values{"prune": []string{strconv.FormatBool(prune)}},
		auth:   authAdmin,
	}, nil)
	return err
}

// OrganizationDeleteRequest describes the request that deletes the organization name with the
// admin token, for a person to send by hand (the recovery from a create whose answer was lost):
// its URL without the prune parameter ("" when no endpoint is configured), and the header the
// admin token travels in as this Client sends it: HeaderAuthToken, or HeaderAuthorization with
// the prefix "Bearer " on a host of the 2026 generation.
func (c *Client) OrganizationDeleteRequest(name string) (rawURL, header, prefix string) {
	if c.base != nil {
		u := *c.base
		u.RawPath = c.base.EscapedPath() + "/be/v1/orgs/" + seg(name)
		u.Path, _ = url.PathUnescape(u.RawPath)
		rawURL = u.String()
	}
	h := http.Header{}
	if c.setAdminHeader(h) == AuthScheme2026 {
		return rawURL, HeaderAuthorization, "Bearer "
	}
	return rawURL, HeaderAuthToken, ""
}
