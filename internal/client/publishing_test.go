package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

func TestUpdateDeploymentRequestBody(t *testing.T) {
	prefix := "v2"
	for _, c := range []struct {
		in   UpdateDeploymentRequest
		want string
	}{
		{UpdateDeploymentRequest{Name: "D"}, `{"name":"D"}`},
		{UpdateDeploymentRequest{Name: "D", Origin: &OriginPatch{}}, `{"name":"D"}`},
		{UpdateDeploymentRequest{Name: "D", Origin: &OriginPatch{Prefix: &prefix}}, `{"name":"D","origin":{"prefix":"v2"}}`},
		{UpdateDeploymentRequest{Name: "D", RemoveDownloadAuth: true}, `{"downloadAuth":null,"name":"D"}`},
		{UpdateDeploymentRequest{Name: "D", DownloadAuth: &DownloadAuth{Provider: "gcore", Key: "k"}}, `{"downloadAuth":{"provider":"gcore","key":"k"},"name":"D"}`},
	} {
		b, err := json.Marshal(c.in)
		if err != nil || string(b) != c.want {
			t.Errorf("%+v: got %s (%v), want %s", c.in, b, err, c.want)
		}
	}
}

func TestUpdateAppRequestBody(t *testing.T) {
	label, five := "L", int64(5)
	for _, c := range []struct {
		in   UpdateAppRequest
		want string
	}{
		{UpdateAppRequest{Name: "A", Label: &label}, `{"name":"A","label":"L"}`},
		{UpdateAppRequest{Name: "A", MaxBuilds: &five}, `{"name":"A","maxBuilds":5}`},
		{UpdateAppRequest{Name: "A", Deployments: &[]string{}}, `{"name":"A","deployments":[]}`},
	} {
		b, err := json.Marshal(c.in)
		if err != nil || string(b) != c.want {
			t.Errorf("got %s (%v), want %s", b, err, c.want)
		}
	}
}

