package bench

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
)

// Target names: what a configuration of N objects is made of.
const (
	TargetData   = "terraform_data" // floor 1: Terraform's built-in resource, no plugin
	TargetNoop   = "noop"           // floor 2: the no-op framework provider
	TargetRockit = "rockit"         // ours, against the mock
	TargetShaped = "noop_shaped"    // floor 2b: our schemas in the no-op provider, no API
)

// kind is one resource type of the realistic mix.
type kind struct {
	typ    string // Terraform type
	weight int    // share of the mix
	// body returns the resource body of object i (named name); updated selects the changed
	// version of the update phase. roleRef is an expression naming a role, or "".
	body func(name string, updated bool, roleRef string) string
}

// mixKinds is the realistic mix of an organization: many users, a fair number of roles, some
// apps and machine users. Only the types the provider registers are used.
var mixKinds = []kind{
	{typ: "rockit_role", weight: 2, body: func(name string, updated bool, _ string) string {
		apps := `["read"]`
		if updated {
			apps = `["read", "update"]`
		}
		return fmt.Sprintf("  name = %q\n  permissions = {\n    apps    = %s\n    beUsers = [\"read\"]\n    tasks   = [\"read\"]\n  }\n", name, apps)
	}},
	{typ: "rockit_user", weight: 5, body: func(name string, updated bool, roleRef string) string {
		first := "Ada"
		if updated {
			first = "Grace"
		}
		s := fmt.Sprintf("  username  = %q\n  email     = \"%s@example.com\"\n  firstname = %q\n  surname   = \"Bench\"\n", name, strings.ToLower(name), first)
		if roleRef != "" {
			s += fmt.Sprintf("  roles     = [%s]\n", roleRef)
		}
		return s
	}},
	{typ: "rockit_machine_user", weight: 1, body: func(name string, updated bool, roleRef string) string {
		label := "CI pipeline"
		if updated {
			label = "CI pipeline (renamed)"
		}
		s := fmt.Sprintf("  username = %q\n  label    = %q\n", name, label)
		if roleRef != "" {
			s += fmt.Sprintf("  roles    = [%s]\n", roleRef)
		}
		return s
	}},
	{typ: "rockit_app", weight: 2, body: func(name string, updated bool, _ string) string {
		label := "Game " + name
		if updated {
			label += " (renamed)"
		}
		return fmt.Sprintf("  name       = %q\n  label      = %q\n  max_builds = 5\n", name, label)
	}},
}

// orgKind stands in while no org-scoped resource exists yet: organizations, made with the admin
// token. Its update changes prune, which is in place and needs no API call.
var orgKind = kind{typ: "rockit_organization", weight: 1, body: func(name string, updated bool, _ string) string {
	return fmt.Sprintf("  name  = %q\n  prune = %t\n", name, updated)
}}

// registeredTypes returns the resource types the provider registers.
func registeredTypes(ctx context.Context) map[string]bool {
	p := provider.New("bench")()
	out := map[string]bool{}
	for _, f := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		f().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "rockit"}, &resp)
		out[resp.TypeName] = true
	}
	return out
}

// chooseMix returns the kinds of the mix the provider supports (want, if not empty, restricts
// it to those types), or organizations while none exists.
func chooseMix(ctx context.Context, want []string) []kind {
	have := registeredTypes(ctx)
	wanted := map[string]bool{}
	for _, w := range want {
		wanted[w] = true
	}
	var out []kind
	for _, k := range mixKinds {
		if have[k.typ] && (len(wanted) == 0 || wanted[k.typ]) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = []kind{orgKind}
	}
	return out
}

// object is one resource of a generated configuration.
type object struct {
	kind  kind
	index int // within its kind
	name  string
}

// layout spreads n objects over the kinds by weight, roles first so others can refer to them.
func layout(n int, kinds []kind) []object {
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	counts := make([]int, len(kinds))
	assigned := 0
	for i, k := range kinds {
		counts[i] = n * k.weight / total
		assigned += counts[i]
	}
	// Give the remainder to the heaviest kinds.
	order := make([]int, len(kinds))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return kinds[order[a]].weight > kinds[order[b]].weight })
	for i := 0; assigned < n; i++ {
		counts[order[i%len(order)]]++
		assigned++
	}
	var objs []object
	for i, k := range kinds {
		short := strings.TrimPrefix(k.typ, "rockit_")
		for j := 0; j < counts[i]; j++ {
			objs = append(objs, object{kind: k, index: j, name: fmt.Sprintf("b_%s_%04d", short, j)})
		}
	}
	return objs
}

// updated says whether object i (in config order) changes in the update phase: every tenth.
func updated(i int) bool { return i%10 == 0 }

// configFor writes the main.tf of a target with n objects; version 1 is the update phase.
func configFor(target string, n int, version int, kinds []kind, m *mock) string {
	var b strings.Builder
	switch target {
	case TargetData:
		for i := 0; i < n; i++ {
			v := "v0"
			if version == 1 && updated(i) {
				v = "v1"
			}
			fmt.Fprintf(&b, "resource \"terraform_data\" \"r%04d\" {\n  input = \"%s\"\n}\n\n", i, v)
		}
	case TargetNoop:
		b.WriteString("terraform {\n  required_providers {\n    noop = { source = \"bench/noop\" }\n  }\n}\n\nprovider \"noop\" {}\n\n")
		for i := 0; i < n; i++ {
			v := "v0"
			if version == 1 && updated(i) {
				v = "v1"
			}
			fmt.Fprintf(&b, "resource \"noop_thing\" \"r%04d\" {\n  name  = \"t%04d\"\n  value = \"%s\"\n}\n\n", i, i, v)
		}
	case TargetRockit, TargetShaped:
		prefix := "rockit_"
		if target == TargetRockit {
			fmt.Fprintf(&b, `terraform {
  required_providers {
    rockit = { source = "rockitplay/rockit" }
  }
}

provider "rockit" {
  endpoint    = %q
  admin_token = %q
  org_name    = %q
  username    = "admin"
  password    = %q
}

`, m.URL, benchAdminToken, benchOrg, m.Password)
		} else {
			prefix = "noop_"
			b.WriteString("terraform {\n  required_providers {\n    noop = { source = \"bench/noop\" }\n  }\n}\n\nprovider \"noop\" {}\n\n")
		}
		objs := layout(n, kinds)
		roles := 0
		for _, o := range objs {
			if o.kind.typ == "rockit_role" {
				roles++
			}
		}
		for i, o := range objs {
			ref := ""
			if roles > 0 && (o.kind.typ == "rockit_user" || o.kind.typ == "rockit_machine_user") {
				ref = fmt.Sprintf("%srole.role_%04d.name", prefix, o.index%roles)
			}
			label := strings.TrimPrefix(o.name, "b_")
			typ := prefix + strings.TrimPrefix(o.kind.typ, "rockit_")
			fmt.Fprintf(&b, "resource %q %q {\n%s}\n\n", typ, label, o.kind.body(o.name, version == 1 && updated(i), ref))
		}
	}
	return b.String()
}

// mixDescription says what the configuration of n objects holds, e.g. "100 rockit_role, ...".
func mixDescription(n int, kinds []kind) string {
	counts := map[string]int{}
	var order []string
	for _, o := range layout(n, kinds) {
		if counts[o.kind.typ] == 0 {
			order = append(order, o.kind.typ)
		}
		counts[o.kind.typ]++
	}
	parts := make([]string, 0, len(order))
	for _, t := range order {
		parts = append(parts, fmt.Sprintf("%d %s", counts[t], t))
	}
	return strings.Join(parts, ", ")
}
