// Package provider implements the rockit Terraform provider on terraform-plugin-framework
// (protocol 6): the provider, its resources, data sources, list resources, actions, the
// ephemeral token and the functions.
//
// What it may touch: Terraform's side. Schemas, plans, state and private state, identities and
// diagnostics are its own; every request to ROCKIT Edge goes through internal/client (one
// pooled Client per provider configuration, made in Configure and handed out as providerData),
// never through net/http directly. What a run learns about Terraform's side (the plan book, the
// objects and organizations the state holds) is run memory, kept beside that Client in the
// providerData (run_memory.go): the client knows HTTP and the API, not Terraform. A resource maps its model to the client's request types and
// back with one toAPI / fromAPI pair, shared by its Create, Read, import and data source. The
// promises every resource keeps (nothing deleted, replaced, taken over or re-credentialed that
// the user did not ask for; bad input fails at plan time; secrets stay Sensitive) and the
// patterns that keep them are in DESIGN.md; role_resource.go is the model resource.
package provider
