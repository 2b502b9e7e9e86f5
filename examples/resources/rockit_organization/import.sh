# An organization is imported by its name.
terraform import rockit_organization.example ExampleOrg
