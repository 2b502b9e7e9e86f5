package client

import (
	"context"
	"iter"
)

// Role is a named set of permission bitmasks (resource id -> CRUDX bits). The API returns all
// twelve resource ids, with 0 for no access.
type Role struct {
	Name        string         `json:"name"`
	Permissions map[string]int `json:"permissions"`
	Created     string         `json:"created,omitempty"`
	Updated     string         `json:"updated,omitempty"`
}

// CreateRoleRequest is the body of POST /be/v1/roles. Resources left out get 0.
type CreateRoleRequest struct {
	Name        string         `json:"name"`
	Permissions map[string]int `json:"permissions"`
}

// UpdateRoleRequest is the body of PATCH /be/v1/roles: the role named Name gets exactly
// Permissions (the map replaces the old one; resources left out get 0).
type UpdateRoleRequest struct {
	Name        string         `json:"name"`
	Permissions map[string]int `json:"permissions"`
}

// CreateRole creates a role (roles Create).
func (c *Client) CreateRole(ctx context.Context, in CreateRoleRequest) (*Role, error) {
	if in.Permissions == nil {
		in.Permissions = map[string]int{}
	}
	var out Role
	if _, err := c.create(ctx, Roles.Path(), in, &out, c.reader(Roles, in.Name)); err != nil {
		return nil, err
	}
	if out.Name == "" {
		// Tolerate an answer without the object: what was asked for is what exists.
		out = Role{Name: in.Name, Permissions: in.Permissions}
	}
	return &out, nil
}

// GetRole reads one role (roles Read).
func (c *Client) GetRole(ctx context.Context, name string) (*Role, error) {
	return getOne[Role](ctx, c, Roles, name)
}

// ReadRole reads one role for a refresh (a resource's Read, the rockit_role data source):
// from the roles snapshot when collection reads are on (snapshot.go), else like GetRole.
func (c *Client) ReadRole(ctx context.Context, name string) (*Role, error) {
	return readOne[Role](ctx, c, Roles, name)
}

// ListRoles reads every role of the organization, paging through the list (roles Read).
func (c *Client) ListRoles(ctx context.Context) ([]Role, error) {
	return listOf[Role](ctx, c, Roles)
}

// ReadRoles returns every role, from the snapshot when collection reads are on (see
// snapshotList), else as ListRoles does.
func (c *Client) ReadRoles(ctx context.Context) ([]Role, error) {
	return readEvery[Role](ctx, c, Roles)
}

// EachRole pages through the roles of the organization as ListRoles does, one page at a time
// as the consumer asks for more.
func (c *Client) EachRole(ctx context.Context) iter.Seq2[Role, error] {
	return eachOf[Role](ctx, c, Roles)
}

// UpdateRole replaces the permissions of a role (roles Update).
func (c *Client) UpdateRole(ctx context.Context, in UpdateRoleRequest) (*Role, error) {
	if in.Permissions == nil {
		in.Permissions = map[string]int{}
	}
	var out Role
	if err := c.patch(ctx, Roles.Path(), in, &out); err != nil {
		return nil, err
	}
	if out.Name == "" {
		out = Role{Name: in.Name, Permissions: in.Permissions}
	}
	return &out, nil
}

// DeleteRole deletes a role (roles Delete). The API answers 409 while users hold it.
func (c *Client) DeleteRole(ctx context.Context, name string) error {
	return c.del(ctx, Roles.Path()+"/"+seg(name))
}
