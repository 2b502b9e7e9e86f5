data "rockit_task" "last_deploy" {
  name = "deploy_0042"
}

output "last_deploy_error" {
  value = data.rockit_task.last_deploy.exception == null ? null : jsondecode(data.rockit_task.last_deploy.exception)
}
