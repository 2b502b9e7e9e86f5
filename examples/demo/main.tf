# The demo of `make demo`: an organization, and everything inside it managed through a second,
# aliased provider configured from the organization's outputs, all in one apply.
#
# The endpoint and the admin token come from ROCKIT_ENDPOINT and ROCKIT_ADMIN_TOKEN, which
# `make demo` sets for its local mock server.

terraform {
  required_providers {
    rockit = {
      source = "rockitplay/rockit"
    }
  }
}

# Edge administrator: creates and deletes organizations.
provider "rockit" {}

resource "rockit_organization" "studio" {
  name        = "Demo_Studio"
  admin_email = "ops@example.com"
  # Destroying the demo also removes what it published to the deployment origins.
  prune = true
}

# The organization's first administrator manages everything inside it. Its password is known
# only after the organization exists: the provider waits for it.
provider "rockit" {
  alias    = "studio"
  org_name = rockit_organization.studio.name
  username = rockit_organization.studio.admin_username
  password = rockit_organization.studio.admin_initial_password
}

output "organization" {
  value = rockit_organization.studio.name
}

output "admin_username" {
  value = rockit_organization.studio.admin_username
}
