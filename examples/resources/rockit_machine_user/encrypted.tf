# The API key encrypted with your RSA public key: only ciphertext in state. The pipeline that
# holds the private key decrypts it and writes it to its secret store:
#
#   terraform output -raw publisher_api_key_encrypted | base64 -d |
#     openssl pkeyutl -decrypt -inkey secrets_key.pem -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 |
#     gh secret set ROCKIT_API_KEY
resource "rockit_machine_user" "publisher" {
  username       = "ci_publisher"
  label          = "Publishes builds"
  roles          = [rockit_role.release.name]
  public_key_pem = file("secrets_key.pub.pem")
}

output "publisher_api_key_encrypted" {
  value = rockit_machine_user.publisher.api_key_encrypted
}
