# The secret encrypted with your RSA public key: only ciphertext in state. Decrypt it where the
# webhook receiver's configuration is made:
#
#   terraform output -raw builds_hook_secret_encrypted | base64 -d |
#     openssl pkeyutl -decrypt -inkey secrets_key.pem -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
resource "rockit_subscription" "builds" {
  name           = "Builds_Hook"
  type           = "webhook"
  url            = "https://ci.example.com/hooks/rockit-builds"
  public_key_pem = file("secrets_key.pub.pem")
}

output "builds_hook_secret_encrypted" {
  value = rockit_subscription.builds.secret_encrypted
}
