# Every machine user of the organization, e.g. to audit automation access.
data "rockit_users" "machines" {
  type = "machine"
}

output "machine_users" {
  value = { for u in data.rockit_users.machines.users : u.username => u.roles }
}
