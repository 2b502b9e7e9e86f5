// Package permissions converts between the API's CRUDX bitmasks and the sets of operation
// names the provider's schema uses, and holds the contract's table of resource ids and the
// operations each allows (section 3). It has no Terraform imports.
package permissions

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/rockitplay/terraform-provider-rockit/internal/nearest"
)

// The operations of a permission, with their bits.
const (
	Create  = "create"
	Read    = "read"
	Update  = "update"
	Delete  = "delete"
	Execute = "execute"
)

// Operations lists every operation in bit order.
var Operations = []string{Create, Read, Update, Delete, Execute}

var opBits = map[string]int{Create: 1, Read: 2, Update: 4, Delete: 8, Execute: 16}

// ResourceOperations is the contract's table: resource id -> the operations it allows.
var ResourceOperations = map[string][]string{
	"apps":          {Create, Read, Update, Delete},
	"beUsers":       {Create, Read, Update, Delete},
	"bundles":       {Create, Read, Update, Delete},
	"consumption":   {Read},
	"dependencies":  {Create, Read, Update, Delete},
	"deployments":   {Create, Read, Update, Delete},
	"keys":          {Create, Read, Update, Delete},
	"roles":         {Create, Read, Update, Delete},
	"sources":       {Create, Read, Update, Delete},
	"subscriptions": {Create, Read, Update, Delete},
	"tasks":         {Create, Read, Update, Delete, Execute},
	"trainings":     {Read, Update},
}

// ResourceCovers says what each resource id of ResourceOperations covers, for the docs.
var ResourceCovers = map[string]string{
	"apps":          "apps and their registered deployments",
	"beUsers":       "backend users and machine users (`rockit_user`, `rockit_machine_user`)",
	"bundles":       "bundles",
	"consumption":   "consumption figures",
	"dependencies":  "dependencies",
	"deployments":   "deployments (publishing origins)",
	"keys":          "keys",
	"roles":         "roles (`rockit_role`)",
	"sources":       "sources",
	"subscriptions": "event subscriptions",
	"tasks":         "tasks; `execute` runs triggers",
	"trainings":     "training settings",
}

// MarkdownTable is the table of ResourceOperations for the docs: resource id, allowed
// operations, what it covers. The rockit_role page shows it (through the resource's
// description), so the docs cannot drift from the table the validator uses.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| resource id | allowed operations | what it covers |\n|---|---|---|\n")
	for _, id := range ResourceIDs() {
		ops := make([]string, 0, len(ResourceOperations[id]))
		for _, op := range ResourceOperations[id] {
			ops = append(ops, "`"+op+"`")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", id, strings.Join(ops, ", "), ResourceCovers[id])
	}
	return b.String()
}

// ResourceIDs returns the resource ids in order.
func ResourceIDs() []string {
	ids := make([]string, 0, len(ResourceOperations))
	for id := range ResourceOperations {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// resourceAliases are names people write for a resource id (the contract's own text says
// `users.*` for beUsers).
var resourceAliases = map[string]string{
	"users": "beUsers", "user": "beUsers", "backendusers": "beUsers", "be_users": "beUsers",
	"machineusers": "beUsers", "machine_users": "beUsers",
}

// operationAliases are names people write for an operation (HTTP methods, CRUD synonyms).
var operationAliases = map[string]string{
	"post": Create, "add": Create, "new": Create,
	"get": Read, "list": Read, "view": Read,
	"patch": Update, "write": Update, "modify": Update, "edit": Update,
	"del": Delete, "remove": Delete, "destroy": Delete,
	"run": Execute, "exec": Execute, "trigger": Execute, "x": Execute,
}

// CheckResource reports an unknown resource id, with the nearest ids, or nil.
func CheckResource(resource string) error {
	if _, ok := ResourceOperations[resource]; ok {
		return nil
	}
	return fmt.Errorf("unknown resource id %q%s; the resource ids are %s", resource,
		hint(resource, ResourceIDs(), resourceAliases), strings.Join(ResourceIDs(), ", "))
}

// Check reports why op is not allowed on resource, or nil. An unknown resource id or operation
// comes with the nearest names (case, edit distance, aliases such as users -> beUsers); an
// unknown or disallowed operation with the operations this resource allows.
func Check(resource, op string) error {
	if err := CheckResource(resource); err != nil {
		return err
	}
	allowed := ResourceOperations[resource]
	for _, a := range allowed {
		if a == op {
			return nil
		}
	}
	if _, known := opBits[op]; !known {
		return fmt.Errorf("unknown operation %q on resource %q%s; it allows %s", op, resource,
			hint(op, allowed, operationAliases), strings.Join(allowed, ", "))
	}
	return fmt.Errorf("operation %q is not allowed on resource %q; it allows %s", op, resource, strings.Join(allowed, ", "))
}

// hint is ` (did you mean "x"?)` with the alias of name (when it is a candidate) or the
// nearest candidates, or "" for none.
func hint(name string, candidates []string, aliases map[string]string) string {
	near := nearest.Names(name, candidates)
	if a, ok := aliases[strings.ToLower(name)]; ok {
		near = nil // an alias of something this resource does not allow suggests nothing
		if slices.Contains(candidates, a) {
			near = []string{a}
		}
	}
	if len(near) == 0 {
		return ""
	}
	return " (" + nearest.Hint(near) + ")"
}

// ToBits returns the bitmask of a set of operations. Unknown operations are ignored (Check
// them first).
func ToBits(ops []string) int {
	bits := 0
	for _, op := range ops {
		bits |= opBits[op]
	}
	return bits
}

// FromBits returns the operations of a bitmask in bit order; bits without a name are dropped.
func FromBits(bits int) []string {
	ops := []string{}
	for _, op := range Operations {
		if bits&opBits[op] != 0 {
			ops = append(ops, op)
		}
	}
	return ops
}
