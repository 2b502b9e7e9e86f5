# Terraform 1.14+. Retry a deploy task that failed because the origin's credentials were wrong,
# once the corrected credentials are applied:
#   terraform apply -invoke=action.rockit_retry_task.deploy
data "rockit_tasks" "failed_deploys" {
  app_name = "Game_One"
  type     = "deploy"
  status   = "failed"
}

action "rockit_retry_task" "deploy" {
  config {
    task_name    = data.rockit_tasks.failed_deploys.tasks[0].name
    wait_timeout = "15m"
  }
}
