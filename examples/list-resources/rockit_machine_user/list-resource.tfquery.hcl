# Every machine user whose username starts with "ci_" (API keys are never listed).
list "rockit_machine_user" "ci" {
  provider = rockit

  config {
    name_prefix = "ci_"
  }
}
