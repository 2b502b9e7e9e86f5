package provider

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// rockit_tasks pages through everything and passes its filters to the API; rockit_task reads
// one task with its warnings and exception.
func TestAccTasksDataSources(t *testing.T) {
	ts := newTestServer(t)
	prov := ts.orgProvider(t, "DS_Tasks")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 150 {
		status := "done"
		if i%10 == 0 {
			status = "failed"
		}
		app := "Game_A"
		if i%2 == 1 {
			app = "Game_B"
		}
		if err := ts.SeedTask("DS_Tasks", mockserver.Task{
			Name: fmt.Sprintf("task_%03d", i), Type: "mkraw", AppName: app, Status: status,
			Created: start.Add(time.Duration(i) * time.Minute),
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ts.SeedTask("DS_Tasks", mockserver.Task{
		Name: "deploy_broken", Type: "deploy", AppName: "Game_A", Status: "failed",
		Warnings: []string{"slow origin"}, WarningsAcknowledged: true, Exception: json.RawMessage(`{"code":"E_ORIGIN","message":"access denied"}`),
		Created: start,
	}); err != nil {
		t.Fatal(err)
	}
	if err := ts.SeedTask("DS_Tasks", mockserver.Task{
		Name: "upload_gone", Type: "dltar", AppName: "Game_B", Status: "expired", Created: start,
	}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: prov + `
data "rockit_tasks" "all" {}

data "rockit_tasks" "failed_a" {
  app_name = "Game_A"
  status   = "failed"
}

data "rockit_tasks" "deploys" {
  type = "deploy"
}

data "rockit_tasks" "expired" {
  status = "expired"
}

data "rockit_task" "broken" {
  name = "deploy_broken"
}

output "exception_code" {
  value = jsondecode(data.rockit_task.broken.exception).code
}
`,
			ConfigStateChecks: slices.Concat(
				// Newest first.
				expectList("data.rockit_tasks.all", "tasks", 152, map[int]attrs{0: {
					"name":                  knownvalue.StringExact("task_149"),
					"app_name":              knownvalue.StringExact("Game_B"),
					"warnings_acknowledged": knownvalue.Bool(false),
				}}),
				// task_000, 010, ..., 140 (failed, all of Game_A) plus deploy_broken.
				expectList("data.rockit_tasks.failed_a", "tasks", 16, nil),
				expectList("data.rockit_tasks.deploys", "tasks", 1, nil),
				expectList("data.rockit_tasks.expired", "tasks", 1, map[int]attrs{0: {
					"name":   knownvalue.StringExact("upload_gone"),
					"status": knownvalue.StringExact("expired"),
				}}),
				[]statecheck.StateCheck{statecheck.ExpectKnownValue("data.rockit_task.broken", tfjsonpath.New("warnings"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("slow origin")}))},
			),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.rockit_task.broken", "warnings_acknowledged", "true"),
				resource.TestCheckResourceAttr("data.rockit_task.broken", "status", "failed"),
				resource.TestCheckResourceAttr("data.rockit_task.broken", "type", "deploy"),
				resource.TestCheckOutput("exception_code", "E_ORIGIN"),
				ts.checkPaged("/be/v1/tasks"),
				func(*terraform.State) error {
					for _, r := range ts.requestsMatching("GET", "/be/v1/tasks") {
						if q, _ := url.ParseQuery(r.Query); q.Get("appName") == "Game_A" && q.Get("status") == "failed" {
							return nil
						}
					}
					return fmt.Errorf("the filters were not sent to the API")
				},
			),
		}},
	})
}
