# Terraform 1.14+. Run it on demand:
#   terraform apply -invoke=action.rockit_process_traces.game
action "rockit_process_traces" "game" {
  config {
    app_name = rockit_app.game.name
    # Optional: follow the mkraw task until it is done (each status change is reported).
    wait_timeout = "30m"
  }
}

# Or start it whenever the app changes.
resource "rockit_app" "game" {
  name  = "Game_One"
  label = "Game One"

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.rockit_process_traces.game]
    }
  }
}
