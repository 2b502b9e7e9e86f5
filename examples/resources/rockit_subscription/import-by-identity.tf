# Terraform 1.12+: import by identity. A subscription is identified by its name;
# org_name is optional and defaults to the provider's org_name.
import {
  to = rockit_subscription.ci
  identity = {
    name     = "CI_Hook"
    org_name = "Acme"
  }
}
