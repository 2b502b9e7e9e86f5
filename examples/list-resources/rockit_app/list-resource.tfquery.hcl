# Every app published to the deployment Origin_EU (apps that registered no deployment are
# published to all of them, so they are listed too).
list "rockit_app" "eu" {
  provider         = rockit
  include_resource = true

  config {
    deployment = "Origin_EU"
  }
}
