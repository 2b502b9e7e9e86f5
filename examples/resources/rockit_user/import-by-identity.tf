# Terraform 1.12+: import by identity. A user is identified by its username;
# org_name is optional and defaults to the provider's org_name.
import {
  to = rockit_user.lea
  identity = {
    username = "lea"
    org_name = "Acme"
  }
}
