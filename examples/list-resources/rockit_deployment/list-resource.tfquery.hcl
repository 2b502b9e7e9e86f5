# Every deployment of the organization, at most 50 (storage secrets are never listed).
list "rockit_deployment" "all" {
  provider = rockit
  limit    = 50
}
