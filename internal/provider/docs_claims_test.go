package provider

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The docs say only what the code and its tests do (issue 30 item 7): every test that README,
// DESIGN.md, docs/, templates/ or .ci/run names exists (a name used as a -run prefix matches a
// test it begins), every provider attribute is in the README's settings table with the
// environment variable its description names, and no page says that an install from a
// filesystem mirror locks a `zh:` hash (a mirror is unsigned: only `h1:` is written; the install
// test asserts it).
func TestDocsClaims(t *testing.T) {
	root := filepath.Join("..", "..")
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	docs := map[string]string{}
	for _, f := range []string{"README.md", "DESIGN.md", "DECISIONS.md", "CONTRIBUTING.md", ".ci/run"} {
		docs[f] = read(f)
	}
	for _, dir := range []string{"docs", "templates"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			docs[rel] = read(rel)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	// Every test named exists.
	tests := map[string]bool{}
	testFunc := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, "_test.go") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range testFunc.FindAllStringSubmatch(string(b), -1) {
				tests[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tests["TestDocsClaims"] {
		t.Fatal("the walk of the test sources found nothing")
	}
	named := regexp.MustCompile(`\bTest[A-Z]\w*`)
	for f, text := range docs {
		for _, name := range named.FindAllString(text, -1) {
			if !tests[name] && !isTestPrefix(tests, name) {
				t.Errorf("%s names %s, but no test has that name (or begins with it)", f, name)
			}
		}
	}

	// Every provider attribute is in the README's table, with its variable.
	readme := docs["README.md"]
	envName := regexp.MustCompile("`(ROCKIT_[A-Z_]+)`")
	for name, attr := range providerSchema(t).Attributes {
		vars := envName.FindAllStringSubmatch(attr.GetMarkdownDescription(), -1)
		if vars == nil {
			t.Errorf("provider attribute %s names no environment variable in its description", name)
			continue
		}
		var rows []string
		for _, v := range vars { // api_key's description names ROCKIT_PASSWORD too
			rows = append(rows, "| `"+name+"` | `"+v[1]+"` |")
		}
		if !slices.ContainsFunc(rows, func(row string) bool { return strings.Contains(readme, row) }) {
			t.Errorf("README.md's settings table has none of the rows %q", rows)
		}
	}

	// No page says a filesystem mirror locks zh: hashes.
	mirrorZh := regexp.MustCompile("(?i)mirror")
	onlyH1 := regexp.MustCompile("only[^.]*`h1:`")
	for f, text := range docs {
		for _, para := range strings.Split(text, "\n\n") {
			if strings.Contains(para, "zh:") && mirrorZh.MatchString(para) && !onlyH1.MatchString(para) {
				t.Errorf("%s speaks of `zh:` and a mirror without saying that a mirror locks only `h1:`:\n%s", f, para)
			}
		}
	}
}

// isTestPrefix reports whether some test begins with name (a -run pattern such as TestAccRole).
func isTestPrefix(tests map[string]bool, name string) bool {
	for t := range tests {
		if strings.HasPrefix(t, name) {
			return true
		}
	}
	return false
}
