# A user is imported by its username. The initial password cannot be read back: it stays null.
terraform import rockit_user.lea lea
