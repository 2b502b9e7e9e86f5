data "rockit_deployments" "all" {}

output "deployment_buckets" {
  value = { for d in data.rockit_deployments.all.deployments : d.name => d.origin.bucket }
}
