package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

func TestTaskOperationRequestBodies(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{triggerRequest{Type: "processTraces", AppName: "A"}, `{"type":"processTraces","appName":"A"}`},
		{triggerRequest{Type: "retryTask", TaskName: "t"}, `{"type":"retryTask","taskName":"t"}`},
		{patchTaskRequest{Name: "t", AcknowledgeWarnings: true}, `{"name":"t","acknowledgeWarnings":true}`},
		{patchTaskRequest{Name: "t", Expire: true}, `{"name":"t","expire":true}`},
	} {
		b, err := json.Marshal(c.in)
		if err != nil || string(b) != c.want {
			t.Errorf("got %s (%v), want %s", b, err, c.want)
		}
	}
}

func TestTaskOperationsAgainstMock(t *testing.T) {
	m, c := newMockOrgClient(t)
	ctx := context.Background()
	m.SeedApp("Org", "Game_A", "A", 0, 0)
	task, err := c.ProcessTraces(ctx, "Game_A")
	if err != nil || task.Type != "mkraw" || task.Status != "pending" || task.AppName != "Game_A" || task.Name == "" {
		t.Fatalf("ProcessTraces: %+v, %v", task, err)
	}
	if _, err := c.ProcessTraces(ctx, "Game_A"); !IsConflict(err) || !strings.Contains(err.Error(), task.Name) {
		t.Fatalf("second ProcessTraces: want 409 naming the task, got %v", err)
	}
	if _, err := c.ProcessTraces(ctx, "Nope"); !IsNotFound(err) {
		t.Fatalf("unknown app: want 404, got %v", err)
	}

	_ = m.SeedTask("Org", mockserver.Task{Name: "dep_1", Type: "deploy", AppName: "Game_A", Status: "failed", Warnings: []string{"slow origin"}})
	if task, err = c.RetryTask(ctx, "dep_1"); err != nil || task.Status != "pending" {
		t.Fatalf("RetryTask: %+v, %v", task, err)
	}
	if _, err := c.RetryTask(ctx, "dep_1"); !IsConflict(err) {
		t.Fatalf("retrying a pending task: want 409, got %v", err)
	}
	if task, err = c.AcknowledgeTaskWarnings(ctx, "dep_1"); err != nil || !task.WarningsAcknowledged {
		t.Fatalf("AcknowledgeTaskWarnings: %+v, %v", task, err)
	}
	if got, _ := c.GetTask(ctx, "dep_1"); !got.WarningsAcknowledged {
		t.Fatalf("GetTask after acknowledging: %+v", got)
	}
	_ = m.SeedTask("Org", mockserver.Task{Name: "up_1", Type: "dltar", AppName: "Game_A", Status: "running"})
	if task, err = c.ExpireTask(ctx, "up_1"); err != nil || task.Status != "expired" {
		t.Fatalf("ExpireTask: %+v, %v", task, err)
	}
	if _, err := c.ExpireTask(ctx, "up_1"); !IsConflict(err) {
		t.Fatalf("expiring an expired task: want 409, got %v", err)
	}
	if _, err := c.ExpireTask(ctx, "none"); !IsNotFound(err) {
		t.Fatalf("unknown task: want 404, got %v", err)
	}
	if expired, err := c.ListTasks(ctx, TaskFilter{Status: "expired"}); err != nil || len(expired) != 1 || expired[0].Name != "up_1" {
		t.Fatalf("ListTasks status=expired: %+v, %v", expired, err)
	}
}

func TestIssueAndExtendAuthToken(t *testing.T) {
	clock := newFakeClock()
	m := mockserver.New(mockserver.Options{AdminToken: "adm", Now: clock.Now})
	hs := httptest.NewServer(m)
	t.Cleanup(hs.Close)
	pw := m.SeedOrg("Org", "admin")
	c, err := New(Config{Endpoint: hs.URL, OrgName: "Org", Username: "admin", Password: pw, Now: clock.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The client's own token first, so that we can tell the issued one apart.
	if _, err := c.ListTasks(ctx, TaskFilter{}); err != nil {
		t.Fatal(err)
	}
	issued, err := c.IssueAuthToken(ctx)
	if err != nil || issued.Token == "" || !issued.ExpiresAt.Equal(clock.Now().Add(5*time.Minute)) {
		t.Fatalf("IssueAuthToken: %+v, %v", issued, err)
	}
	logins := 0
	for _, r := range m.Requests() {
		if r.Path == "/be/v1/login" {
			logins++
		}
	}
	if logins != 1 {
		t.Fatalf("the issued token should reuse the client's session: %d logins", logins)
	}
	// The issued token works on its own, and is not the client's.
	if own, _ := c.user.(*sessionAuth); own == nil || issued.Token == own.current.value() {
		t.Fatal("IssueAuthToken handed out the client's own token")
	}
	if status := getWithToken(t, hs.URL, issued.Token); status != 200 {
		t.Fatalf("the issued token was refused: %d", status)
	}
	clock.Advance(4 * time.Minute)
	ext, err := c.ExtendAuthToken(ctx, issued.Token)
	if err != nil || ext.Token != issued.Token || !ext.ExpiresAt.Equal(clock.Now().Add(5*time.Minute)) {
		t.Fatalf("ExtendAuthToken: %+v, %v", ext, err)
	}
	clock.Advance(4 * time.Minute) // 8 minutes after issue: alive only because it was extended
	if status := getWithToken(t, hs.URL, issued.Token); status != 200 {
		t.Fatalf("the extended token was refused: %d", status)
	}
	clock.Advance(2 * time.Minute)
	if status := getWithToken(t, hs.URL, issued.Token); status != 401 {
		t.Fatalf("the token outlived its extension: %d", status)
	}
	if _, err := c.ExtendAuthToken(ctx, issued.Token); !IsUnauthorized(err) {
		t.Fatalf("extending an expired token: want 401, got %v", err)
	}
}

func TestIssueAuthTokenRefusesMachineUsers(t *testing.T) {
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", OrgName: "Org", Username: "ci", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.IssueAuthToken(context.Background()); !errors.Is(err, ErrMachineUserNoAuthToken) {
		t.Fatalf("want ErrMachineUserNoAuthToken, got %v", err)
	}
}

func TestExtendAuthTokenNoticesANewToken(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/be/v1/login" {
			writeJSONAnswer(w, 200, success(map[string]any{"sessionToken": "s", "expiresIn": 86400}))
			return
		}
		writeJSONAnswer(w, 200, success(map[string]any{"authToken": "other", "expiresIn": 300}))
	})
	c, _ := New(Config{Endpoint: srv.URL, OrgName: "Org", Username: "u", Password: "p"})
	var unext *UnextendedTokenError
	if _, err := c.ExtendAuthToken(context.Background(), "mine"); !errors.As(err, &unext) {
		t.Fatalf("want UnextendedTokenError, got %v", err)
	}
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	if last.Path != "/be/v1/auth" || last.Header.Get(HeaderAuthToken) != "mine" || last.Header.Get(HeaderSessionToken) != "s" {
		t.Fatalf("the extension request: %+v", last)
	}
}

// getWithToken lists the tasks with an auth token and returns the status code.
func getWithToken(t *testing.T, base, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/be/v1/tasks", nil)
	req.Header.Set(HeaderAuthToken, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}
