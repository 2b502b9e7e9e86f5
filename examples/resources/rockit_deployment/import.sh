# A deployment is imported by its name. The secrets cannot be read from the API: the next
# apply sends the configured ones.
terraform import rockit_deployment.eu Origin_EU
