// Package privatestate holds the provider's keys in a resource's private state: the marker
// ImportState sets so that values the API cannot read back are adopted, not acted on.
package privatestate

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// importedKey is the private-state key ImportState sets: attributes the API cannot read back
// (create-only values, secrets and their version attributes) were unknown at the import, so
// the first configured values are adopted rather than acted on.
const importedKey = "imported"

// Setter is the part of the framework's private state that ImportState and Update can write.
type Setter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// Getter is the part of the framework's private state that plan modifiers and Update can read.
type Getter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// MarkImported records in private state that the resource came from an import.
func MarkImported(ctx context.Context, private Setter) diag.Diagnostics {
	return private.SetKey(ctx, importedKey, []byte(`true`))
}

// ClearImported drops the import marker once the configured values have been adopted.
func ClearImported(ctx context.Context, private Setter) diag.Diagnostics {
	return private.SetKey(ctx, importedKey, nil)
}

// Imported reports whether the resource came from an import whose values are not adopted yet.
func Imported(ctx context.Context, private Getter) (bool, diag.Diagnostics) {
	v, diags := private.GetKey(ctx, importedKey)
	return string(v) == "true", diags
}
