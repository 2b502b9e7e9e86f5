package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = &authTokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithRenew     = &authTokenEphemeralResource{}
)

// NewAuthTokenEphemeralResource is the rockit_auth_token ephemeral resource.
func NewAuthTokenEphemeralResource() ephemeral.EphemeralResource {
	return &authTokenEphemeralResource{}
}

type authTokenEphemeralResource struct {
	client *client.Client
}

// authTokenModel is the ephemeral result; nothing of it reaches state or plan.
type authTokenModel struct {
	Token       types.String `tfsdk:"token"`
	Header      types.String `tfsdk:"header"`
	Scheme      types.String `tfsdk:"scheme"`
	HeaderValue types.String `tfsdk:"header_value"`
	AuthScheme  types.String `tfsdk:"auth_scheme"`
	ExpiresAt   types.String `tfsdk:"expires_at"`
	OrgName     types.String `tfsdk:"org_name"`
	Username    types.String `tfsdk:"username"`
}

// authTokenPrivateKey keeps the token for Renew in the resource's private data, which lives
// in Terraform's memory for the run only.
const authTokenPrivateKey = "auth_token"

type authTokenPrivate struct {
	Token string `json:"token"`
}

func (r *authTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auth_token"
}

func (r *authTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived ROCKIT Edge token of the provider's credentials, for a step of the same run " +
			"that calls an endpoint this provider does not manage (for example a CI step importing a build with " +
			"`POST /be/v1/builds`). Send `header_value` in the header named `header`: one configuration works on both " +
			"generations of the login.\n\n" +
			"| host | what it returns | `header` | `header_value` | lifetime |\n" +
			"|---|---|---|---|---|\n" +
			"| 2025 (session and auth token) | an auth token from the provider's session (`POST /be/v1/auth`) | " +
			"`x-rockit-beauth-token` | the token | 5 minutes, extended by the provider while Terraform still uses it |\n" +
			"| 2026 (access and refresh token) | the access token of a login of its own (`POST /be/v1/login`, both steps) | " +
			"`Authorization` | `Bearer <token>` | the host's access-token lifetime (15 minutes by default); it cannot be " +
			"extended, so a longer step obtains its own |\n\n" +
			"Either way the token is separate from the one the provider uses itself, so the provider's renewals never end " +
			"it. It is never written to state or plan. It needs a human backend user's `password`: a machine user " +
			"(`api_key`) has no such token and sends its API-key headers instead. Terraform 1.10 or later.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{
				MarkdownDescription: "The token itself: the 2025 auth token, or the 2026 access token.",
				Computed:            true,
				Sensitive:           true,
			},
			"header": schema.StringAttribute{
				MarkdownDescription: "The HTTP header to send the token in: `x-rockit-beauth-token` (2025) or `Authorization` (2026).",
				Computed:            true,
			},
			"scheme": schema.StringAttribute{
				MarkdownDescription: "The authorization scheme in front of the token: `Bearer` (2026), null on a 2025 host (the bare token).",
				Computed:            true,
			},
			"header_value": schema.StringAttribute{
				MarkdownDescription: "The whole value of `header`: the token (2025) or `Bearer <token>` (2026).",
				Computed:            true,
				Sensitive:           true,
			},
			"auth_scheme": schema.StringAttribute{
				MarkdownDescription: "The host's login generation the token belongs to: `2025` or `2026`.",
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the token expires (RFC 3339); a 2025 auth token is extended before then while Terraform still uses it.",
				Computed:            true,
			},
			"org_name": schema.StringAttribute{
				MarkdownDescription: "The organization the token acts in (the provider's `org_name`).",
				Computed:            true,
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The backend user the token acts as (the provider's `username`).",
				Computed:            true,
			},
		},
	}
}

func (r *authTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (r *authTokenEphemeralResource) Open(ctx context.Context, _ ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if r.client == nil {
		resp.Diagnostics.AddError("Error obtaining an auth token", "The provider is not configured; this is a bug in the provider.")
		return
	}
	tok, err := r.client.IssueAuthToken(ctx)
	if err != nil {
		addAuthTokenError(&resp.Diagnostics, "Error obtaining an auth token", err)
		return
	}
	private, _ := json.Marshal(authTokenPrivate{Token: tok.Token})
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, authTokenPrivateKey, private)...)
	if tok.Extensible {
		resp.RenewAt = renewAt(r.client, tok.ExpiresAt)
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &authTokenModel{
		Token:       types.StringValue(tok.Token),
		Header:      types.StringValue(tok.Header),
		Scheme:      stringOrNull(tok.Scheme),
		HeaderValue: types.StringValue(tok.HeaderValue),
		AuthScheme:  types.StringValue(tok.Generation),
		ExpiresAt:   types.StringValue(tok.ExpiresAt.UTC().Format(time.RFC3339)),
		OrgName:     types.StringValue(r.client.OrgName()),
		Username:    types.StringValue(r.client.Username()),
	})...)
}

// Renew extends the token Terraform holds (its value cannot change during the run).
func (r *authTokenEphemeralResource) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	raw, diags := req.Private.GetKey(ctx, authTokenPrivateKey)
	resp.Diagnostics.Append(diags...)
	var private authTokenPrivate
	if resp.Diagnostics.HasError() || json.Unmarshal(raw, &private) != nil || private.Token == "" {
		resp.Diagnostics.AddError("Error extending the auth token", "The token to extend is missing from the ephemeral resource's private data; this is a bug in the provider.")
		return
	}
	tok, err := r.client.ExtendAuthToken(ctx, private.Token)
	var unextended *client.UnextendedTokenError
	if errors.As(err, &unextended) {
		resp.Diagnostics.AddWarning("The auth token could not be extended",
			"The ROCKIT Edge host issued a new token instead of extending the one Terraform holds, so that token expires "+
				"at its original time. Steps that run longer than its 5 minutes must obtain their own token.")
		return
	}
	if err != nil {
		addAuthTokenError(&resp.Diagnostics, "Error extending the auth token", err)
		return
	}
	resp.RenewAt = renewAt(r.client, tok.ExpiresAt)
}

// renewAt is when Terraform should ask for an extension: shortly before the token expires, by
// the same margin the client keeps for its own token.
func renewAt(c *client.Client, expires time.Time) time.Time {
	return expires.Add(-client.RenewMargin(expires.Sub(c.Now())))
}

// addAuthTokenError explains why no auth token could be obtained.
func addAuthTokenError(diags *diag.Diagnostics, summary string, err error) {
	if errors.Is(err, client.ErrMachineUserNoAuthToken) {
		diags.AddError(summary, fmt.Sprintf("The provider is configured with a machine user's API key (`api_key` or %s): %s. "+
			"rockit_auth_token needs a human backend user's `username` and `password`; a step acting as the machine user "+
			"sends the `x-rockit-orgname`, `x-rockit-username` and `x-rockit-api-key` headers instead.", envAPIKey, err))
		return
	}
	addClientError(diags, summary, err)
}
