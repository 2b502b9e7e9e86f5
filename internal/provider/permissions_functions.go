package provider

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/permissions"
)

// The two provider functions convert between the API's bitmask map ({apps = 15, tasks = 31},
// the form ROCKITPLAY's documentation uses) and the permissions map of rockit_role (resource
// id -> set of operation names). Both check every key and value against the contract's table
// (internal/permissions) and name the key and the rule they break.

var (
	_ function.Function = permissionsFromBitsFunction{}
	_ function.Function = permissionsToBitsFunction{}
)

// NewPermissionsFromBitsFunction is provider::rockit::permissions_from_bits.
func NewPermissionsFromBitsFunction() function.Function { return permissionsFromBitsFunction{} }

// NewPermissionsToBitsFunction is provider::rockit::permissions_to_bits.
func NewPermissionsToBitsFunction() function.Function { return permissionsToBitsFunction{} }

type permissionsFromBitsFunction struct{}

func (permissionsFromBitsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "permissions_from_bits"
}

func (permissionsFromBitsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Converts a map of permission bitmasks into the permissions of rockit_role",
		MarkdownDescription: "Converts the API's map of CRUDX bitmasks (`{apps = 15, tasks = 31}`: create 1, read 2, update 4, " +
			"delete 8, execute 16) into the `permissions` map of `rockit_role`: resource id to a set of operation names " +
			"(`create`, `read`, `update`, `delete`, `execute`). A resource id with `0` is left out (no access). Every key " +
			"must be a resource id of the API and every bitmask a whole number made of bits that resource allows; " +
			"otherwise the function fails naming the key and the rule.",
		Parameters: []function.Parameter{
			function.MapParameter{
				Name:                "bits",
				MarkdownDescription: "Map of resource id to permission bitmask, e.g. `{apps = 15, tasks = 31}`.",
				ElementType:         types.NumberType,
			},
		},
		Return: function.MapReturn{ElementType: types.SetType{ElemType: types.StringType}},
	}
}

func (permissionsFromBitsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var in map[string]*big.Float
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &in))
	if resp.Error != nil {
		return
	}
	out := map[string][]string{}
	for _, res := range sortedMapKeys(in) {
		v := in[res]
		if v == nil {
			resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("bits[%q] is null: give a bitmask, or leave the resource id out", res))
			return
		}
		bits, err := bitmask(res, v)
		if err != nil {
			resp.Error = function.NewArgumentFuncError(0, err.Error())
			return
		}
		if bits != 0 {
			out[res] = permissions.FromBits(bits)
		}
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, out))
}

// bitmask checks one value of the bitmask map against the contract's table.
func bitmask(res string, v *big.Float) (int, error) {
	if err := permissions.CheckResource(res); err != nil {
		return 0, fmt.Errorf("bits[%q]: %w", res, err)
	}
	allowed := permissions.ResourceOperations[res]
	maxBits := permissions.ToBits(allowed)
	n, acc := v.Int64()
	if acc != big.Exact || n < 0 || n > 31 {
		return 0, fmt.Errorf("bits[%q] = %s: a bitmask is a whole number from 0 to %d (%s)", res, v.Text('g', -1), maxBits, strings.Join(allowed, ", "))
	}
	if extra := int(n) &^ maxBits; extra != 0 {
		return 0, fmt.Errorf("bits[%q] = %d: %s not allowed on resource %q; it allows %s (at most %d)",
			res, n, strings.Join(permissions.FromBits(extra), ", "), res, strings.Join(allowed, ", "), maxBits)
	}
	return int(n), nil
}

type permissionsToBitsFunction struct{}

func (permissionsToBitsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "permissions_to_bits"
}

func (permissionsToBitsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Converts the permissions of rockit_role into a map of permission bitmasks",
		MarkdownDescription: "Converts a `permissions` map of `rockit_role` (resource id to a set of operation names: " +
			"`create`, `read`, `update`, `delete`, `execute`) into the API's map of CRUDX bitmasks (`{apps = 15, tasks = 31}`), " +
			"for example to compare with `permissions` of the login answer or to pass to a tool that speaks bitmasks. An " +
			"empty set gives `0`. Every key must be a resource id of the API and every operation one that resource allows; " +
			"otherwise the function fails naming the key and the rule.",
		Parameters: []function.Parameter{
			function.MapParameter{
				Name:                "permissions",
				MarkdownDescription: "Map of resource id to a set of operation names, e.g. `{apps = [\"read\", \"update\"]}`.",
				ElementType:         types.SetType{ElemType: types.StringType},
			},
		},
		Return: function.MapReturn{ElementType: types.Int64Type},
	}
}

func (permissionsToBitsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var in map[string][]*string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &in))
	if resp.Error != nil {
		return
	}
	out := map[string]int64{}
	for _, res := range sortedMapKeys(in) {
		if in[res] == nil {
			resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("permissions[%q] is null: give a set of operations, or leave the resource id out", res))
			return
		}
		ops := make([]string, 0, len(in[res]))
		for _, op := range in[res] {
			if op == nil {
				resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("permissions[%q] holds a null operation", res))
				return
			}
			if err := permissions.Check(res, *op); err != nil {
				resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("permissions[%q]: %s", res, err))
				return
			}
			ops = append(ops, *op)
		}
		out[res] = int64(permissions.ToBits(ops))
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, out))
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