func TestDeploymentsAgainstMock(t *testing.T) {
	m, c := newMockOrgClient(t)
	ctx := context.Background()
	in := CreateDeploymentRequest{Name: "Origin[EU]", Origin: Origin{Type: "s3", Endpoint: "s3.eu-central-1.amazonaws.com",
		Bucket: "b", AccessKeyID: "AKIA", SecretAccessKey: "sec"}, DownloadAuth: &DownloadAuth{Provider: "akamai", Key: "k"}}
	d, err := c.CreateDeployment(ctx, in)
	if err != nil || d.Name != "Origin[EU]" || d.Status != "ready" || d.Origin.SecretAccessKey != "" || d.DownloadAuth.Key != "" {
		t.Fatalf("CreateDeployment: %+v, %v", d, err)
	}
	if _, err := c.CreateDeployment(ctx, in); !IsConflict(err) {
		t.Fatalf("duplicate: want 409, got %v", err)
	}
	// A name with brackets reaches the server as the same name.
	got, err := c.GetDeployment(ctx, "Origin[EU]")
	if err != nil || got.Origin.Bucket != "b" {
		t.Fatalf("GetDeployment: %+v, %v", got, err)
	}
	d, err = c.UpdateDeployment(ctx, UpdateDeploymentRequest{Name: "Origin[EU]", RemoveDownloadAuth: true})
	if err != nil || d.DownloadAuth != nil {
		t.Fatalf("UpdateDeployment: %+v, %v", d, err)
	}
	m.SeedApp("Org", "Game", "G", 0, 0, "Origin[EU]")
	if err := c.DeleteDeployment(ctx, "Origin[EU]"); !IsConflict(err) || !strings.Contains(err.Error(), "Game") {
		t.Fatalf("delete in use: want 409 naming Game, got %v", err)
	}
	m.RemoveApp("Org", "Game")
	if err := c.DeleteDeployment(ctx, "Origin[EU]"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDeployment(ctx, "Origin[EU]"); !IsNotFound(err) {
		t.Fatalf("after delete: want 404, got %v", err)
	}
	for i := range 150 {
		m.SeedDeployment("Org", fmt.Sprintf("D%03d", i))
	}
	all, err := c.ListDeployments(ctx)
	if err != nil || len(all) != 150 || all[149].Name != "D149" {
		t.Fatalf("ListDeployments: %d, %v", len(all), err)
	}
}

func TestAppsAgainstMock(t *testing.T) {
	m, c := newMockOrgClient(t)
	ctx := context.Background()
	m.SeedDeployment("Org", "D1")
	a, err := c.CreateApp(ctx, CreateAppRequest{Name: "Game", Label: "G"})
	if err != nil || a.MaxBuilds != 5 || len(a.Deployments) != 0 {
		t.Fatalf("CreateApp: %+v, %v", a, err)
	}
	a, err = c.UpdateApp(ctx, UpdateAppRequest{Name: "Game", Deployments: &[]string{"D1"}})
	if err != nil || len(a.Deployments) != 1 || a.Label != "G" {
		t.Fatalf("UpdateApp: %+v, %v", a, err)
	}
	if _, err := c.UpdateApp(ctx, UpdateAppRequest{Name: "Game", Deployments: &[]string{"Nope"}}); !IsBadRequest(err) {
		t.Fatalf("unknown deployment: want 400, got %v", err)
	}
	for i := range 101 {
		m.SeedApp("Org", fmt.Sprintf("A%03d", i), "x", 0, 0)
	}
	all, err := c.ListApps(ctx)
	if err != nil || len(all) != 102 {
		t.Fatalf("ListApps: %d, %v", len(all), err)
	}
	if err := c.DeleteApp(ctx, "Game"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetApp(ctx, "Game"); !IsNotFound(err) {
		t.Fatalf("after delete: want 404, got %v", err)
	}
}

func TestSubscriptionsAgainstMock(t *testing.T) {
	m, c := newMockOrgClient(t)
	ctx := context.Background()
	for i := range 120 {
		m.SeedSubscription("Org", fmt.Sprintf("A%03d", i), "https://x.example.com")
	}
	s, err := c.CreateSubscription(ctx, CreateSubscriptionRequest{Name: "Zed", Type: "webhook", URL: "https://h.example.com",
		Events: []SubscriptionEvent{{Type: "deploy", Event: "end"}}})
	if want, _ := m.SubscriptionSecret("Org", "Zed"); err != nil || s.Secret == "" || s.Secret != want {
		t.Fatalf("CreateSubscription: %+v, %v", s, err)
	}
	// Found on the second page of the list, without its secret.
	got, err := c.GetSubscription(ctx, "Zed")
	if err != nil || got.Secret != "" || len(got.Events) != 1 || got.Events[0].Type != "deploy" {
		t.Fatalf("GetSubscription: %+v, %v", got, err)
	}
	if _, err := c.GetSubscription(ctx, "Nope"); !IsNotFound(err) {
		t.Fatalf("missing subscription: want IsNotFound, got %v", err)
	}
	if err := c.DeleteSubscription(ctx, "Zed"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSubscription(ctx, "Zed"); !IsNotFound(err) {
		t.Fatalf("second delete: want 404, got %v", err)
	}
}

func TestTasksAgainstMock(t *testing.T) {
	m, c := newMockOrgClient(t)
	ctx := context.Background()
	for i := range 130 {
		status := "done"
		if i%2 == 0 {
			status = "failed"
		}
		if err := m.SeedTask("Org", mockserver.Task{Name: fmt.Sprintf("t%03d", i), Type: "mkraw", AppName: "A", Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.ListTasks(ctx, TaskFilter{})
	if err != nil || len(all) != 130 {
		t.Fatalf("ListTasks: %d, %v", len(all), err)
	}
	failed, err := c.ListTasks(ctx, TaskFilter{AppName: "A", Status: "failed", Type: "mkraw"})
	if err != nil || len(failed) != 65 {
		t.Fatalf("filtered: %d, %v", len(failed), err)
	}
	var sawFilter bool
	for _, r := range m.Requests() {
		q, _ := url.ParseQuery(r.Query)
		sawFilter = sawFilter || (q.Get("status") == "failed" && q.Get("appName") == "A" && q.Get("type") == "mkraw")
	}
	if !sawFilter {
		t.Fatal("the filters were not sent")
	}
	tk, err := c.GetTask(ctx, "t001")
	if err != nil || tk.Status != "done" || tk.AppName != "A" {
		t.Fatalf("GetTask: %+v, %v", tk, err)
	}
	if _, err := c.GetTask(ctx, "none"); !IsNotFound(err) {
		t.Fatalf("GetTask none: %v", err)
	}
}
