# Notify CI when a deploy ends or any task fails to make a raw image.
resource "rockit_subscription" "ci" {
  name = "CI_Hook"
  type = "webhook"
  url  = "https://ci.example.com/hooks/rockit"

  events = [
    { type = "deploy", event = "end" },
    { type = "deploy", event = "error" },
    { type = "mkraw", event = "error" },
  ]
}

# Without events: every event of every task type.
resource "rockit_subscription" "team_chat" {
  name = "Team_Chat"
  type = "slack"
  url  = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXX"
}

# Hand the secret to the webhook receiver, which verifies the JWT of each call with it.
output "ci_hook_secret" {
  value     = rockit_subscription.ci.secret
  sensitive = true
}
