# Terraform 1.14+. Mark the warnings of a task as reviewed:
#   terraform apply -invoke=action.rockit_acknowledge_task.reviewed
action "rockit_acknowledge_task" "reviewed" {
  config {
    task_name = "mkraw_3f2a9c01d4e5b6a7"
  }
}
