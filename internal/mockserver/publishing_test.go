package mockserver

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func validDeployment(name string) map[string]any {
	return map[string]any{
		"name": name,
		"origin": map[string]any{"type": "s3", "endpoint": "s3.us-east-1.amazonaws.com", "bucket": "b", "prefix": "p",
			"accessKeyId": "AKIA", "secretAccessKey": "top-secret"},
		"downloadAuth": map[string]any{"provider": "akamai", "key": "dl-key"},
	}
}

func TestDeploymentsCRUD(t *testing.T) {
	s, _, admin := newOrgMock(t)
	a := admin.do("POST", "/be/v1/deployments", validDeployment("Origin[EU]")).expect(t, 200, "")
	if strings.Contains(string(a.Data), "top-secret") || strings.Contains(string(a.Data), "dl-key") {
		t.Fatalf("the create answer carries a secret: %s", a.Data)
	}
	var d deployment
	_ = json.Unmarshal(a.Data, &d)
	if d.Status != DeploymentStatusReady || d.Message == "" || d.Origin.Bucket != "b" || d.DownloadAuth == nil || d.DownloadAuth.Provider != "akamai" {
		t.Fatalf("created %+v", d)
	}
	admin.do("POST", "/be/v1/deployments", validDeployment("Origin[EU]")).expect(t, 409, "deployment 'Origin[EU]' already exists")
	a = admin.do("GET", "/be/v1/deployments/Origin%5BEU%5D", nil).expect(t, 200, "")
	if strings.Contains(string(a.Data), "top-secret") || strings.Contains(string(a.Data), "dl-key") {
		t.Fatalf("GET carries a secret: %s", a.Data)
	}
	admin.do("GET", "/be/v1/deployments/Nope", nil).expect(t, 404, "deployment 'Nope' not found")

	// PATCH merges origin fields; downloadAuth null removes it.
	admin.do("PATCH", "/be/v1/deployments", map[string]any{"name": "Origin[EU]", "origin": map[string]any{"prefix": "v2", "secretAccessKey": "new"}}).expect(t, 200, "")
	if sec, key, _ := s.DeploymentSecrets("Org", "Origin[EU]"); sec != "new" || key != "dl-key" {
		t.Fatalf("after PATCH: %q %q", sec, key)
	}
	a = admin.do("PATCH", "/be/v1/deployments", map[string]any{"name": "Origin[EU]", "downloadAuth": nil}).expect(t, 200, "")
	d = deployment{}
	_ = json.Unmarshal(a.Data, &d)
	if d.DownloadAuth != nil || d.Origin.Prefix != "v2" || d.Origin.Endpoint != "s3.us-east-1.amazonaws.com" {
		t.Fatalf("after removing downloadAuth: %s", a.Data)
	}
	admin.do("PATCH", "/be/v1/deployments", map[string]any{"name": "Nope"}).expect(t, 404, "")
	admin.do("PATCH", "/be/v1/deployments", map[string]any{"name": "Origin[EU]", "origin": map[string]any{"endpoint": "https://x"}}).
		expect(t, 400, "invalid parameter 'origin.endpoint': must be a host name without a scheme")

	// 409 while apps register it, naming them.
	s.SeedApp("Org", "Game_B", "B", 0, 0, "Origin[EU]")
	s.SeedApp("Org", "Game_A", "A", 0, 0, "Origin[EU]")
	admin.do("DELETE", "/be/v1/deployments/Origin%5BEU%5D", nil).expect(t, 409, "still registered by apps: Game_A, Game_B")
	admin.do("PATCH", "/be/v1/apps", map[string]any{"name": "Game_A", "deployments": []string{}}).expect(t, 200, "")
	s.RemoveApp("Org", "Game_B")
	admin.do("DELETE", "/be/v1/deployments/Origin%5BEU%5D", nil).expect(t, 200, "deployment deleted")
	admin.do("DELETE", "/be/v1/deployments/Origin%5BEU%5D", nil).expect(t, 404, "")
}

