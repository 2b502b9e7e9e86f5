# Every human backend user who holds the role Release (initial passwords are never listed).
list "rockit_user" "release_team" {
  provider = rockit

  config {
    role = "Release"
  }
}
