# The bitmasks of a role, as the API and ROCKITPLAY's documentation write them.
output "release_bits" {
  value = provider::rockit::permissions_to_bits(rockit_role.release.permissions)
}
# release_bits = { apps = 6, tasks = 18 }
