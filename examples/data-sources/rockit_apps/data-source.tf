data "rockit_apps" "all" {}

# Apps published to every deployment (no deployments registered).
output "apps_on_all_deployments" {
  value = [for a in data.rockit_apps.all.apps : a.name if length(a.deployments) == 0]
}
