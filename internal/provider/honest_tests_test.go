package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// afterTest runs checks once resource.Test / resource.ParallelTest has returned, against the
// mock as the whole test left it. A step's Check does not run when the step has ExpectError
// (the apply errors first), and a TestCase's CheckDestroy does not run when the last state is
// empty (there is nothing to destroy): what such a test promises about the requests the mock
// received ("no writes", "no DELETE") is asserted here.
func afterTest(t *testing.T, checks ...resource.TestCheckFunc) {
	t.Helper()
	for _, c := range checks {
		if err := c(nil); err != nil {
			t.Error(err)
		}
	}
}

// TestNoCheckInAStepThatExpectsAnError: plugin-testing skips a step's Check and
// ConfigStateChecks when the step has ExpectError, so such a check asserts nothing and the
// test cannot fail on it. Every test file of the module is read; a step that defines both fails
// here, naming the file and line (assert with afterTest instead, or in a following step).
func TestNoCheckInAStepThatExpectsAnError(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			keys := map[string]bool{}
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						keys[id.Name] = true
					}
				}
			}
			if keys["ExpectError"] {
				for _, k := range []string{"Check", "ConfigStateChecks"} {
					if keys[k] {
						t.Errorf("%s: a step with ExpectError defines %s, which plugin-testing never runs; assert after the test (afterTest) or in a following step", fset.Position(lit.Pos()), k)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read only %d test files under %s: the walk is broken", files, root)
	}
}
