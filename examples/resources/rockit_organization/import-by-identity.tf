# Terraform 1.12+: import by identity. An organization is identified by its name.
import {
  to = rockit_organization.example
  identity = {
    name = "ExampleOrg"
  }
}
