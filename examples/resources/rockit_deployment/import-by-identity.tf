# Terraform 1.12+: import by identity. A deployment is identified by its name;
# org_name is optional and defaults to the provider's org_name.
import {
  to = rockit_deployment.eu
  identity = {
    name     = "Origin_EU"
    org_name = "Acme"
  }
}
