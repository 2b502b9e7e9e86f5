# A role from the bitmasks of ROCKITPLAY's documentation: create 1, read 2, update 4,
# delete 8, execute 16.
resource "rockit_role" "release" {
  name = "Release"
  permissions = provider::rockit::permissions_from_bits({
    apps  = 6  # read + update
    tasks = 18 # read + execute
  })
}
# permissions = { apps = ["read", "update"], tasks = ["execute", "read"] }
