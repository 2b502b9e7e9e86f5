# The Edge administrator creates organizations. Set the token through the environment
# (ROCKIT_ADMIN_TOKEN) rather than in the configuration.
provider "rockit" {
  endpoint = "https://edge.example.com" # or ROCKIT_ENDPOINT
}

# Inside an organization, act as a machine user with an API key (ROCKIT_API_KEY) ...
provider "rockit" {
  alias    = "ci"
  endpoint = "https://edge.example.com"
  org_name = "ExampleOrg"
  username = "ci_pipeline"
}

# ... or as a human backend user with a password (ROCKIT_PASSWORD). The login generation of
# the host (2025 or 2026) is detected unless auth_scheme (ROCKIT_AUTH_SCHEME) names it.
provider "rockit" {
  alias             = "ops"
  endpoint          = "https://edge.example.com"
  org_name          = "ExampleOrg"
  username          = "ops_admin"
  auth_scheme       = "2026"
  request_timeout   = "45s" # one attempt
  max_retries       = 8
  retry_max_elapsed = "10m" # all attempts of one request together
}
