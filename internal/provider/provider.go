package provider

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var (
	_ provider.Provider                       = &rockitProvider{}
	_ provider.ProviderWithActions            = &rockitProvider{}
	_ provider.ProviderWithEphemeralResources = &rockitProvider{}
	_ provider.ProviderWithFunctions          = &rockitProvider{}
	_ provider.ProviderWithListResources      = &rockitProvider{}
)

// New returns the provider factory for a build version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &rockitProvider{version: version}
	}
}

// rockitProvider is the rockit provider.
type rockitProvider struct {
	version string
	// journal is the crash journal of this provider process (evidence.go), shared by its
	// provider configurations; made by the first Configure.
	journalOnce sync.Once
	journal     *client.Journal
}

// rockitProviderModel is the provider block.
type rockitProviderModel struct {
	Endpoint           types.String  `tfsdk:"endpoint"`
	AdminToken         types.String  `tfsdk:"admin_token"`
	OrgName            types.String  `tfsdk:"org_name"`
	Username           types.String  `tfsdk:"username"`
	Password           types.String  `tfsdk:"password"`
	APIKey             types.String  `tfsdk:"api_key"`
	AuthScheme         types.String  `tfsdk:"auth_scheme"`
	RequestTimeout     types.String  `tfsdk:"request_timeout"`
	InsecureSkipVerify types.Bool    `tfsdk:"insecure_skip_verify"`
	CACertPEM          types.String  `tfsdk:"ca_cert_pem"`
	MaxRetries         types.Int64   `tfsdk:"max_retries"`
	RateLimit          types.Float64 `tfsdk:"rate_limit"`
	RetryMaxElapsed    types.String  `tfsdk:"retry_max_elapsed"`
	SecretsPublicKey   types.String  `tfsdk:"secrets_public_key_pem"`
	CollectionReads    types.Bool    `tfsdk:"collection_reads"`
	PlanChecks         types.Bool    `tfsdk:"plan_checks"`
}

// Environment variables read when an attribute is not set in the provider block.
const (
	envEndpoint        = "ROCKIT_ENDPOINT"
	envAdminToken      = "ROCKIT_ADMIN_TOKEN"
	envOrgName         = "ROCKIT_ORG"
	envUsername        = "ROCKIT_USERNAME"
	envPassword        = "ROCKIT_PASSWORD"
	envAPIKey          = "ROCKIT_API_KEY"
	envCACertPEM       = "ROCKIT_CA_CERT_PEM"
	envMaxElapsed      = "ROCKIT_RETRY_MAX_ELAPSED"
	envSecretsKey      = "ROCKIT_SECRETS_PUBLIC_KEY_PEM"
	envAuthScheme      = "ROCKIT_AUTH_SCHEME"
	envCollectionReads = "ROCKIT_COLLECTION_READS"
	envRequestTimeout  = "ROCKIT_REQUEST_TIMEOUT"
	envInsecure        = "ROCKIT_INSECURE_SKIP_VERIFY"
	envMaxRetries      = "ROCKIT_MAX_RETRIES"
	envRateLimit       = "ROCKIT_RATE_LIMIT"
)

// Limits of the provider settings (the schema's validators and the environment variables).
const (
	maxMaxRetries = 20
	minRateLimit  = 0.1
)

// Defaults of the provider block.
const (
	defaultRequestTimeout = 30 * time.Second
	defaultMaxRetries     = 5
)

func (p *rockitProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "rockit"
	resp.Version = p.version
}

