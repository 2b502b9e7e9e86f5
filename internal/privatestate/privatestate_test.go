package privatestate

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// fakePrivate is a private state as the framework hands it to ImportState / Update / ModifyPlan.
type fakePrivate map[string][]byte

func (f fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if value == nil {
		delete(f, key)
	} else {
		f[key] = value
	}
	return nil
}

func (f fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return f[key], nil
}

func TestImportedMarker(t *testing.T) {
	ctx := context.Background()
	p := fakePrivate{}
	if imported, _ := Imported(ctx, p); imported {
		t.Fatal("a resource never imported counts as imported")
	}
	MarkImported(ctx, p)
	if imported, _ := Imported(ctx, p); !imported {
		t.Fatal("MarkImported did not mark the resource as imported")
	}
	if string(p["imported"]) != "true" {
		t.Fatalf("private state key %q = %q, want %q (states written by earlier versions use it)", "imported", p["imported"], "true")
	}
	ClearImported(ctx, p)
	if imported, _ := Imported(ctx, p); imported {
		t.Fatal("ClearImported left the resource marked as imported")
	}
}
