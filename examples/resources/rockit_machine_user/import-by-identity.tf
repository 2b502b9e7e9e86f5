# Terraform 1.12+: import by identity. A machine user is identified by its username;
# org_name is optional and defaults to the provider's org_name.
import {
  to = rockit_machine_user.ci
  identity = {
    username = "ci_deploy"
    org_name = "Acme"
  }
}