func (p *rockitProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The ROCKIT Edge provider manages organizations, users, machine users, roles, apps, " +
			"deployments and event subscriptions of a [ROCKITPLAY](https://rockitplay.com) ROCKIT Edge host through its Backend API.\n\n" +
			"Organizations are created and deleted with the Edge **administrator token** (`admin_token`). Everything inside an " +
			"organization is managed with **org-scoped credentials**: `org_name` and `username` with either the `password` of a " +
			"human backend user (the provider logs in and renews its tokens itself) or the `api_key` of a machine user.\n\n" +
			"Both generations of the login are spoken: the 2025 session and auth token, and the 2026 access and refresh " +
			"token (`auth_scheme`, detected from the first login by default).\n\n" +
			"Every attribute can also come from an environment variable, named in its description; a value in the provider block " +
			"wins, and the secret (`password` or `api_key`) is one choice: when the block sets either, both variables are ignored. " +
			"A secret from the environment (`" + envPassword + "`, `" + envAPIKey + "`) is used only for its own organization and " +
			"user: when `org_name` and `username` come from `" + envOrgName + "` and `" + envUsername + "` too, or equal them. " +
			"A configuration known to lack a credential that a resource or data source needs fails the plan, naming it. " +
			"Credentials that are unknown during planning (for example the initial password of an organization created in the " +
			"same run) are fine for resources; data sources behind such a configuration need `depends_on` on the organization.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the ROCKIT Edge host, e.g. `https://edge.example.com`: `http` or `https` and a host. " +
					"Leave out `/be/v1`, which the provider adds to every request; a base path of a reverse proxy in front of the " +
					"Edge (`https://gateway.example.com/edge`) is kept. " +
					"May also be set with the `" + envEndpoint + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.Endpoint()},
			},
			"admin_token": schema.StringAttribute{
				MarkdownDescription: "Edge administrator token, needed to create and delete organizations (`rockit_organization`). " +
					"Sent as the `x-rockit-beauth-token` header, or as `Authorization: Bearer` on a 2026 host (see `auth_scheme`). May also be set with the `" + envAdminToken + "` environment variable.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"org_name": schema.StringAttribute{
				MarkdownDescription: "Organization that org-scoped resources (users, roles, apps, ...) are managed in. " +
					"May also be set with the `" + envOrgName + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.Name()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "Backend user (with `password`) or machine user (with `api_key`) that org-scoped requests act as. " +
					"May also be set with the `" + envUsername + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.Name()},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "Password of the human backend user `username`. The provider logs in once per run and renews " +
					"its short-lived token before it expires (2025: the 5-minute auth token from the 24-hour session; 2026: the " +
					"15-minute access token through the rotating refresh token; see `auth_scheme`). Conflicts with `api_key`; when the block sets either, " +
					"neither `" + envPassword + "` nor `" + envAPIKey + "` is read. " +
					"May also be set with the `" + envPassword + "` environment variable, which is used only when `org_name` and `username` " +
					"come from (or equal) `" + envOrgName + "` and `" + envUsername + "`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("api_key")),
				},
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "API key of the machine user `username`, sent with `org_name` and `username` as the " +
					"`x-rockit-orgname`, `x-rockit-username` and `x-rockit-api-key` headers. Conflicts with `password`; when the " +
					"block sets either, neither `" + envPassword + "` nor `" + envAPIKey + "` is read. " +
					"May also be set with the `" + envAPIKey + "` environment variable, which is used only when `org_name` and `username` " +
					"come from (or equal) `" + envOrgName + "` and `" + envUsername + "`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("password")),
				},
			},
			"auth_scheme": schema.StringAttribute{
				MarkdownDescription: "Authentication generation of the ROCKIT Edge host: `\"2025\"` (a `password` login gives a " +
					"24-hour session and 5-minute auth tokens sent as `x-rockit-beauth-token`), `\"2026\"` (a two-step login picks " +
					"`org_name` and gives 15-minute access tokens sent as `Authorization: Bearer`, renewed with a rotating refresh " +
					"token) or `\"auto\"` (the default: the first login's answer tells the generation, and it is kept for the run). " +
					"It also decides how `admin_token` travels (`x-rockit-beauth-token` or `Authorization: Bearer`); `api_key` " +
					"works the same in both. May also be set with the `" + envAuthScheme + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(client.AuthSchemes...)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP request (one attempt) may take, as a Go duration such as `30s` or `2m`. " +
					"Defaults to `30s`. A create, change or delete that was sent when Terraform is interrupted (Ctrl-C) still " +
					"waits for its answer up to this long, so that its result is recorded in state. May also be set with the `" + envRequestTimeout + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.Duration()},
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification: anyone on the network path could then read and change every " +
					"request, the admin token, passwords and API keys included. Only for test hosts; for a host with its own certificate " +
					"authority set `ca_cert_pem` instead. Every run warns while it is on. Defaults to `false`. May also be set with the `" +
					envInsecure + "` environment variable (`true` or `false`).",
				Optional: true,
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded certificate authorities (one or more certificates) to trust in addition to the system's, " +
					"for a self-hosted Edge with a private CA, so that verification never has to be turned off. May also be set with the `" + envCACertPEM + "` environment variable.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after a rate limit (429), a server fault (500, 502, 503, 504) " +
					"or a connection error, with exponential backoff and jitter, honouring `Retry-After`. From `0` (no retries) to `20`. Defaults to `5`. " +
					"May also be set with the `" + envMaxRetries + "` environment variable.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"retry_max_elapsed": schema.StringAttribute{
				MarkdownDescription: "The total time one operation may take with all its retries, as a Go duration such as `5m`. " +
					"No retry starts beyond it, and a server asking (with `Retry-After`) to wait longer than what is left of it " +
					"fails the operation at once; a wait it can hold is capped at 60 s. Defaults to `5m`. May also be set with the `" + envMaxElapsed + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.Duration()},
			},
			"rate_limit": schema.Float64Attribute{
				MarkdownDescription: "The most requests per second the provider sends, shared by all resources, evenly spaced. Unlimited when unset. " +
					"After a `429` answer the provider also waits for its `Retry-After`, slows to 70% of the rate the server accepted " +
					"in the second before it, and speeds up again while no `429` comes, never above this value. " +
					"If you know the server's limit, set this just under it: no `429`, nothing to estimate. At least `0.1`. " +
					"May also be set with the `" + envRateLimit + "` environment variable.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(minRateLimit)},
			},
			"collection_reads": schema.BoolAttribute{
				MarkdownDescription: "Refresh every object of a type from one read of the type's list instead of one request per " +
					"object. The first refresh of a type reads its object alone and, at the same time, the list's first page " +
					"(100 objects); the rest of the list is read (4 pages at a time) once a second object of the type is " +
					"refreshed, and serves every other refresh and the list data sources (`rockit_roles`, `rockit_users`, ...) " +
					"of that run. A refresh of 500 roles then costs 5 list requests instead of 500; a single refresh (e.g. " +
					"`-target`) costs one list page more than before. An object missing from the list is read alone before it " +
					"is reported gone, and list answers that carry fewer fields than the read of one object make the provider " +
					"read objects alone. Turn it off (`false`) to read every object alone, e.g. when a proxy or cache in front " +
					"of the server may answer lists older than single objects, or to compare request counts. Defaults to `true`. May also be " +
					"set with the `" + envCollectionReads + "` environment variable (`true` or `false`, `1` or `0`).",
				Optional: true,
			},
			"plan_checks": schema.BoolAttribute{
				MarkdownDescription: "Check at plan time what the server would refuse at apply: a role (`roles` of users and " +
					"machine users) or deployment (`deployments` of apps) that the plan adds but that neither exists nor is " +
					"created by the plan is an error naming the nearest existing names; a role or deployment that the plan " +
					"deletes while users or apps that the plan does not change still hold or register it is a warning naming them. " +
					"Costs at most one list request per type in the plan (and again in the apply), none when the plan adds or deletes no role or " +
					"deployment name. " +
					"Turn it off (`false`) for plans that must not read the server beyond the refresh. Defaults to `true`. May also " +
					"be set with the `" + envPlanChecks + "` environment variable (`true` or `false`, `1` or `0`).",
				Optional: true,
			},
			"secrets_public_key_pem": schema.StringAttribute{
				MarkdownDescription: "Default `public_key_pem` of `rockit_user`, `rockit_machine_user` and `rockit_subscription`: " +
					"a PEM-encoded RSA public key (at least 2048 bits) with which the provider encrypts every initial password, " +
					"API key and subscription secret the API issues, so that only ciphertext is kept in state. A resource's own " +
					"`public_key_pem` wins. Changing it changes nothing on the server: the next secret issued uses the new key. " +
					"May also be set with the `" + envSecretsKey + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.RSAPublicKeyPEM(false)},
			},
		},
	}
}

