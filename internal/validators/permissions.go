package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/permissions"
)

// Permissions validates a role's permissions: a map from resource id to a set of operations.
// Every resource id must be one of the contract's, every operation one the resource allows,
// and no set may be empty (leave the resource out for no access). Errors name the resource
// id and the operation.
func Permissions() validator.Map {
	return permissionsValidator{}
}

type permissionsValidator struct{}

func (permissionsValidator) Description(context.Context) string {
	return "keys must be resource ids (" + strings.Join(permissions.ResourceIDs(), ", ") +
		"), values non-empty sets of the operations the resource allows"
}

func (v permissionsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (permissionsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for res, v := range req.ConfigValue.Elements() {
		p := req.Path.AtMapKey(res)
		if err := permissions.CheckResource(res); err != nil {
			resp.Diagnostics.AddAttributeError(p, "Unknown resource id in permissions", fmt.Sprintf("Attribute %s: %s.", p, err))
			continue
		}
		set, ok := v.(types.Set)
		if !ok || set.IsNull() || set.IsUnknown() {
			continue
		}
		if len(set.Elements()) == 0 {
			resp.Diagnostics.AddAttributeError(p, "Empty set of operations",
				fmt.Sprintf("Attribute %s is an empty set: leave the resource id %q out of permissions for no access.", p, res))
			continue
		}
		for _, e := range set.Elements() {
			op, ok := e.(types.String)
			if !ok || op.IsNull() || op.IsUnknown() {
				continue
			}
			if err := permissions.Check(res, op.ValueString()); err != nil {
				resp.Diagnostics.AddAttributeError(p, "Operation not allowed", fmt.Sprintf("Attribute %s: %s.", p, err))
			}
		}
	}
}

// NotBuiltInRole rejects the name of the built-in role that every organization has and that
// cannot be managed.
func NotBuiltInRole(name string) validator.String {
	return stringFunc{desc: "must not be the built-in role " + name, check: func(s string) error {
		if s == name {
			return fmt.Errorf("%s is built in: every organization has it, with all permissions, and it cannot be created, changed or deleted; "+
				"read it with the rockit_role data source instead", name)
		}
		return nil
	}}
}
