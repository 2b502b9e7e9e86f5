package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Deployment status values the mock reports (the contract names the field, not its values).
const (
	DeploymentStatusReady   = "ready"
	deploymentReadyMessage  = "origin configured; ready for publishing"
	originTypeS3            = "s3"
	downloadAuthAkamai      = "akamai"
	downloadAuthGcore       = "gcore"
	deploymentsResourceName = "deployments"
)

// deployment is a publishing target: an origin storage and an optional CDN download
// authentication. The secrets are kept unexported so that they are never encoded.
type deployment struct {
	Name         string        `json:"name"`
	Origin       origin        `json:"origin"`
	DownloadAuth *downloadAuth `json:"downloadAuth,omitempty"`
	Status       string        `json:"status"`
	Message      string        `json:"message"`
	Created      time.Time     `json:"created"`
	Updated      time.Time     `json:"updated"`
}

type origin struct {
	Type        string `json:"type"`
	Endpoint    string `json:"endpoint"`
	Bucket      string `json:"bucket"`
	Prefix      string `json:"prefix"`
	AccessKeyID string `json:"accessKeyId"`

	secretAccessKey string
}

type downloadAuth struct {
	Provider string `json:"provider"`

	key string
}

func (d *deployment) copy() deployment {
	c := *d
	if d.DownloadAuth != nil {
		da := *d.DownloadAuth
		c.DownloadAuth = &da
	}
	return c
}

func (s *Server) deploymentRoutes() {
	s.mux.HandleFunc("POST /be/v1/deployments", permittedBody(s, deploymentsResourceName, PermCreate, s.handleCreateDeployment))
	s.mux.HandleFunc("GET /be/v1/deployments", s.handleListDeployments)
	s.mux.HandleFunc("GET /be/v1/deployments/{name}", s.permitted(deploymentsResourceName, PermRead, s.handleGetDeployment))
	s.mux.HandleFunc("PATCH /be/v1/deployments", permittedBody(s, deploymentsResourceName, PermUpdate, s.handleUpdateDeployment))
	s.mux.HandleFunc("DELETE /be/v1/deployments/{name}", s.permitted(deploymentsResourceName, PermDelete, s.handleDeleteDeployment))
}

// originBody is the origin of a create or PATCH body; nil fields were not sent.
type originBody struct {
	Type            *string `json:"type"`
	Endpoint        *string `json:"endpoint"`
	Bucket          *string `json:"bucket"`
	Prefix          *string `json:"prefix"`
	AccessKeyID     *string `json:"accessKeyId"`
	SecretAccessKey *string `json:"secretAccessKey"`
}

type downloadAuthBody struct {
	Provider string `json:"provider"`
	Key      string `json:"key"`
}

type deploymentBody struct {
	Name   string      `json:"name"`
	Origin *originBody `json:"origin"`
	// DownloadAuth stays raw to tell absent (nil) from null.
	DownloadAuth json.RawMessage `json:"downloadAuth"`
}

// applyOrigin merges the sent fields into o; it answers 400 and returns false when the result
// is invalid.
func applyOrigin(w http.ResponseWriter, o *origin, in *originBody) bool {
	for _, f := range []struct {
		dst *string
		src *string
	}{
		{&o.Type, in.Type}, {&o.Endpoint, in.Endpoint}, {&o.Bucket, in.Bucket}, {&o.Prefix, in.Prefix},
		{&o.AccessKeyID, in.AccessKeyID}, {&o.secretAccessKey, in.SecretAccessKey},
	} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if o.Type != originTypeS3 {
		writeError(w, http.StatusBadRequest, "invalid parameter 'origin.type': must be \"s3\"")
		return false
	}
	for param, v := range map[string]string{
		"origin.endpoint": o.Endpoint, "origin.bucket": o.Bucket,
		"origin.accessKeyId": o.AccessKeyID, "origin.secretAccessKey": o.secretAccessKey,
	} {
		if v == "" {
			writeError(w, http.StatusBadRequest, "invalid parameter '"+param+"': required")
			return false
		}
	}
	if msg := CheckS3Endpoint(o.Endpoint, o.Bucket); msg != "" {
		writeError(w, http.StatusBadRequest, "invalid parameter 'origin.endpoint': "+msg)
		return false
	}
	return true
}

// CheckS3Endpoint applies the contract's rule for an S3 endpoint: a host name with the region
// and without the bucket. It returns what is wrong, or "".
func CheckS3Endpoint(endpoint, bucket string) string {
	switch {
	case strings.Contains(endpoint, "://"):
		return "must be a host name without a scheme, e.g. s3.us-east-1.amazonaws.com"
	case strings.ContainsAny(endpoint, "/?#"):
		return "must be a host name without a path, e.g. s3.us-east-1.amazonaws.com"
	case bucket != "" && strings.HasPrefix(strings.ToLower(endpoint), strings.ToLower(bucket)+"."):
		return "must not contain the bucket name (use the regional endpoint, e.g. s3.us-east-1.amazonaws.com)"
	}
	return ""
}

// parseDownloadAuth reads a downloadAuth value: (nil, true) for null.
func parseDownloadAuth(w http.ResponseWriter, raw json.RawMessage) (*downloadAuth, bool) {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, true
	}
	var in downloadAuthBody
	if err := json.Unmarshal(raw, &in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid parameter 'downloadAuth': must be an object or null")
		return nil, false
	}
	if in.Provider != downloadAuthAkamai && in.Provider != downloadAuthGcore {
		writeError(w, http.StatusBadRequest, "invalid parameter 'downloadAuth.provider': must be \"akamai\" or \"gcore\"")
		return nil, false
	}
	if in.Key == "" {
		writeError(w, http.StatusBadRequest, "invalid parameter 'downloadAuth.key': required")
		return nil, false
	}
	return &downloadAuth{Provider: in.Provider, key: in.Key}, true
}