// stringSetting returns the configured value, else the environment variable. An unknown value
// (known only at apply) counts as set and does not fall back to the environment.
func stringSetting(v types.String, env string) string {
	if v.IsUnknown() {
		return ""
	}
	if !v.IsNull() {
		return v.ValueString()
	}
	if env == "" {
		return ""
	}
	return os.Getenv(env)
}

// configSets reports whether the provider block sets v, to a known or a still unknown value.
func configSets(v types.String) bool { return !v.IsNull() }

// credentials resolves the provider block's credentials against the environment:
//   - endpoint, admin_token, org_name and username: the block's value, else the variable;
//   - the secret (password or api_key) is one choice, taken as a whole: when the block sets
//     either of them (even to a value unknown until apply), both variables are ignored, so a
//     block with api_key is not disturbed by ROCKIT_PASSWORD in the environment; only a block
//     setting both is an error (the schema's ConflictsWith), and with neither in the block,
//     the variables must not both be set;
//   - a secret from the environment belongs to the organization and user of the environment:
//     it is used only when org_name and username come from ROCKIT_ORG / ROCKIT_USERNAME too, or
//     equal them (envSecretMismatch). Else it is left out, and a call that needs it fails with a
//     *client.MissingCredentialError whose Hint says why: a null `password` fed from another
//     organization's outputs never sends this shell's password to that organization's login.
//
// pending lists the credentials the block sets to values not known yet (the bootstrap pattern).
func credentials(cfg rockitProviderModel, cc *client.Config, diags *diag.Diagnostics) {
	cc.Endpoint = stringSetting(cfg.Endpoint, envEndpoint)
	cc.OrgName = stringSetting(cfg.OrgName, envOrgName)
	cc.Username = stringSetting(cfg.Username, envUsername)
	otherHost := envHostMismatch(cfg)
	switch {
	case configSets(cfg.AdminToken):
		cc.AdminToken = stringSetting(cfg.AdminToken, "")
	case otherHost != "" && os.Getenv(envAdminToken) != "":
		cc.AdminHint = otherHost
	default:
		cc.AdminToken = os.Getenv(envAdminToken)
	}
	if configSets(cfg.Password) || configSets(cfg.APIKey) {
		cc.Password = stringSetting(cfg.Password, "")
		cc.APIKey = stringSetting(cfg.APIKey, "")
	} else if password, apiKey := os.Getenv(envPassword), os.Getenv(envAPIKey); password != "" || apiKey != "" {
		if otherHost != "" {
			cc.SecretHint = otherHost
		} else if hint := envSecretMismatch(cfg, password != ""); hint != "" {
			cc.SecretHint = hint
		} else {
			cc.Password, cc.APIKey = password, apiKey
			if cc.Password != "" && cc.APIKey != "" {
				diags.AddError("Conflicting credentials",
					"Both "+envPassword+" and "+envAPIKey+" are set in the environment and the provider block sets neither "+
						"`password` nor `api_key`. A human backend user logs in with a password, a machine user sends its API key: "+
						"unset one of the variables, or set the one to use in the provider block (it then wins over both variables).")
			}
		}
	}
	cc.Sources = credentialSources(cfg, cc)
	for cred, v := range map[client.Credential]types.String{
		client.CredentialEndpoint:   cfg.Endpoint,
		client.CredentialAdminToken: cfg.AdminToken,
		client.CredentialOrgName:    cfg.OrgName,
		client.CredentialUsername:   cfg.Username,
	} {
		if v.IsUnknown() {
			cc.Pending = append(cc.Pending, cred)
		}
	}
	if cfg.Password.IsUnknown() || cfg.APIKey.IsUnknown() {
		cc.Pending = append(cc.Pending, client.CredentialSecret)
	}
}

