# A machine user is imported by its username. The API key cannot be read back: it stays null
# until api_key_version is changed.
terraform import rockit_machine_user.ci ci_deploy
