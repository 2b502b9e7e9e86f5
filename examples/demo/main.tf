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

# --- Access management: who may do what inside the organization ---

# The release team sees apps and tasks, updates apps, reads deployments and runs tasks.
resource "rockit_role" "release" {
  provider = rockit.studio
  name     = "Release"
  permissions = {
    apps        = ["read", "update"]
    deployments = ["read"]
    tasks       = ["read", "execute"]
    consumption = ["read"]
  }
}

# A human backend user of the release team. Bump credentials_version to issue a new password.
resource "rockit_user" "lead" {
  provider            = rockit.studio
  username            = "release_lead"
  email               = "lead@example.com"
  firstname           = "Lea"
  surname             = "Lindqvist"
  roles               = [rockit_role.release.name]
  credentials_version = 1
}

# The CI pipeline's machine user. Bump api_key_version to rotate its key.
resource "rockit_machine_user" "ci" {
  provider        = rockit.studio
  username        = "ci_deploy"
  label           = "CI deploy pipeline"
  roles           = [rockit_role.release.name]
  api_key_version = 1
}

output "release_lead_initial_password" {
  value     = rockit_user.lead.initial_password
  sensitive = true
}

output "ci_api_key" {
  value     = rockit_machine_user.ci.api_key
  sensitive = true
}

# --- Publishing: where builds go, which apps exist, and who hears about it ---

# The S3 origin the CDN serves from (the demo's mock never contacts the endpoint). Download
# authentication with Akamai. In real use the secrets come from sensitive variables; with
# Terraform 1.11+ prefer secret_access_key_wo / key_wo to keep them out of state.
resource "rockit_deployment" "eu" {
  provider = rockit.studio
  name     = "Origin_EU"
  origin = {
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "demo-studio-builds"
    prefix            = "live"
    access_key_id     = "AKIADEMOEXAMPLE"
    secret_access_key = "demo-secret-access-key"
  }
  download_auth = {
    provider = "akamai"
    key      = "demo-akamai-download-key"
  }
}

# Published to the EU deployment only; protected, since deleting it deletes all its builds.
resource "rockit_app" "space_game" {
  provider            = rockit.studio
  name                = "Space_Game"
  label               = "Space Game"
  max_builds          = 10
  deployments         = [rockit_deployment.eu.name]
  deletion_protection = false # set to true outside the demo
}

# No deployments registered: published to all deployments.
resource "rockit_app" "puzzle" {
  provider = rockit.studio
  name     = "Puzzle"
  label    = "Puzzle"
}

# CI hears when a deploy ends or fails.
resource "rockit_subscription" "ci" {
  provider = rockit.studio
  name     = "CI_Hook"
  type     = "webhook"
  url      = "https://ci.example.com/hooks/rockit"
  events = [
    { type = "deploy", event = "end" },
    { type = "deploy", event = "error" },
  ]
}

output "deployment_status" {
  value = "${rockit_deployment.eu.status}: ${rockit_deployment.eu.message}"
}

output "apps" {
  value = {
    (rockit_app.space_game.name) = rockit_app.space_game.deployments
    (rockit_app.puzzle.name)     = "all deployments"
  }
}

# The webhook receiver verifies the JWT of each call with this secret.
output "ci_hook_secret" {
  value     = rockit_subscription.ci.secret
  sensitive = true
}
