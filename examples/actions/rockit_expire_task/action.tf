# Terraform 1.14+. End an upload (dltar) task that hangs:
#   terraform apply -invoke=action.rockit_expire_task.stuck_upload
data "rockit_tasks" "uploads" {
  app_name = "Game_One"
  type     = "dltar"
  status   = "running"
}

action "rockit_expire_task" "stuck_upload" {
  config {
    task_name = data.rockit_tasks.uploads.tasks[0].name
  }
}
