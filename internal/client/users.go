package client

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
)

// User types of the API.
const (
	UserTypeHuman   = "user"
	UserTypeMachine = "machine"
)

// User is a human backend user or a machine user. Fields that do not apply to its type are
// empty. InitialPassword (human) or APIKey (machine) are only set in the answer to a create
// or to a credentials reset.
type User struct {
	Username  string   `json:"username"`
	Type      string   `json:"type"`
	Email     string   `json:"email,omitempty"`
	Firstname string   `json:"firstname,omitempty"`
	Surname   string   `json:"surname,omitempty"`
	Title     string   `json:"title,omitempty"`
	Label     string   `json:"label,omitempty"`
	Roles     []string `json:"roles"`
	Created   string   `json:"created,omitempty"`
	Updated   string   `json:"updated,omitempty"`

	InitialPassword string `json:"initialPassword,omitempty"`
	APIKey          string `json:"apiKey,omitempty"`
}

// CreateUserRequest is the body of POST /be/v1/users. A human user has Email, Firstname,
// Surname and optionally Title; a machine user has Label instead.
type CreateUserRequest struct {
	Username  string   `json:"username"`
	Email     string   `json:"email,omitempty"`
	Firstname string   `json:"firstname,omitempty"`
	Surname   string   `json:"surname,omitempty"`
	Title     string   `json:"title,omitempty"`
	Label     string   `json:"label,omitempty"`
	Roles     []string `json:"roles"`
}

// UpdateUserRequest is the body of PATCH /be/v1/users: only the fields to change are sent.
// A nil pointer leaves a field as it is; a pointer to "" clears it (sent as null). Roles nil
// leaves the roles as they are; a non-nil slice (even empty) replaces them.
type UpdateUserRequest struct {
	Username   string
	Email      *string
	Firstname  *string
	Surname    *string
	Title      *string
	Label      *string
	Roles      []string
	ResetCreds bool
}

// MarshalJSON writes the target username and the changed fields only.
func (r UpdateUserRequest) MarshalJSON() ([]byte, error) {
	body := map[string]any{"username": r.Username}
	for name, v := range map[string]*string{
		"email": r.Email, "firstname": r.Firstname, "surname": r.Surname, "title": r.Title, "label": r.Label,
	} {
		switch {
		case v == nil:
		case *v == "":
			body[name] = nil
		default:
			body[name] = *v
		}
	}
	if r.Roles != nil {
		body["roles"] = r.Roles
	}
	if r.ResetCreds {
		body["resetCreds"] = true
	}
	return json.Marshal(body)
}

// Changes reports whether the request changes anything besides naming its target.
func (r UpdateUserRequest) Changes() bool {
	return r.Email != nil || r.Firstname != nil || r.Surname != nil || r.Title != nil || r.Label != nil ||
		r.Roles != nil || r.ResetCreds
}

// ListUsersOptions filter GET /be/v1/users.
type ListUsersOptions struct {
	// Type is "user", "machine" or "" for all.
	Type string
}

// CreateUser creates a human or machine user (beUsers Create). The answer carries the
// initial password or the API key, once. When the answer was lost and the user adopted (see
// create), its credentials are reset; if that fails, CreateUser returns the adopted user
// together with a *CredentialsLostError.
func (c *Client) CreateUser(ctx context.Context, in CreateUserRequest) (*User, error) {
	if in.Roles == nil {
		in.Roles = []string{}
	}
	var out User
	adopted, err := c.create(ctx, Users.Path(), in, &out, c.reader(Users, in.Username))
	if err != nil {
		return nil, err
	}
	if adopted {
		// The initial password or API key travelled only in the lost answer: issue new ones.
		// create adopts only an object proven to be this call's, so resetting is safe.
		creds, err := c.ResetUserCredentials(ctx, in.Username)
		if err != nil {
			return &out, &CredentialsLostError{Kind: "user", Name: in.Username, Secret: "initial password or API key", Cause: err}
		}
		out.InitialPassword, out.APIKey = creds.InitialPassword, creds.APIKey
	}
	return &out, nil
}

// GetUser reads one user (beUsers Read).
func (c *Client) GetUser(ctx context.Context, username string) (*User, error) {
	return getOne[User](ctx, c, Users, username)
}

// ReadUser reads one user for a refresh (a resource's Read, the rockit_user data source):
// from the users snapshot when collection reads are on (snapshot.go), else like GetUser.
func (c *Client) ReadUser(ctx context.Context, username string) (*User, error) {
	return readOne[User](ctx, c, Users, username)
}

// ListUsers reads every user of the organization, paging through the list (beUsers Read).
func (c *Client) ListUsers(ctx context.Context, opts ListUsersOptions) ([]User, error) {
	return listAll[User](ctx, c, Users.Path(), opts.query())
}

// ReadUsers returns the users opts selects. With collection reads on, all users come from
// the users snapshot (see snapshotList); a type filter is applied here when a current
// snapshot exists already, and is otherwise left to the server (ListUsers), so that a
// selective filter never costs a walk of every user. With collection reads off: ListUsers.
func (c *Client) ReadUsers(ctx context.Context, opts ListUsersOptions) ([]User, error) {
	if !c.cfg.CollectionReads {
		return c.ListUsers(ctx, opts)
	}
	if opts.Type == "" {
		return snapshotList[User](ctx, c, c.snaps.of(Users))
	}
	all, ok, err := cachedList[User](c.snaps.of(Users))
	if err != nil || !ok {
		return c.ListUsers(ctx, opts)
	}
	out := make([]User, 0, len(all))
	for _, u := range all {
		if u.Type == opts.Type {
			out = append(out, u)
		}
	}
	return out, nil
}

// EachUser pages through the users as ListUsers does, one page at a time as the consumer
// asks for more.
func (c *Client) EachUser(ctx context.Context, opts ListUsersOptions) iter.Seq2[User, error] {
	return listEach[User](ctx, c, Users.Path(), opts.query())
}

func (opts ListUsersOptions) query() url.Values {
	q := url.Values{"order[]": []string{"username"}}
	if opts.Type != "" {
		q.Set("type", opts.Type)
	}
	return q
}

// UpdateUser changes a user (beUsers Update, or the user itself for its own profile). With
// ResetCreds the answer carries the new initial password or API key.
func (c *Client) UpdateUser(ctx context.Context, in UpdateUserRequest) (*User, error) {
	var out User
	if err := c.patch(ctx, Users.Path(), in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ResetUserCredentials issues new credentials for a user: the answer carries the new initial
// password (human) or API key (machine).
func (c *Client) ResetUserCredentials(ctx context.Context, username string) (*User, error) {
	return c.UpdateUser(ctx, UpdateUserRequest{Username: username, ResetCreds: true})
}

// DeleteUser deletes a user (beUsers Delete).
func (c *Client) DeleteUser(ctx context.Context, username string) error {
	return c.del(ctx, Users.Path()+"/"+seg(username))
}
