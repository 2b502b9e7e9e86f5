// Package client is the REST client of the ROCKIT Edge Backend API (/be/v1).
//
// What it may touch: HTTP and the API. It sends requests and reads answers (typed requests and
// responses per API type, paging, logins and tokens, the rate limit and retries), keeps the
// evidence of its own creates (the crash journal) and judges ownership by it (ownership.go),
// and reads the server's clock from its answers. It has no Terraform imports and knows no
// schema, state or plan: the provider maps its types to schema models (one toAPI / fromAPI
// pair per type). It knows no Terraform state: what it remembers is about its own requests and
// the server's answers (the creates it sent, SentCreate; the names a list read found, NameTaken;
// an organization the host said is missing). Where it needs a fact of the caller's, it asks
// (Config.KnownOrganization); the run memory of state and plan lives in the provider's data.
//
// One Client holds one pooled http.Client and the credentials of one provider configuration;
// it is safe for concurrent use. The decisions it follows where the API contract is silent are
// in DECISIONS.md; its patterns (limiter, retries, graceful stop, evidence) in DESIGN.md.
package client
