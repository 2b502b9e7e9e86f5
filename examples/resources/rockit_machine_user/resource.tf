resource "rockit_machine_user" "ci" {
  username = "ci_deploy"
  label    = "GitHub Actions deploy"
  roles    = [rockit_role.release.name]

  # Bump to rotate the API key; the old key stops working at once.
  api_key_version = 1
}

# A provider configuration that acts as the machine user (API-key headers).
provider "rockit" {
  alias    = "ci"
  org_name = "ExampleOrg"
  username = rockit_machine_user.ci.username
  api_key  = rockit_machine_user.ci.api_key
}
