# An S3 origin with Akamai download authentication. The secrets come from variables and are
# kept in state (marked sensitive).
resource "rockit_deployment" "eu" {
  name = "Origin_EU"

  origin = {
    # The regional endpoint, without scheme and without the bucket.
    endpoint          = "s3.eu-central-1.amazonaws.com"
    bucket            = "studio-builds"
    prefix            = "live"
    access_key_id     = var.origin_access_key_id
    secret_access_key = var.origin_secret_access_key
  }

  download_auth = {
    provider = "akamai"
    key      = var.akamai_download_key
  }

  # Renaming a deployment that apps register: create the new one and register the apps to it
  # before the old one is deleted (the API refuses to delete a deployment that apps register).
  lifecycle {
    create_before_destroy = true
  }
}

# With Terraform 1.11 or later, the write-only variants keep the secrets out of plan and state.
# Bump a *_wo_version to send a rotated secret.
resource "rockit_deployment" "us" {
  name = "Origin[US]"

  origin = {
    endpoint                     = "s3.us-east-1.amazonaws.com"
    bucket                       = "studio-builds-us"
    access_key_id                = var.origin_access_key_id
    secret_access_key_wo         = var.origin_secret_access_key
    secret_access_key_wo_version = 1
  }

  download_auth = {
    provider       = "gcore"
    key_wo         = var.gcore_download_key
    key_wo_version = 1
  }
}

variable "origin_access_key_id" {
  type = string
}

variable "origin_secret_access_key" {
  type      = string
  sensitive = true
}

variable "akamai_download_key" {
  type      = string
  sensitive = true
}

variable "gcore_download_key" {
  type      = string
  sensitive = true
}
