package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Names travel as one escaped path segment each, escaped exactly once, under the endpoint's own
// path prefix.
func TestPathSegmentsAreEscapedOnce(t *testing.T) {
	var gotRaw, gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotRaw, gotPath = r.URL.EscapedPath(), r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"success","data":{"name":"Origin[EU]"}}`))
	}))
	defer srv.Close()
	c, err := New(Config{Endpoint: srv.URL + "/edge/", OrgName: "Acme", Username: "ci", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDeployment(context.Background(), "Origin[EU]"); err != nil {
		t.Fatal(err)
	}
	if gotPath != "/edge/be/v1/deployments/Origin[EU]" {
		t.Errorf("decoded path %q", gotPath)
	}
	if gotRaw != "/edge/be/v1/deployments/Origin%5BEU%5D" {
		t.Errorf("escaped path %q, want the brackets escaped once", gotRaw)
	}
	if err := c.DeleteRole(context.Background(), "a/b"); err != nil {
		t.Fatal(err)
	}
	if gotRaw != "/edge/be/v1/roles/a%2Fb" || gotPath != "/edge/be/v1/roles/a/b" {
		t.Errorf("a slash in a name must stay inside its segment: raw %q, path %q", gotRaw, gotPath)
	}
}
