# A CI run that imports a native build (POST /be/v1/builds, an endpoint this provider does not
# manage) with the provider's credentials. The token never reaches state or plan; the provider
# extends it while the run still uses it. Terraform 1.10+.
ephemeral "rockit_auth_token" "ci" {}

variable "build_version" {
  type = string
}

resource "terraform_data" "import_build" {
  triggers_replace = [var.build_version]

  provisioner "local-exec" {
    command = <<-EOT
      curl --fail-with-body -X POST "$ROCKIT_ENDPOINT/be/v1/builds" \
        -H "x-rockit-beauth-token: $ROCKIT_AUTH_TOKEN" \
        -F "appName=Game_One" -F "version=${var.build_version}" -F "build=@build/game.tar.gz"
    EOT
    environment = {
      ROCKIT_AUTH_TOKEN = ephemeral.rockit_auth_token.ci.token
    }
  }
}
