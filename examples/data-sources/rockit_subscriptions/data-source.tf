data "rockit_subscriptions" "all" {}

output "webhook_urls" {
  value = [for s in data.rockit_subscriptions.all.subscriptions : s.url if s.type == "webhook"]
}
