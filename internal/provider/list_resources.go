package provider

import (
	"context"
	"iter"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// List resources (Terraform 1.14+, `terraform query`): one per collection, all built from one
// generic listResource. Each result carries the identity and, with include_resource, the
// object exactly as the resource's Read stores it (the type's fromAPI mapping on an empty
// model, so secrets are null), so `terraform query -generate-config-out` writes import blocks
// and configuration that plan without changes. Paging goes through the client's one paging
// path (listEach), which fetches the next page only when more results are wanted.

// A listSpec describes the list resource of one type.
type listSpec[T any] struct {
	suffix  string // type name after the provider's, e.g. "_role"
	key     identityKey
	plural  string                          // "roles", for descriptions
	filters map[string]listschema.Attribute // besides name_prefix
	each    func(ctx context.Context, c *client.Client) iter.Seq2[T, error]
	name    func(*T) string
	display func(*T) string
	// keep applies the type's own filters (set ones only, by attribute name); nil keeps all.
	keep func(item *T, filters map[string]string) bool
	// model is what the resource's Read stores for the object.
	model func(ctx context.Context, item *T) (any, diag.Diagnostics)
}

type listResource[T any] struct {
	client *client.Client
	spec   listSpec[T]
}

var _ list.ListResourceWithConfigure = &listResource[client.Role]{}

// namePrefixAttr is the filter every list resource has.
const namePrefixAttr = "name_prefix"

func (l *listResource[T]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.spec.suffix
}

func (l *listResource[T]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]listschema.Attribute{
		namePrefixAttr: listschema.StringAttribute{
			MarkdownDescription: "Only " + l.spec.plural + " whose " + l.spec.key.nameAttr + " starts with this prefix " +
				"(case-sensitive). All when unset.",
			Optional: true,
		},
	}
	for name, a := range l.spec.filters {
		attrs[name] = a
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the " + l.spec.plural + " of the provider's organization for `terraform query` " +
			"(Terraform 1.14+), each with its identity and, with `include_resource`, its full state. A configuration " +
			"without attributes lists all of them; set attributes narrow the list (all must match).",
		Attributes: attrs,
	}
}

