# A subscription is imported by its name. Its secret is returned only when subscribing, so it
# is null after an import.
terraform import rockit_subscription.ci CI_Hook
