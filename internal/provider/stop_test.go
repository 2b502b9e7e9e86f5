package provider

// What a graceful stop (Ctrl-C: Terraform cancels the context of every operation in flight)
// must not leave half done, driven at the protocol level so that the test picks the moment.

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// An app and its registration are one unit: a stop that arrives while the app's POST is on the
// server still lets the registration PATCH leave (detached, like the POST), so the app is never
// left published to every deployment. State holds the registered app.
func TestProtoApp_StopDuringCreateStillRegisters(t *testing.T) {
	ts, p, ctx, resp := createAppStoppedDuringPost(t, "Stop_Apps", nil)
	if errs := protoErrors(resp.Diagnostics); errs != "" {
		t.Fatalf("the create stopped after its POST left failed: %s\nrequests: %s", errs, describeRequests(writeRequests(ts.Requests())))
	}
	if ctx.Err() == nil {
		t.Fatal("the stop did not come during the create (this test relies on it)")
	}
	state := p.protoDecodeState("rockit_app", resp.NewState)
	if got := state["deployments"]; !reflect.DeepEqual(got, []any{"EU"}) {
		t.Errorf("deployments in state = %v, want [EU]", got)
	}
	patches := ts.requestsMatching(http.MethodPatch, "/be/v1/apps")
	if len(patches) != 1 || patches[0].Status != http.StatusOK || !strings.Contains(string(patches[0].Body), `"EU"`) {
		t.Errorf("registration PATCHes = %s, want one answered 200 naming EU", describeRequests(patches))
	}
	if dels := ts.requestsMatching(http.MethodDelete, "/be/v1/apps"); len(dels) != 0 {
		t.Errorf("the registered app was deleted: %s", describeRequests(dels))
	}
}

// The same stop when the registration fails: the delete that undoes the create still leaves,
// so no app is left published to all deployments; the error says the app was deleted again.
func TestProtoApp_StopDuringCreateUndoesAFailedRegistration(t *testing.T) {
	ts, _, _, resp := createAppStoppedDuringPost(t, "Stop_Undo", func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPatch || r.URL.Path != "/be/v1/apps" {
			return false
		}
		writeAPIError(w, http.StatusBadRequest, "invalid parameter 'deployments': deployment 'EU' is being deleted")
		return true
	})
	errs := protoErrors(resp.Diagnostics)
	if !strings.Contains(errs, "so the app was deleted again") {
		t.Errorf("error = %s, want that the app was deleted again", errs)
	}
	dels := ts.requestsMatching(http.MethodDelete, "/be/v1/apps/Game")
	if len(dels) != 1 || dels[0].Status != http.StatusOK || ts.AppExists("Stop_Undo", "Game") {
		t.Errorf("undo DELETEs = %s, app exists: %t; want the app deleted", describeRequests(dels), ts.AppExists("Stop_Undo", "Game"))
	}
}

// createAppStoppedDuringPost creates the app Game registered to the deployment EU in a new
// organization org, with a stop (the apply's context cancelled, as Terraform's graceful stop
// does) while the mock handles the app's POST. answer, when not nil, answers a request instead
// of the mock when it reports true. It returns the mock, the provider server, the stopped
// context and the apply's answer.
func createAppStoppedDuringPost(t *testing.T, org string, answer func(w http.ResponseWriter, r *http.Request) bool,
) (*testServer, *protoServer, context.Context, *tfprotov6.ApplyResourceChangeResponse) {
	t.Helper()
	return createAppWith(t, org, true, answer, nil)
}

// createAppWith is createAppStoppedDuringPost with the stop optional (stop) and, when lose is
// not nil, the answers lose picks dropped after the mock acted (losingAnswers). The provider
// has max_retries = 0.
func createAppWith(t *testing.T, org string, stop bool, answer func(w http.ResponseWriter, r *http.Request) bool,
	lose func(r *http.Request, status int) bool,
) (*testServer, *protoServer, context.Context, *tfprotov6.ApplyResourceChangeResponse) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var once sync.Once
	ts := newTestServerBehind(t, func(mock http.Handler) http.Handler {
		if lose != nil {
			mock = losingAnswers(mock, lose)
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if stop && r.Method == http.MethodPost && r.URL.Path == "/be/v1/apps" {
				once.Do(cancel) // Ctrl-C while the server creates the app
			}
			if answer != nil && answer(w, r) {
				return
			}
			mock.ServeHTTP(w, r)
		})
	})
	p := protoOrgServer(t, ts, org)
	ts.SeedDeployment(org, "EU")
	ts.SeedDeployment(org, "US")
	return ts, p, ctx, p.protoCreateUnder(ctx, "rockit_app", map[string]any{"name": "Game", "label": "Game", "deployments": []any{"EU"}})
}
