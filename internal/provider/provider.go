// Package provider implements the rockit Terraform provider on terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
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
	envEndpoint   = "ROCKIT_ENDPOINT"
	envAdminToken = "ROCKIT_ADMIN_TOKEN"
	envOrgName    = "ROCKIT_ORG"
	envUsername   = "ROCKIT_USERNAME"
	envPassword   = "ROCKIT_PASSWORD"
	envAPIKey     = "ROCKIT_API_KEY"
	envCACertPEM  = "ROCKIT_CA_CERT_PEM"
	envMaxElapsed = "ROCKIT_RETRY_MAX_ELAPSED"
	envSecretsKey = "ROCKIT_SECRETS_PUBLIC_KEY_PEM"
	envAuthScheme = "ROCKIT_AUTH_SCHEME"
	// envCollectionReads "false" or "0" turns collection_reads off.
	envCollectionReads = "ROCKIT_COLLECTION_READS"
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
					"May also be set with the `" + envPassword + "` environment variable.",
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
					"May also be set with the `" + envAPIKey + "` environment variable.",
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
					"waits for its answer up to this long, so that its result is recorded in state.",
				Optional:   true,
				Validators: []validator.String{validators.Duration()},
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. Only for test hosts; prefer `ca_cert_pem`. Defaults to `false`.",
				Optional:            true,
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded certificate authority to trust in addition to the system's, for a self-hosted Edge " +
					"with its own CA. May also be set with the `" + envCACertPEM + "` environment variable.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after a rate limit (429), a server fault (500, 502, 503, 504) " +
					"or a connection error, with exponential backoff and jitter, honouring `Retry-After`. `0` disables retries. Defaults to `5`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"retry_max_elapsed": schema.StringAttribute{
				MarkdownDescription: "The total time one operation may take with all its retries, as a Go duration such as `5m`. " +
					"No retry starts beyond it, and a server asking (with `Retry-After`) to wait longer than what is left of it " +
					"fails the operation at once. Defaults to `5m`. May also be set with the `" + envMaxElapsed + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.Duration()},
			},
			"rate_limit": schema.Float64Attribute{
				MarkdownDescription: "The most requests per second the provider sends, shared by all resources, evenly spaced. Unlimited when unset. " +
					"After a `429` answer the provider also waits for its `Retry-After` and, for the rest of the run, keeps to the rate the server accepted " +
					"in the second before it (less 10%), never above this value. That estimate errs low against a server that allows only small bursts; " +
					"if you know the server's limit, set this just under it: no `429`, nothing to estimate.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(0.1)},
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
					"set with the `" + envCollectionReads + "` environment variable (`false` or `0` turns it off).",
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
					"be set with the `" + envPlanChecks + "` environment variable (`false` or `0` turns it off).",
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
//     the variables must not both be set.
//
// pending lists the credentials the block sets to values not known yet (the bootstrap pattern).
func credentials(cfg rockitProviderModel, cc *client.Config, diags *diag.Diagnostics) {
	cc.Endpoint = stringSetting(cfg.Endpoint, envEndpoint)
	cc.AdminToken = stringSetting(cfg.AdminToken, envAdminToken)
	cc.OrgName = stringSetting(cfg.OrgName, envOrgName)
	cc.Username = stringSetting(cfg.Username, envUsername)
	if configSets(cfg.Password) || configSets(cfg.APIKey) {
		cc.Password = stringSetting(cfg.Password, "")
		cc.APIKey = stringSetting(cfg.APIKey, "")
	} else {
		cc.Password = os.Getenv(envPassword)
		cc.APIKey = os.Getenv(envAPIKey)
		if cc.Password != "" && cc.APIKey != "" {
			diags.AddError("Conflicting credentials",
				"Both "+envPassword+" and "+envAPIKey+" are set in the environment and the provider block sets neither "+
					"`password` nor `api_key`. A human backend user logs in with a password, a machine user sends its API key: "+
					"unset one of the variables, or set the one to use in the provider block (it then wins over both variables).")
		}
	}
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

// collectionReads resolves collection_reads: the attribute when set, else the environment
// variable ("false" or "0" turns it off), else on. An unknown value means the default.
func collectionReads(v types.Bool) bool {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool()
	}
	if v.IsUnknown() {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(os.Getenv(envCollectionReads))) {
	case "false", "0":
		return false
	}
	return true
}

func (p *rockitProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg rockitProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	cc := client.Config{
		CACertPEM:          stringSetting(cfg.CACertPEM, envCACertPEM),
		InsecureSkipVerify: cfg.InsecureSkipVerify.ValueBool(),
		Timeout:            defaultRequestTimeout,
		MaxRetries:         defaultMaxRetries,
		AuthScheme:         stringSetting(cfg.AuthScheme, envAuthScheme),
		UserAgent:          fmt.Sprintf("terraform-provider-rockit/%s terraform/%s", p.version, req.TerraformVersion),
	}
	credentials(cfg, &cc, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.RequestTimeout.IsNull() && !cfg.RequestTimeout.IsUnknown() {
		d, err := time.ParseDuration(cfg.RequestTimeout.ValueString())
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("request_timeout must be a positive Go duration such as \"30s\", got %q.", cfg.RequestTimeout.ValueString()))
			return
		}
		cc.Timeout = d
	}
	if v := stringSetting(cfg.RetryMaxElapsed, envMaxElapsed); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("retry_max_elapsed"), "Invalid retry_max_elapsed",
				fmt.Sprintf("retry_max_elapsed (or %s) must be a positive Go duration such as \"5m\", got %q.", envMaxElapsed, v))
			return
		}
		cc.MaxElapsed = d
	}
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		cc.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if !cfg.RateLimit.IsNull() && !cfg.RateLimit.IsUnknown() {
		cc.RateLimit = cfg.RateLimit.ValueFloat64()
	}
	cc.CollectionReads = collectionReads(cfg.CollectionReads)
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
	cc.Logger = newTFLogger(cc.AdminToken, cc.Password, cc.APIKey)

	secrets := secretsKey{pem: stringSetting(cfg.SecretsPublicKey, envSecretsKey), unknown: cfg.SecretsPublicKey.IsUnknown()}
	if cfg.SecretsPublicKey.IsNull() && secrets.pem != "" {
		if err := validators.CheckRSAPublicKeyPEM(secrets.pem); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("secrets_public_key_pem"), "Invalid secrets_public_key_pem",
				"The environment variable "+envSecretsKey+", read because secrets_public_key_pem is not set, "+err.Error()+".")
			return
		}
	}

	c, err := client.New(cc)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error()+".")
		return
	}
	enablePlanChecks(c, planChecks(cfg.PlanChecks))
	data := &providerData{client: c, secretsKey: secrets}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ActionData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
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
