data "rockit_deployment" "eu" {
  name = "Origin_EU"
}

output "eu_status" {
  value = "${data.rockit_deployment.eu.status}: ${data.rockit_deployment.eu.message}"
}
