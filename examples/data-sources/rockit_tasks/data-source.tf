# Failed deploy tasks of one app, newest first.
data "rockit_tasks" "failed_deploys" {
  app_name = "Space_Game"
  status   = "failed"
  type     = "deploy"
}

output "failed_deploys" {
  value = [for t in data.rockit_tasks.failed_deploys.tasks : "${t.name} (${t.created})"]
}
