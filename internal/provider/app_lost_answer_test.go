package provider

// An app whose create answer is lost (max_retries = 0 here, so no retry) is proven in the same
// apply by reading it, then registered, or deleted again when its registration fails: it is
// never left published to every deployment, and the message says which happened.

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// protoWarnings joins the summaries and details of the warning diagnostics ("" for none).
func protoWarnings(diags []*tfprotov6.Diagnostic) string {
	return protoDiags(diags, tfprotov6.DiagnosticSeverityWarning)
}

// The lost answer of the app's POST: the app is read, proven this apply's, registered to EU
// only, and kept in state; a warning says so.
func TestProtoApp_LostCreateAnswerProvesAndRegisters(t *testing.T) {
	for _, stop := range []bool{false, true} {
		name := map[bool]string{false: "max_retries=0", true: "Ctrl-C"}[stop]
		t.Run(name, func(t *testing.T) {
			org := map[bool]string{false: "Lost_Reg", true: "Lost_Stop"}[stop]
			ts, p, _, resp := createAppWith(t, org, stop, nil, firstSuccessfulPost("/be/v1/apps"))
			if errs := protoErrors(resp.Diagnostics); errs != "" {
				t.Fatalf("the create whose answer was lost failed: %s\nrequests: %s", errs, describeRequests(writeRequests(ts.Requests())))
			}
			if got, ok := ts.AppDeployments(org, "Game"); !ok || !reflect.DeepEqual(got, []string{"EU"}) {
				t.Errorf("the mock's app Game: exists %t, deployments %v; want registered to [EU] only", ok, got)
			}
			if w := protoWarnings(resp.Diagnostics); !strings.Contains(w, "the app was proven and kept") ||
				!strings.Contains(w, "It was then registered to EU, as configured.") {
				t.Errorf("warnings = %q, want that the app was proven and registered to EU", w)
			}
			state := p.protoDecodeState("rockit_app", resp.NewState)
			if got := state["deployments"]; !reflect.DeepEqual(got, []any{"EU"}) {
				t.Errorf("deployments in state = %v, want [EU]", got)
			}
			if posts := ts.requestsMatching(http.MethodPost, "/be/v1/apps"); len(posts) != 1 {
				t.Errorf("app POSTs = %s, want the one whose answer was lost", describeRequests(posts))
			}
		})
	}
}

// The lost answer, then the registration refused: the app is deleted again, and the error
// says so.
func TestProtoApp_LostCreateAnswerUndoneWhenRegistrationFails(t *testing.T) {
	ts, _, _, resp := createAppWith(t, "Lost_Undo", false, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPatch || r.URL.Path != "/be/v1/apps" {
			return false
		}
		writeAPIError(w, http.StatusBadRequest, "invalid parameter 'deployments': deployment 'EU' is being deleted")
		return true
	}, firstSuccessfulPost("/be/v1/apps"))
	if errs := protoErrors(resp.Diagnostics); !strings.Contains(errs, "so the app was deleted again") {
		t.Errorf("error = %s, want that the app was deleted again", errs)
	}
	if ts.AppExists("Lost_Undo", "Game") {
		t.Errorf("the app exists after the apply (published to all deployments); requests: %s", describeRequests(writeRequests(ts.Requests())))
	}
}

// The connection cut while the POST was on its way, before the server acted: the app is read
// right away and does not exist; the error says that nothing was created, and no state is kept.
func TestProtoApp_LostCreateAnswerAbsent(t *testing.T) {
	ts, p, _, resp := createAppWith(t, "Lost_Gone", false, func(_ http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && r.URL.Path == "/be/v1/apps" {
			panic(http.ErrAbortHandler) // the connection is cut; the mock never sees the POST
		}
		return false
	}, nil)
	if errs := protoErrors(resp.Diagnostics); !strings.Contains(errs, "does not exist, so nothing was created") {
		t.Errorf("error = %s, want that nothing was created", errs)
	}
	if ts.AppExists("Lost_Gone", "Game") {
		t.Error("the app exists")
	}
	if resp.NewState != nil {
		if v, err := resp.NewState.Unmarshal(p.resourceType("rockit_app")); err != nil || !v.IsNull() {
			t.Errorf("state after an absent app = %v (%v), want none", v, err)
		}
	}
}