func (l *listResource[T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.client = getClient(req.ProviderData, &resp.Diagnostics)
}

func (l *listResource[T]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	filters := map[string]string{}
	for _, attr := range append([]string{namePrefixAttr}, mapKeys(l.spec.filters)...) {
		var v types.String
		diags.Append(req.Config.GetAttribute(ctx, path.Root(attr), &v)...)
		if !v.IsNull() && !v.IsUnknown() {
			filters[attr] = v.ValueString()
		}
	}
	if l.client == nil {
		diags.AddError("Provider not configured", "The provider was not configured before listing "+l.spec.plural+"; this is a bug in the provider.")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		var n int64
		for item, err := range l.spec.each(ctx, l.client) {
			if err != nil {
				var d diag.Diagnostics
				addClientError(&d, "Error listing "+l.spec.plural, err)
				push(list.ListResult{Diagnostics: d})
				return
			}
			name := l.spec.name(&item)
			if !strings.HasPrefix(name, filters[namePrefixAttr]) || (l.spec.keep != nil && !l.spec.keep(&item, filters)) {
				continue
			}
			result := req.NewListResult(ctx)
			result.DisplayName = l.spec.display(&item)
			result.Diagnostics.Append(l.spec.key.set(ctx, result.Identity, l.client, name)...)
			if req.IncludeResource {
				m, d := l.spec.model(ctx, &item)
				result.Diagnostics.Append(d...)
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
			n++
			if !push(result) || (req.Limit > 0 && n >= req.Limit) {
				return // no further page is read
			}
		}
	}
}

// mapKeys returns the keys of m, sorted.
func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// withLabel is "name (label)", or the name alone without a label.
func withLabel(name, label string) string {
	if label == "" {
		return name
	}
	return name + " (" + label + ")"
}

// NewRoleListResource lists roles; the built-in Administrators role, which rockit_role cannot
// manage, is left out.
func NewRoleListResource() list.ListResource {
	return &listResource[client.Role]{spec: listSpec[client.Role]{
		suffix: "_role", key: roleKey, plural: "roles (except the built-in `" + builtInRole + "`)",
		each:    func(ctx context.Context, c *client.Client) iter.Seq2[client.Role, error] { return c.EachRole(ctx) },
		name:    func(r *client.Role) string { return r.Name },
		display: func(r *client.Role) string { return r.Name },
		keep:    func(r *client.Role, _ map[string]string) bool { return r.Name != builtInRole },
		model: func(_ context.Context, r *client.Role) (any, diag.Diagnostics) {
			var m roleModel
			d := roleFromAPI(r, &m)
			return &m, d
		},
	}}
}

// NewUserListResource lists human users.
func NewUserListResource() list.ListResource {
	return &listResource[client.User]{spec: userListSpec("_user", userKey, "users", client.UserTypeHuman,
		func(u *client.User) string { return u.Email }, userFromAPI)}
}

// NewMachineUserListResource lists machine users.
func NewMachineUserListResource() list.ListResource {
	return &listResource[client.User]{spec: userListSpec("_machine_user", machineUserKey, "machine users", client.UserTypeMachine,
		func(u *client.User) string { return u.Label }, machineUserFromAPI)}
}

// userListSpec is the spec of both user list resources: the users of one type (the API's
// type filter), shown as username and detail, with the filter on a role they hold; the object
// is the resource's fromAPI mapping (secrets null, as after an import).
func userListSpec[M any](suffix string, key identityKey, plural, userType string, detail func(*client.User) string,
	fromAPI func(*client.User, *M, secretsKey) diag.Diagnostics,
) listSpec[client.User] {
	return listSpec[client.User]{
		suffix: suffix, key: key, plural: plural,
		filters: map[string]listschema.Attribute{"role": listschema.StringAttribute{
			MarkdownDescription: "Only " + plural + " that hold this role.",
			Optional:            true,
		}},
		each: func(ctx context.Context, c *client.Client) iter.Seq2[client.User, error] {
			return c.EachUser(ctx, client.ListUsersOptions{Type: userType})
		},
		name:    func(u *client.User) string { return u.Username },
		display: func(u *client.User) string { return withLabel(u.Username, detail(u)) },
		keep: func(u *client.User, f map[string]string) bool {
			role, ok := f["role"]
			return !ok || slices.Contains(u.Roles, role)
		},
		model: func(_ context.Context, u *client.User) (any, diag.Diagnostics) {
			var m M
			d := fromAPI(u, &m, secretsKey{})
			return &m, d
		},
	}
}

// NewAppListResource lists apps.
func NewAppListResource() list.ListResource {
	return &listResource[client.App]{spec: listSpec[client.App]{
		suffix: "_app", key: appKey, plural: "apps",
		filters: map[string]listschema.Attribute{"deployment": listschema.StringAttribute{
			MarkdownDescription: "Only apps published to this deployment: apps that registered it, and apps that " +
				"registered none (those are published to all deployments).",
			Optional: true,
		}},
		each:    func(ctx context.Context, c *client.Client) iter.Seq2[client.App, error] { return c.EachApp(ctx) },
		name:    func(a *client.App) string { return a.Name },
		display: func(a *client.App) string { return withLabel(a.Name, a.Label) },
		keep: func(a *client.App, f map[string]string) bool {
			d, ok := f["deployment"]
			return !ok || len(a.Deployments) == 0 || slices.Contains(a.Deployments, d)
		},
		model: func(ctx context.Context, a *client.App) (any, diag.Diagnostics) {
			m := appResourceModel{ID: types.StringValue(a.Name), DeletionProtection: types.BoolValue(false)}
			d := appFromAPI(ctx, a, &m.appModel)
			return &m, d
		},
	}}
}

// NewDeploymentListResource lists deployments.
func NewDeploymentListResource() list.ListResource {
	return &listResource[client.Deployment]{spec: listSpec[client.Deployment]{
		suffix: "_deployment", key: deploymentKey, plural: "deployments",
		each: func(ctx context.Context, c *client.Client) iter.Seq2[client.Deployment, error] {
			return c.EachDeployment(ctx)
		},
		name:    func(d *client.Deployment) string { return d.Name },
		display: func(d *client.Deployment) string { return d.Name },
		model: func(_ context.Context, d *client.Deployment) (any, diag.Diagnostics) {
			var m deploymentResourceModel
			deploymentFromAPI(d, &m)
			return &m, nil
		},
	}}
}

// NewSubscriptionListResource lists event subscriptions.
func NewSubscriptionListResource() list.ListResource {
	return &listResource[client.Subscription]{spec: listSpec[client.Subscription]{
		suffix: "_subscription", key: subscriptionKey, plural: "event subscriptions",
		each: func(ctx context.Context, c *client.Client) iter.Seq2[client.Subscription, error] {
			return c.EachSubscription(ctx)
		},
		name:    func(s *client.Subscription) string { return s.Name },
		display: func(s *client.Subscription) string { return withLabel(s.Name, s.URL) },
		model: func(_ context.Context, s *client.Subscription) (any, diag.Diagnostics) {
			var m subscriptionResourceModel
			d := subscriptionFromAPI(s, &m, secretsKey{})
			return &m, d
		},
	}}
}
