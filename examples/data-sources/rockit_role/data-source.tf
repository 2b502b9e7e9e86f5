# The built-in Administrators role can be read, not managed.
data "rockit_role" "admins" {
  name = "Administrators"
}

output "admin_permissions" {
  value = data.rockit_role.admins.permissions
}