// credentialSources names where the secrets in cc came from, for the error of a credential the
// client does not send again (client.CredentialBudgetError): the attribute or the variable.
func credentialSources(cfg rockitProviderModel, cc *client.Config) map[client.Credential]string {
	from := func(v types.String, attr, env string) string {
		if configSets(v) {
			return "`" + attr + "` in the provider block"
		}
		return env
	}
	secret := from(cfg.Password, "password", envPassword)
	if cc.APIKey != "" {
		secret = from(cfg.APIKey, "api_key", envAPIKey)
	}
	return map[client.Credential]string{
		client.CredentialSecret:     secret,
		client.CredentialAdminToken: from(cfg.AdminToken, "admin_token", envAdminToken),
	}
}

// envHostMismatch says why the secrets in the environment (ROCKIT_PASSWORD, ROCKIT_API_KEY,
// ROCKIT_ADMIN_TOKEN: those set and not overridden by the block) are not for this provider
// configuration, or returns "" when they are: they belong to the host of ROCKIT_ENDPOINT, and
// the block's `endpoint` names another one (compared as client.CanonicalEndpoint spells them,
// so a trailing slash, a default port or the case of the host name make no difference). An
// endpoint known only during apply cannot be checked, so it never matches (as envSecretMismatch
// treats org_name and username).
func envHostMismatch(cfg rockitProviderModel) string {
	envURL := os.Getenv(envEndpoint)
	if envURL == "" || cfg.Endpoint.IsNull() {
		return ""
	}
	var vars []string
	if !configSets(cfg.Password) && !configSets(cfg.APIKey) {
		for _, v := range []string{envPassword, envAPIKey} {
			if os.Getenv(v) != "" {
				vars = append(vars, v)
			}
		}
	}
	if !configSets(cfg.AdminToken) && os.Getenv(envAdminToken) != "" {
		vars = append(vars, envAdminToken)
	}
	if len(vars) == 0 {
		return ""
	}
	var why string
	envHost, envErr := client.CanonicalEndpoint(envURL)
	switch {
	case cfg.Endpoint.IsUnknown():
		why = fmt.Sprintf("`endpoint` is known only during apply (it comes from another resource), so it cannot be checked "+
			"against %s (%s)", envEndpoint, strings.TrimSpace(envURL))
	case envErr != nil:
		why = fmt.Sprintf("`endpoint` is %s but %s (%s) is not a valid endpoint, so it cannot be compared", cfg.Endpoint.ValueString(),
			envEndpoint, strings.TrimSpace(envURL))
	default:
		blockHost, err := client.CanonicalEndpoint(cfg.Endpoint.ValueString())
		if err != nil || blockHost == envHost {
			return "" // an invalid endpoint fails elsewhere, naming the rule
		}
		why = fmt.Sprintf("`endpoint` names %s but %s names %s", blockHost, envEndpoint, envHost)
	}
	verb := "is"
	if len(vars) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s %s set in the environment but not used: credentials from the environment go only to the host of %s, "+
		"and for this provider configuration %s. This keeps a shell's credentials for one host from being sent to another. "+
		"Set the credentials in the provider block, or leave `endpoint` to %s (or set it to the same host).",
		joinAnd(vars), verb, envEndpoint, why, envEndpoint)
}

