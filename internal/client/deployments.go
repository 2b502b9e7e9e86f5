package client

import (
	"context"
	"encoding/json"
	"iter"
)

// Deployment is a publishing target as the API returns it: an origin storage and an optional
// CDN download authentication. The API never returns the secrets.
type Deployment struct {
	Name         string        `json:"name"`
	Origin       Origin        `json:"origin"`
	DownloadAuth *DownloadAuth `json:"downloadAuth,omitempty"`
	// Status and Message describe the deployment's state, e.g. "ready".
	Status  string `json:"status"`
	Message string `json:"message"`
	Created string `json:"created,omitempty"`
	Updated string `json:"updated,omitempty"`
}

// Origin is an S3 origin storage. SecretAccessKey is only ever sent.
type Origin struct {
	Type            string `json:"type"`
	Endpoint        string `json:"endpoint"`
	Bucket          string `json:"bucket"`
	Prefix          string `json:"prefix"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey,omitempty"`
}

// DownloadAuth is the CDN download authentication: provider "akamai" or "gcore" and its key
// (only ever sent).
type DownloadAuth struct {
	Provider string `json:"provider"`
	Key      string `json:"key,omitempty"`
}

// CreateDeploymentRequest is the body of POST /be/v1/deployments.
type CreateDeploymentRequest struct {
	Name         string        `json:"name"`
	Origin       Origin        `json:"origin"`
	DownloadAuth *DownloadAuth `json:"downloadAuth,omitempty"`
}

// OriginPatch holds the origin fields a PATCH changes; nil fields are not sent.
type OriginPatch struct {
	Type            *string `json:"type,omitempty"`
	Endpoint        *string `json:"endpoint,omitempty"`
	Bucket          *string `json:"bucket,omitempty"`
	Prefix          *string `json:"prefix,omitempty"`
	AccessKeyID     *string `json:"accessKeyId,omitempty"`
	SecretAccessKey *string `json:"secretAccessKey,omitempty"`
}

// IsEmpty reports whether the patch changes nothing.
func (p OriginPatch) IsEmpty() bool {
	return p == OriginPatch{}
}

// UpdateDeploymentRequest is the body of PATCH /be/v1/deployments: the target's name and the
// changes only. DownloadAuth replaces the download authentication as a whole;
// RemoveDownloadAuth sends "downloadAuth": null instead.
type UpdateDeploymentRequest struct {
	Name               string
	Origin             *OriginPatch
	DownloadAuth       *DownloadAuth
	RemoveDownloadAuth bool
}

// MarshalJSON sends only the changed fields, and null to remove the download authentication.
func (r UpdateDeploymentRequest) MarshalJSON() ([]byte, error) {
	m := map[string]any{"name": r.Name}
	if r.Origin != nil && !r.Origin.IsEmpty() {
		m["origin"] = r.Origin
	}
	switch {
	case r.RemoveDownloadAuth:
		m["downloadAuth"] = nil
	case r.DownloadAuth != nil:
		m["downloadAuth"] = r.DownloadAuth
	}
	return json.Marshal(m)
}

// CreateDeployment creates a deployment.
func (c *Client) CreateDeployment(ctx context.Context, in CreateDeploymentRequest) (*Deployment, error) {
	var out Deployment
	if _, err := c.create(ctx, Deployments.Path(), in, &out, c.reader(Deployments, in.Name)); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetDeployment reads one deployment.
func (c *Client) GetDeployment(ctx context.Context, name string) (*Deployment, error) {
	return getOne[Deployment](ctx, c, Deployments, name)
}

// ReadDeployment reads one deployment for a refresh (a resource's Read, the
// rockit_deployment data source): from the deployments snapshot when collection reads are on
// (snapshot.go), else like GetDeployment.
func (c *Client) ReadDeployment(ctx context.Context, name string) (*Deployment, error) {
	return readOne[Deployment](ctx, c, Deployments, name)
}

// ListDeployments pages through all deployments of the organization, sorted by name.
func (c *Client) ListDeployments(ctx context.Context) ([]Deployment, error) {
	return listOf[Deployment](ctx, c, Deployments)
}

// ReadDeployments returns every deployment, from the snapshot when collection reads are on
// (see snapshotList), else as ListDeployments does.
func (c *Client) ReadDeployments(ctx context.Context) ([]Deployment, error) {
	return readEvery[Deployment](ctx, c, Deployments)
}

// EachDeployment pages through the deployments as ListDeployments does, one page at a time as
// the consumer asks for more.
func (c *Client) EachDeployment(ctx context.Context) iter.Seq2[Deployment, error] {
	return eachOf[Deployment](ctx, c, Deployments)
}

// UpdateDeployment changes a deployment and returns it as the API answers.
func (c *Client) UpdateDeployment(ctx context.Context, in UpdateDeploymentRequest) (*Deployment, error) {
	var out Deployment
	if err := c.patch(ctx, Deployments.Path(), in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteDeployment deletes a deployment and the files published to its origin. The API answers
// 409 while an app still registers it.
func (c *Client) DeleteDeployment(ctx context.Context, name string) error {
	return c.del(ctx, Deployments.Path()+"/"+seg(name))
}
