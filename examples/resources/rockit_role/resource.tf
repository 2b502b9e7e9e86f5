# A role for the release team: sees apps and their tasks, publishes through deployments and
# runs tasks. Resources left out (keys, roles, beUsers, ...) mean no access.
resource "rockit_role" "release" {
  name = "Release"
  permissions = {
    apps        = ["read", "update"]
    deployments = ["read"]
    tasks       = ["read", "execute"]
    consumption = ["read"]
  }

  # Renaming a role that users hold: create the new one and move the users before the old
  # one is deleted (the API refuses to delete a role that users still hold).
  lifecycle {
    create_before_destroy = true
  }
}
