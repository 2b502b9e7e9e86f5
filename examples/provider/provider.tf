# The Edge administrator creates organizations. Set the token through the environment
# (ROCKIT_ADMIN_TOKEN) rather than in the configuration.
provider "rockit" {
  endpoint = "https://edge.example.com" # or ROCKIT_ENDPOINT
}

# Inside an organization, act as a machine user with an API key: ROCKIT_ORG, ROCKIT_USERNAME
# and ROCKIT_API_KEY from the environment (a secret from the environment is used only for the
# organization and user of ROCKIT_ORG and ROCKIT_USERNAME) ...
provider "rockit" {
  alias    = "ci"
  endpoint = "https://edge.example.com"
}

# ... or as a human backend user with a password, here from a sensitive variable. The login
# generation of the host (2025 or 2026) is detected unless auth_scheme (ROCKIT_AUTH_SCHEME)
# names it.
variable "ops_password" {
  type      = string
  sensitive = true
}

provider "rockit" {
  alias             = "ops"
  endpoint          = "https://edge.example.com"
  org_name          = "ExampleOrg"
  username          = "ops_admin"
  password          = var.ops_password
  auth_scheme       = "2026"
  request_timeout   = "45s" # one attempt (ROCKIT_REQUEST_TIMEOUT)
  max_retries       = 8     # 0 to 20 (ROCKIT_MAX_RETRIES)
  retry_max_elapsed = "10m" # all attempts of one request together (ROCKIT_RETRY_MAX_ELAPSED)
}
