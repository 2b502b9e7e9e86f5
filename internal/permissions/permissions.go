// Package permissions converts between the API's CRUDX bitmasks and the sets of operation
// names the provider's schema uses, and holds the contract's table of resource ids and the
// operations each allows (section 3). It has no Terraform imports.
package permissions

import (
	"fmt"
	"sort"
	"strings"
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

// Check reports why op is not allowed on resource, or nil.
func Check(resource, op string) error {
	allowed, ok := ResourceOperations[resource]
	if !ok {
		return fmt.Errorf("unknown resource id %q; the resource ids are %s", resource, strings.Join(ResourceIDs(), ", "))
	}
	for _, a := range allowed {
		if a == op {
			return nil
		}
	}
	if _, known := opBits[op]; !known {
		return fmt.Errorf("unknown operation %q on resource %q; the operations are %s", op, resource, strings.Join(Operations, ", "))
	}
	return fmt.Errorf("operation %q is not allowed on resource %q; it allows %s", op, resource, strings.Join(allowed, ", "))
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
