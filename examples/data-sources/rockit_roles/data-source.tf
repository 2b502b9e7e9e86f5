data "rockit_roles" "all" {}

output "role_names" {
  value = data.rockit_roles.all.roles[*].name
}
