# Every subscription whose name starts with "CI_" (secrets are never listed).
list "rockit_subscription" "ci" {
  provider = rockit

  config {
    name_prefix = "CI_"
  }
}