func TestDeploymentValidation(t *testing.T) {
	_, _, admin := newOrgMock(t)
	for _, c := range []struct {
		mutate func(map[string]any)
		msg    string
	}{
		{func(m map[string]any) { m["name"] = "bad name" }, "invalid parameter 'name'"},
		{func(m map[string]any) { delete(m, "origin") }, "invalid parameter 'origin': required"},
		{func(m map[string]any) { m["origin"].(map[string]any)["type"] = "gcs" }, "'origin.type': must be \"s3\""},
		{func(m map[string]any) {
			m["origin"].(map[string]any)["endpoint"] = "https://s3.us-east-1.amazonaws.com"
		}, "without a scheme"},
		{func(m map[string]any) { m["origin"].(map[string]any)["endpoint"] = "s3.us-east-1.amazonaws.com/b" }, "without a path"},
		{func(m map[string]any) { m["origin"].(map[string]any)["endpoint"] = "b.s3.us-east-1.amazonaws.com" }, "must not contain the bucket name"},
		{func(m map[string]any) { delete(m["origin"].(map[string]any), "secretAccessKey") }, "'origin.secretAccessKey': required"},
		{func(m map[string]any) { m["downloadAuth"] = map[string]any{"provider": "fastly", "key": "k"} }, "'downloadAuth.provider'"},
		{func(m map[string]any) { m["downloadAuth"] = map[string]any{"provider": "gcore"} }, "'downloadAuth.key': required"},
	} {
		body := validDeployment("Good")
		c.mutate(body)
		admin.do("POST", "/be/v1/deployments", body).expect(t, 400, c.msg)
	}
}

func TestAppsCRUD(t *testing.T) {
	s, _, admin := newOrgMock(t)
	s.SeedDeployment("Org", "Origin_A")
	a := admin.do("POST", "/be/v1/apps", map[string]any{"name": "Game", "label": "The Game"}).expect(t, 200, "")
	var ap app
	_ = json.Unmarshal(a.Data, &ap)
	if ap.MaxBuilds != 5 || ap.ICurBuild != 0 || ap.Deployments == nil || len(ap.Deployments) != 0 {
		t.Fatalf("created %s", a.Data)
	}
	admin.do("POST", "/be/v1/apps", map[string]any{"name": "Game", "label": "x"}).expect(t, 409, "app 'Game' already exists")
	admin.do("POST", "/be/v1/apps", map[string]any{"name": "G2"}).expect(t, 400, "'label': required")
	admin.do("POST", "/be/v1/apps", map[string]any{"name": "G2", "label": "x", "maxBuilds": 0}).expect(t, 400, "'maxBuilds': must be >= 1")
	admin.do("PATCH", "/be/v1/apps", map[string]any{"name": "Game", "deployments": []string{"Nope"}}).expect(t, 400, "deployment 'Nope' does not exist")
	a = admin.do("PATCH", "/be/v1/apps", map[string]any{"name": "Game", "maxBuilds": 2, "deployments": []string{"Origin_A"}}).expect(t, 200, "")
	_ = json.Unmarshal(a.Data, &ap)
	if ap.MaxBuilds != 2 || ap.Label != "The Game" || len(ap.Deployments) != 1 {
		t.Fatalf("after PATCH %s", a.Data)
	}
	admin.do("PATCH", "/be/v1/apps", map[string]any{"name": "Nope", "label": "x"}).expect(t, 404, "")
	admin.do("GET", "/be/v1/apps/Game", nil).expect(t, 200, "")
	admin.do("DELETE", "/be/v1/apps/Game", nil).expect(t, 200, "app deleted")
	admin.do("GET", "/be/v1/apps/Game", nil).expect(t, 404, "app 'Game' not found")

	for i := range 120 {
		s.SeedApp("Org", fmt.Sprintf("App_%03d", i), "x", i, 0)
	}
	a = admin.do("GET", "/be/v1/apps?offset=0&limit=3&order[]=-iCurBuild", nil).expect(t, 200, "")
	var page []app
	_ = json.Unmarshal(a.Data, &page)
	if a.Total != 120 || len(page) != 3 || page[0].Name != "App_119" {
		t.Fatalf("ordered page: total %d, %s", a.Total, a.Data)
	}
}

func TestPublishingPermissions(t *testing.T) {
	s, url, _ := newOrgMock(t)
	s.SeedRole("Org", "AppReader", map[string]int{"apps": PermRead})
	pw := s.SeedUser("Org", "reader", false, "AppReader")
	reader := login(t, url, "reader", pw)
	reader.do("GET", "/be/v1/apps", nil).expect(t, 200, "")
	reader.do("POST", "/be/v1/apps", map[string]any{"name": "G", "label": "x"}).expect(t, 403, "create permission on 'apps'")
	reader.do("GET", "/be/v1/deployments", nil).expect(t, 403, "read permission on 'deployments'")
	reader.do("POST", "/be/v1/deployments", validDeployment("D1")).expect(t, 403, "create permission on 'deployments'")
	reader.do("GET", "/be/v1/subscriptions", nil).expect(t, 403, "read permission on 'subscriptions'")
	reader.do("DELETE", "/be/v1/subscriptions/x", nil).expect(t, 403, "delete permission on 'subscriptions'")
	reader.do("GET", "/be/v1/tasks", nil).expect(t, 403, "read permission on 'tasks'")
	mockCaller{t: t, url: url}.do("GET", "/be/v1/apps", nil).expect(t, 401, "")
}

