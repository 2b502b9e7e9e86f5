# Terraform 1.12+: import by identity. An app is identified by its name;
# org_name is optional and defaults to the provider's org_name.
import {
  to = rockit_app.space_game
  identity = {
    name     = "Space_Game"
    org_name = "Acme"
  }
}
