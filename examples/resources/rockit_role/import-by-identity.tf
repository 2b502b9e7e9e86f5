# Terraform 1.12+: import by identity. A role is identified by its name;
# org_name is optional and defaults to the provider's org_name.
import {
  to = rockit_role.release
  identity = {
    name     = "Release"
    org_name = "Acme"
  }
}
