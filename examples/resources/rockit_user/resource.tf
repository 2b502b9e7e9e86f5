resource "rockit_user" "lea" {
  username  = "lea"
  email     = "lea@example.com"
  firstname = "Lea"
  surname   = "Lindqvist"
  title     = "Dr."
  roles     = [rockit_role.release.name]

  # Bump to issue a new initial password (for example when Lea forgot hers).
  credentials_version = 1
}

# Hand the initial password over out of band; it is in state in clear text.
output "lea_initial_password" {
  value     = rockit_user.lea.initial_password
  sensitive = true
}
