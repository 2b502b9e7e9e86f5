data "rockit_user" "admin" {
  username = "admin"
}

output "admin_roles" {
  value = data.rockit_user.admin.roles
}