// envSecretMismatch says why the secret in the environment (ROCKIT_PASSWORD when password, else
// ROCKIT_API_KEY) is not for this provider configuration, or returns "" when it is: org_name and
// username are each left to their variable, or set to the same value.
func envSecretMismatch(cfg rockitProviderModel, password bool) string {
	variable := envAPIKey
	if password {
		variable = envPassword
	}
	var why []string
	for _, s := range []struct {
		attr, env string
		v         types.String
	}{{"org_name", envOrgName, cfg.OrgName}, {"username", envUsername, cfg.Username}} {
		switch env := os.Getenv(s.env); {
		case s.v.IsUnknown():
			why = append(why, fmt.Sprintf("`%s` is known only during apply (it comes from another resource), so it cannot be "+
				"checked against %s", s.attr, s.env))
		case s.v.IsNull() || s.v.ValueString() == env:
		case env == "":
			why = append(why, fmt.Sprintf("`%s` is %q and %s is not set", s.attr, s.v.ValueString(), s.env))
		default:
			why = append(why, fmt.Sprintf("`%s` is %q but %s is %q", s.attr, s.v.ValueString(), s.env, env))
		}
	}
	if len(why) == 0 {
		return ""
	}
	return fmt.Sprintf("%s is set in the environment but not used: a secret from the environment is used only for the "+
		"organization and user of %s and %s, and for this provider configuration %s. This keeps a password or API key "+
		"of one organization from being sent to another's login. Set `password` or `api_key` in the provider block, or "+
		"let `org_name` and `username` come from (or equal) %s and %s.",
		variable, envOrgName, envUsername, joinAnd(why), envOrgName, envUsername)
}

// boolSetting resolves a bool attribute: its value when set, else its environment variable
// (strconv.ParseBool: true/false, 1/0, t/f), else def. An unknown value means def. An invalid
// variable is an error naming it.
func boolSetting(diags *diag.Diagnostics, v types.Bool, attr, env string, def bool) bool {
	if v.IsUnknown() {
		return def
	}
	if !v.IsNull() {
		return v.ValueBool()
	}
	raw := strings.TrimSpace(os.Getenv(env))
	if raw == "" {
		return def
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		diags.AddAttributeError(path.Root(attr), "Invalid "+env,
			fmt.Sprintf("The environment variable %s, read because %s is not set, must be true or false (or 1 or 0), got %q.", env, attr, raw))
		return def
	}
	return b
}

