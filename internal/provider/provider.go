// Package provider implements the rockit Terraform provider on terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

var _ provider.Provider = &rockitProvider{}

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
	envAuthScheme = "ROCKIT_AUTH_SCHEME"
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
			"Every attribute can also come from an environment variable, named in its description. Credentials that are unknown " +
			"during planning (for example the initial password of an organization created in the same run) are fine: the " +
			"provider only fails when a request actually needs a credential that is missing.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the ROCKIT Edge host, e.g. `https://edge.example.com`. " +
					"May also be set with the `" + envEndpoint + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.HTTPURL()},
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
					"15-minute access token through the rotating refresh token; see `auth_scheme`). Conflicts with `api_key`. " +
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
					"`x-rockit-orgname`, `x-rockit-username` and `x-rockit-api-key` headers. Conflicts with `password`. " +
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
				MarkdownDescription: "How long one HTTP request may take, as a Go duration such as `30s` or `2m`. Defaults to `30s`.",
				Optional:            true,
				Validators:          []validator.String{validators.Duration()},
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
			"rate_limit": schema.Float64Attribute{
				MarkdownDescription: "The most requests per second the provider sends, shared by all resources. Unlimited when unset.",
				Optional:            true,
				Validators:          []validator.Float64{float64validator.AtLeast(0.1)},
			},
		},
	}
}

// stringSetting returns the configured value, else the environment variable. An unknown value
// (known only at apply) counts as not set and does not fall back to the environment.
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

func (p *rockitProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg rockitProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	cc := client.Config{
		Endpoint:           stringSetting(cfg.Endpoint, envEndpoint),
		AdminToken:         stringSetting(cfg.AdminToken, envAdminToken),
		OrgName:            stringSetting(cfg.OrgName, envOrgName),
		Username:           stringSetting(cfg.Username, envUsername),
		Password:           stringSetting(cfg.Password, envPassword),
		APIKey:             stringSetting(cfg.APIKey, envAPIKey),
		CACertPEM:          stringSetting(cfg.CACertPEM, envCACertPEM),
		InsecureSkipVerify: cfg.InsecureSkipVerify.ValueBool(),
		Timeout:            defaultRequestTimeout,
		MaxRetries:         defaultMaxRetries,
		AuthScheme:         stringSetting(cfg.AuthScheme, envAuthScheme),
		UserAgent:          fmt.Sprintf("terraform-provider-rockit/%s terraform/%s", p.version, req.TerraformVersion),
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
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		cc.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if !cfg.RateLimit.IsNull() && !cfg.RateLimit.IsUnknown() {
		cc.RateLimit = cfg.RateLimit.ValueFloat64()
	}
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

	c, err := client.New(cc)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	resp.ResourceData = c
	resp.DataSourceData = c
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
