resource "rockit_organization" "example" {
  name           = "ExampleOrg"
  admin_username = "admin"
  admin_email    = "ops@example.com"

  # Encrypt the administrator's initial password so it never rests in state in clear text.
  public_key_pem = file("${path.module}/org_key.pub.pem")

  # Remove what the organization published to its origins when it is destroyed.
  prune = true

  # Refuse any plan that would delete the organization and all its data.
  deletion_protection = true
}