// envNumber reads the environment variable of a number attribute left out of the block: ok is
// false when it is not set or invalid (then diags names the variable and the rule).
func envNumber[T int64 | float64](diags *diag.Diagnostics, attr, env, rule string, parse func(string) (T, error), valid func(T) bool) (T, bool) {
	var zero T
	raw := strings.TrimSpace(os.Getenv(env))
	if raw == "" {
		return zero, false
	}
	n, err := parse(raw)
	if err != nil || !valid(n) {
		diags.AddAttributeError(path.Root(attr), "Invalid "+env,
			fmt.Sprintf("The environment variable %s, read because %s is not set, must be %s, got %q.", env, attr, rule, raw))
		return zero, false
	}
	return n, true
}

// durationSetting resolves a duration attribute from its value, else its environment variable;
// zero when neither is set. An invalid value is an error naming the attribute and the variable.
func durationSetting(diags *diag.Diagnostics, v types.String, attr, env, example string) time.Duration {
	raw := stringSetting(v, env)
	if raw == "" {
		return 0
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		diags.AddAttributeError(path.Root(attr), "Invalid "+attr,
			fmt.Sprintf("%s (or %s) must be a positive Go duration such as %q, got %q.", attr, env, example, raw))
		return 0
	}
	return d
}

// retrySettings resolves max_retries, rate_limit, request_timeout and retry_max_elapsed, each
// from its attribute, else its environment variable, else the default.
func retrySettings(cfg rockitProviderModel, cc *client.Config, diags *diag.Diagnostics) {
	if d := durationSetting(diags, cfg.RequestTimeout, "request_timeout", envRequestTimeout, "30s"); d > 0 {
		cc.Timeout = d
	}
	cc.MaxElapsed = durationSetting(diags, cfg.RetryMaxElapsed, "retry_max_elapsed", envMaxElapsed, "5m")
	switch {
	case !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown():
		cc.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	case cfg.MaxRetries.IsNull():
		if n, ok := envNumber(diags, "max_retries", envMaxRetries, fmt.Sprintf("a whole number from 0 to %d", maxMaxRetries),
			func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) },
			func(n int64) bool { return n >= 0 && n <= maxMaxRetries }); ok {
			cc.MaxRetries = int(n)
		}
	}
	switch {
	case !cfg.RateLimit.IsNull() && !cfg.RateLimit.IsUnknown():
		cc.RateLimit = cfg.RateLimit.ValueFloat64()
	case cfg.RateLimit.IsNull():
		if r, ok := envNumber(diags, "rate_limit", envRateLimit, fmt.Sprintf("a number of requests per second of at least %g", minRateLimit),
			func(s string) (float64, error) { return strconv.ParseFloat(s, 64) },
			func(r float64) bool { return r >= minRateLimit && !math.IsInf(r, 0) }); ok {
			cc.RateLimit = r
		}
	}
}

func (p *rockitProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg rockitProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	cc := client.Config{
		CACertPEM:          stringSetting(cfg.CACertPEM, envCACertPEM),
		InsecureSkipVerify: boolSetting(&resp.Diagnostics, cfg.InsecureSkipVerify, "insecure_skip_verify", envInsecure, false),
		Timeout:            defaultRequestTimeout,
		MaxRetries:         defaultMaxRetries,
		AuthScheme:         stringSetting(cfg.AuthScheme, envAuthScheme),
		UserAgent:          fmt.Sprintf("terraform-provider-rockit/%s terraform/%s", p.version, req.TerraformVersion),
		CollectionReads:    boolSetting(&resp.Diagnostics, cfg.CollectionReads, "collection_reads", envCollectionReads, true),
	}
	credentials(cfg, &cc, &resp.Diagnostics)
	retrySettings(cfg, &cc, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	p.journalOnce.Do(func() { p.journal = client.NewJournal(journalDir()) })
	cc.Journal = p.journal
	cc.Workspace, cc.Run = terraformWorkspace(), terraformRun()
	if cc.AuthScheme != "" && !slices.Contains(client.AuthSchemes, cc.AuthScheme) {
		resp.Diagnostics.AddAttributeError(path.Root("auth_scheme"), "Invalid auth_scheme",
			fmt.Sprintf("auth_scheme (or %s) must be one of %q, got %q.", envAuthScheme, client.AuthSchemes, cc.AuthScheme))
		return
	}
	if cc.Password != "" && cc.APIKey != "" {
		resp.Diagnostics.AddError("Conflicting credentials",
			"Both a password (`password` / "+envPassword+") and an API key (`api_key` / "+envAPIKey+") are set. "+
				"A human backend user logs in with a password, a machine user sends its API key: set exactly one of them.")
		return
	}
	transportWarnings(cc, &resp.Diagnostics)
	cc.Logger = newTFLogger(cc.AdminToken, cc.Password, cc.APIKey)

	secrets := secretsKey{pem: stringSetting(cfg.SecretsPublicKey, envSecretsKey), unknown: cfg.SecretsPublicKey.IsUnknown()}
	if cfg.SecretsPublicKey.IsNull() && secrets.pem != "" {
		if err := validators.CheckRSAPublicKeyPEM(secrets.pem); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("secrets_public_key_pem"), "Invalid secrets_public_key_pem",
				"The environment variable "+envSecretsKey+", read because secrets_public_key_pem is not set, "+err.Error()+".")
			return
		}
	}

	// The run memory knows which organizations the state holds; the client asks it.
	var mem *runMemory
	cc.KnownOrganization = func(name string) bool { return mem.organizationInState(name) }
	c, err := client.New(cc)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error()+".")
		return
	}
	mem = newRunMemory(c, boolSetting(&resp.Diagnostics, cfg.PlanChecks, "plan_checks", envPlanChecks, true))
	data := &providerData{client: c, mem: mem, secretsKey: secrets}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ActionData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
}

