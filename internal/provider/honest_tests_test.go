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
// test cannot fail on it; likewise a TestCase's CheckDestroy when every step expects an error
// (the last state is then empty, and CheckDestroy runs only after a destroy of something).
// Every test file of the module is read; each such literal fails here, naming the file and line
// (assert with afterTest instead, or in a following step).
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
			keys := litKeys(lit)
			if keys["ExpectError"] != nil {
				for _, k := range []string{"Check", "ConfigStateChecks"} {
					if keys[k] != nil {
						t.Errorf("%s: a step with ExpectError defines %s, which plugin-testing never runs; assert after the test (afterTest) or in a following step", fset.Position(lit.Pos()), k)
					}
				}
			}
			if keys["CheckDestroy"] != nil && everyStepExpectsAnError(keys["Steps"]) {
				t.Errorf("%s: every step expects an error, so the last state is (as good as always) empty and the CheckDestroy does not run; assert after the test (afterTest)", fset.Position(lit.Pos()))
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

// everyStepExpectsAnError says whether a TestCase's Steps are listed inline and each of them
// has ExpectError.
func everyStepExpectsAnError(steps ast.Expr) bool {
	list, ok := steps.(*ast.CompositeLit)
	if !ok || len(list.Elts) == 0 {
		return false
	}
	for _, st := range list.Elts {
		step, ok := st.(*ast.CompositeLit)
		if !ok || litKeys(step)["ExpectError"] == nil {
			return false
		}
	}
	return true
}

// litKeys maps the field names of a keyed composite literal to their values.
func litKeys(lit *ast.CompositeLit) map[string]ast.Expr {
	keys := map[string]ast.Expr{}
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				keys[id.Name] = kv.Value
			}
		}
	}
	return keys
}
