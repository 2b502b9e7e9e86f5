# The initial password encrypted with your RSA public key: only ciphertext in state.
resource "rockit_user" "sam" {
  username       = "sam"
  email          = "sam@example.com"
  firstname      = "Sam"
  surname        = "Sato"
  public_key_pem = file("secrets_key.pub.pem")
}

# terraform output -raw sam_initial_password_encrypted | base64 -d |
#   openssl pkeyutl -decrypt -inkey secrets_key.pem -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
output "sam_initial_password_encrypted" {
  value = rockit_user.sam.initial_password_encrypted
}