// transportWarnings warns, on every run (Configure runs for each plan and apply), when the
// credentials would travel unprotected: plain http to a host other than this machine (loopback,
// e.g. the mock or an SSH tunnel, stays quiet), or TLS without certificate verification.
func transportWarnings(cc client.Config, diags *diag.Diagnostics) {
	const exposed = "the administrator token, the passwords and API keys the provider logs in with, its session and access " +
		"tokens, and every secret the API issues (initial passwords, API keys, subscription secrets)"
	u, err := client.ParseEndpoint(cc.Endpoint)
	if err != nil {
		return // an invalid endpoint fails elsewhere, naming the rule
	}
	if u.Scheme == "http" && !client.IsLoopback(u.Hostname()) {
		diags.AddAttributeWarning(path.Root("endpoint"), "Unencrypted connection to the ROCKIT Edge host",
			fmt.Sprintf("The endpoint (`endpoint` or %s) is %s: plain http to another machine. Anyone on the network path "+
				"can read %s. Use https://; for a host with its own certificate authority set `ca_cert_pem` (or %s).",
				envEndpoint, u.String(), exposed, envCACertPEM))
	}
	if cc.InsecureSkipVerify && u.Scheme == "https" {
		diags.AddAttributeWarning(path.Root("insecure_skip_verify"), "TLS certificate verification is off",
			fmt.Sprintf("`insecure_skip_verify` (or %s) is true: the provider does not check who it talks to, so anyone on "+
				"the network path can pose as %s and read %s. Only for test hosts: for a host with its own certificate "+
				"authority, set `ca_cert_pem` (or %s) to that CA's PEM certificate instead.", envInsecure, u.Host, exposed, envCACertPEM))
	}
}

func (p *rockitProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewOrganizationResource,
		NewRoleResource,
		NewUserResource,
		NewMachineUserResource,
		NewDeploymentResource,
		NewAppResource,
		NewSubscriptionResource,
	}
}

func (p *rockitProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewRoleDataSource,
		NewRolesDataSource,
		NewUserDataSource,
		NewUsersDataSource,
		NewAppDataSource,
		NewAppsDataSource,
		NewDeploymentDataSource,
		NewDeploymentsDataSource,
		NewSubscriptionsDataSource,
		NewTaskDataSource,
		NewTasksDataSource,
	}
}

// Actions are the day-2 operations of contract section 11 (Terraform 1.14+).
func (p *rockitProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{
		NewProcessTracesAction,
		NewRetryTaskAction,
		NewAcknowledgeTaskAction,
		NewExpireTaskAction,
	}
}

// EphemeralResources never reach state or plan (Terraform 1.10+).
func (p *rockitProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAuthTokenEphemeralResource,
	}
}

// Functions are the provider functions (Terraform 1.8+).
func (p *rockitProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewPermissionsFromBitsFunction,
		NewPermissionsToBitsFunction,
	}
}

// ListResources are the list resources of `terraform query` (list_resources.go).
func (p *rockitProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewRoleListResource,
		NewUserListResource,
		NewMachineUserListResource,
		NewDeploymentListResource,
		NewAppListResource,
		NewSubscriptionListResource,
	}
}