// handleCreateDeployment: POST /be/v1/deployments (deployments Create).
func (s *Server) handleCreateDeployment(w http.ResponseWriter, r *http.Request, o *org, in deploymentBody) {
	if !checkName(w, "name", in.Name, deploymentNameRE) {
		return
	}
	if in.Origin == nil {
		writeError(w, http.StatusBadRequest, "invalid parameter 'origin': required")
		return
	}
	d := &deployment{Name: in.Name, Status: DeploymentStatusReady, Message: deploymentReadyMessage}
	if !applyOrigin(w, &d.Origin, in.Origin) {
		return
	}
	if len(in.DownloadAuth) > 0 {
		da, ok := parseDownloadAuth(w, in.DownloadAuth)
		if !ok {
			return
		}
		d.DownloadAuth = da
	}
	if _, exists := o.deployments[in.Name]; exists {
		writeError(w, http.StatusConflict, "deployment '"+in.Name+"' already exists")
		return
	}
	d.Created = s.opts.Now()
	d.Updated = d.Created
	o.deployments[in.Name] = d
	writeData(w, http.StatusOK, d.copy())
}

// handleListDeployments: GET /be/v1/deployments (deployments Read).
func (s *Server) handleListDeployments(w http.ResponseWriter, r *http.Request) {
	var items []deployment
	if s.asPermitted(w, r, deploymentsResourceName, PermRead, func(o *org) { items = snapshots(o.deployments) }) {
		writePage(w, r, s.opts, items)
	}
}

// handleGetDeployment: GET /be/v1/deployments/{name} (deployments Read).
func (s *Server) handleGetDeployment(w http.ResponseWriter, r *http.Request, o *org) {
	d, found := lookup(w, o.deployments, "deployment", r.PathValue("name"))
	if !found {
		return
	}
	writeData(w, http.StatusOK, d.copy())
}

// handleUpdateDeployment: PATCH /be/v1/deployments (deployments Update). The body names the
// target; origin fields are merged, downloadAuth is replaced as a whole or removed with null.
func (s *Server) handleUpdateDeployment(w http.ResponseWriter, r *http.Request, o *org, in deploymentBody) {
	if !checkName(w, "name", in.Name, deploymentNameRE) {
		return
	}
	cur, found := lookup(w, o.deployments, "deployment", in.Name)
	if !found {
		return
	}
	next := cur.copy()
	if in.Origin != nil && !applyOrigin(w, &next.Origin, in.Origin) {
		return
	}
	if len(in.DownloadAuth) > 0 {
		da, ok := parseDownloadAuth(w, in.DownloadAuth)
		if !ok {
			return
		}
		next.DownloadAuth = da
	}
	next.Updated = s.opts.Now()
	*cur = next
	writeData(w, http.StatusOK, cur.copy())
}

// handleDeleteDeployment: DELETE /be/v1/deployments/{name} (deployments Delete); 409 while an
// app registers it.
func (s *Server) handleDeleteDeployment(w http.ResponseWriter, r *http.Request, o *org) {
	name := r.PathValue("name")
	if _, found := lookup(w, o.deployments, "deployment", name); !found {
		return
	}
	if users := o.appsRegistering(name); len(users) > 0 {
		writeError(w, http.StatusConflict, "deployment '"+name+"' is still registered by apps: "+strings.Join(users, ", ")+
			"; deregister it from these apps first")
		return
	}
	delete(o.deployments, name)
	writeMessage(w, "deployment deleted")
}

// appsRegistering lists, sorted, the apps that register the deployment.
func (o *org) appsRegistering(deploymentName string) []string {
	var out []string
	for name, a := range o.apps {
		for _, d := range a.Deployments {
			if d == deploymentName {
				out = append(out, name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// --- Go helpers for tests (in-process) ---

// DeploymentSecrets returns the secrets the mock stores for a deployment: the origin's secret
// access key and the download authentication key ("" without download authentication).
func (s *Server) DeploymentSecrets(orgName, name string) (secretAccessKey, downloadAuthKey string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orgs[orgName]
	if o == nil || o.deployments[name] == nil {
		return "", "", false
	}
	d := o.deployments[name]
	if d.DownloadAuth != nil {
		downloadAuthKey = d.DownloadAuth.key
	}
	return d.Origin.secretAccessKey, downloadAuthKey, true
}

// DeploymentExists reports whether the organization has the deployment.
func (s *Server) DeploymentExists(orgName, name string) bool {
	_, _, ok := s.DeploymentSecrets(orgName, name)
	return ok
}

// SeedDeployment creates a deployment with an S3 origin on a fake endpoint, without a request.
func (s *Server) SeedDeployment(orgName, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	s.orgs[orgName].deployments[name] = &deployment{
		Name: name, Status: DeploymentStatusReady, Message: deploymentReadyMessage, Created: now, Updated: now,
		Origin: origin{Type: originTypeS3, Endpoint: "s3.eu-central-1.amazonaws.com", Bucket: "seeded", Prefix: name,
			AccessKeyID: "AKIASEEDED", secretAccessKey: "seeded-secret"},
	}
}

// RemoveDeployment deletes a deployment without a request (an out-of-band delete), ignoring
// the apps that register it.
func (s *Server) RemoveDeployment(orgName, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orgs[orgName]; o != nil {
		delete(o.deployments, name)
	}
}
