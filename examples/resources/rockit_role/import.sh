# A role is imported by its name.
terraform import rockit_role.release Release
