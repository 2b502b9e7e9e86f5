package client

import (
	"context"
	"iter"
)

// App is an app (a game) as the API returns it.
type App struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	MaxBuilds int64  `json:"maxBuilds"`
	// ICurBuild is the current build number, 0 before the first build.
	ICurBuild  int64 `json:"iCurBuild"`
	Processing bool  `json:"processing"`
	Exporting  bool  `json:"exporting"`
	SizeBytes  int64 `json:"sizeBytes"`
	// Deployments are the names of the registered deployments; none means all deployments.
	Deployments []string `json:"deployments"`
	Created     string   `json:"created,omitempty"`
	Updated     string   `json:"updated,omitempty"`
}

// CreateAppRequest is the body of POST /be/v1/apps. MaxBuilds nil leaves the API's default (5).
type CreateAppRequest struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	MaxBuilds *int64 `json:"maxBuilds,omitempty"`
}

// UpdateAppRequest is the body of PATCH /be/v1/apps: the target's name and the changes only.
// Deployments, when set, replaces the registered deployments (an empty list: all deployments).
type UpdateAppRequest struct {
	Name        string    `json:"name"`
	Label       *string   `json:"label,omitempty"`
	MaxBuilds   *int64    `json:"maxBuilds,omitempty"`
	Deployments *[]string `json:"deployments,omitempty"`
}

// CreateApp creates an app.
func (c *Client) CreateApp(ctx context.Context, in CreateAppRequest) (*App, error) {
	var out App
	if _, err := c.create(ctx, Apps.Path(), in, &out, c.reader(Apps, in.Name)); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetApp reads one app.
func (c *Client) GetApp(ctx context.Context, name string) (*App, error) {
	return getOne[App](ctx, c, Apps, name)
}

// ReadApp reads one app for a refresh (a resource's Read, the rockit_app data source): from
// the apps snapshot when collection reads are on (snapshot.go), else like GetApp.
func (c *Client) ReadApp(ctx context.Context, name string) (*App, error) {
	return readOne[App](ctx, c, Apps, name)
}

// ListApps pages through all apps of the organization, sorted by name.
func (c *Client) ListApps(ctx context.Context) ([]App, error) {
	return listOf[App](ctx, c, Apps)
}

// ReadApps returns every app, from the snapshot when collection reads are on (see
// snapshotList), else as ListApps does.
func (c *Client) ReadApps(ctx context.Context) ([]App, error) {
	return readEvery[App](ctx, c, Apps)
}

// EachApp pages through the apps as ListApps does, one page at a time as the consumer asks
// for more.
func (c *Client) EachApp(ctx context.Context) iter.Seq2[App, error] {
	return eachOf[App](ctx, c, Apps)
}

// UpdateApp changes an app and returns it as the API answers.
func (c *Client) UpdateApp(ctx context.Context, in UpdateAppRequest) (*App, error) {
	var out App
	if err := c.patch(ctx, Apps.Path(), in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteApp deletes an app with all its images and patches, irreversibly.
func (c *Client) DeleteApp(ctx context.Context, name string) error {
	return c.del(ctx, Apps.Path()+"/"+seg(name))
}