func TestSubscriptions(t *testing.T) {
	s, _, admin := newOrgMock(t)
	body := map[string]any{"name": "Hook", "type": "webhook", "url": "https://x.example.com/h",
		"events": []map[string]string{{"type": "deploy", "event": "end"}}}
	a := admin.do("POST", "/be/v1/subscriptions", body).expect(t, 200, "")
	var created struct {
		Secret string              `json:"secret"`
		Events []subscriptionEvent `json:"events"`
	}
	_ = json.Unmarshal(a.Data, &created)
	if want, _ := s.SubscriptionSecret("Org", "Hook"); created.Secret == "" || created.Secret != want || len(created.Events) != 1 {
		t.Fatalf("subscribe answer %s", a.Data)
	}
	admin.do("POST", "/be/v1/subscriptions", body).expect(t, 409, "subscription 'Hook' already exists")
	a = admin.do("GET", "/be/v1/subscriptions", nil).expect(t, 200, "")
	if strings.Contains(string(a.Data), created.Secret) || a.Total != 1 {
		t.Fatalf("list: %s", a.Data)
	}
	for _, c := range []struct {
		key string
		val any
		msg string
	}{
		{"type", "email", "'type'"},
		{"url", "http://x.example.com", "'url': must be an https URL"},
		{"events", []map[string]string{{"type": "build", "event": "end"}}, "'events.type'"},
		{"events", []map[string]string{{"type": "dltar", "event": "done"}}, "'events.event'"},
		{"name", "x", "'name'"},
	} {
		b := map[string]any{"name": "Other", "type": "slack", "url": "https://hooks.slack.com/x"}
		b[c.key] = c.val
		admin.do("POST", "/be/v1/subscriptions", b).expect(t, 400, c.msg)
	}
	admin.do("DELETE", "/be/v1/subscriptions/Hook", nil).expect(t, 200, "")
	admin.do("DELETE", "/be/v1/subscriptions/Hook", nil).expect(t, 404, "subscription 'Hook' not found")
}

func TestTasks(t *testing.T) {
	s, url, admin := newOrgMock(t)
	anon := mockCaller{t: t, url: url}
	anon.do("POST", "/_mock/tasks", map[string]any{"orgName": "Org", "tasks": []map[string]any{
		{"name": "t1", "type": "mkraw", "appName": "A", "status": "done"},
		{"name": "t2", "type": "deploy", "appName": "B", "status": "failed", "exception": map[string]string{"code": "E"}},
	}}).expect(t, 200, "tasks seeded")
	anon.do("POST", "/_mock/tasks", map[string]any{"orgName": "Org", "tasks": []map[string]any{{"name": "t3", "type": "x", "status": "done"}}}).
		expect(t, 400, "'type'")
	anon.do("POST", "/_mock/tasks", map[string]any{"orgName": "Nope", "tasks": []map[string]any{{"name": "t3", "type": "mkraw", "status": "done"}}}).
		expect(t, 400, "'orgName'")
	if err := s.SeedTask("Org", Task{Name: "t4", Type: "dltar", AppName: "A", Status: "running"}); err != nil {
		t.Fatal(err)
	}
	a := admin.do("GET", "/be/v1/tasks?appName=A", nil).expect(t, 200, "")
	if a.Total != 2 {
		t.Fatalf("appName filter: %s", a.Data)
	}
	a = admin.do("GET", "/be/v1/tasks?status=failed&type=deploy", nil).expect(t, 200, "")
	if a.Total != 1 || !strings.Contains(string(a.Data), `"code":"E"`) {
		t.Fatalf("status+type filter: %s", a.Data)
	}
	admin.do("GET", "/be/v1/tasks?status=weird", nil).expect(t, 400, "'status'")
	admin.do("GET", "/be/v1/tasks/t1", nil).expect(t, 200, "")
	admin.do("GET", "/be/v1/tasks/none", nil).expect(t, 404, "task 'none' not found")
	// The test-only endpoint is not logged.
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Path, "/_mock/") {
			t.Fatalf("logged %s %s", r.Method, r.Path)
		}
	}
}
