# Published to one deployment only.
resource "rockit_app" "space_game" {
  name        = "Space_Game"
  label       = "Space Game"
  max_builds  = 10
  deployments = [rockit_deployment.eu.name]

  # Deleting an app deletes all its images and patches: refuse it at plan time.
  deletion_protection = true
}

# No deployments: published to ALL deployments of the organization, including ones created
# later. The plan shows only `+ deployments = []` and warns "The app will be published to all
# deployments".
resource "rockit_app" "puzzle" {
  name  = "Puzzle"
  label = "Puzzle"
}
