# terraform query (Terraform 1.14+): every role whose name starts with "Release", with its
# full state, ready for `terraform query -generate-config-out=roles.tf`.
list "rockit_role" "release" {
  provider         = rockit
  include_resource = true

  config {
    name_prefix = "Release"
  }
}
