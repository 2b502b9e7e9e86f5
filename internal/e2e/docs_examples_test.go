package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// docExample is one HCL example: a fenced block of a docs page or a file of examples/.
type docExample struct {
	where string // file:line of its first line
	text  string
}

// Rules for what `terraform validate` cannot check with the CLI at hand.
var (
	// Terraform 1.14 blocks (actions, list resources, terraform query): the protocol-level
	// tests cover them (action_helpers_test.go, list_resources_test.go).
	tf114Only = regexp.MustCompile(`(?m)^\s*(action|list)\s+"|action_trigger\s*\{`)
	// Features of a newer CLI than the one at hand (make testacc-fallback runs 1.8.5).
	needs = []struct {
		re      *regexp.Regexp
		version string
		what    string
	}{
		{regexp.MustCompile(`(?s)import\s*\{[^}]*identity\s*=`), "1.12.0", "import by identity"},
		{regexp.MustCompile(`_wo(_version)?\s*=`), "1.11.0", "write-only attributes"},
		{regexp.MustCompile(`(?m)^\s*ephemeral\s+"|ephemeral\s*=\s*true`), "1.10.0", "ephemeral values"},
	}
	// Diagnostics a fragment may have: it refers to objects another block of the page declares.
	fragmentRefs = map[string]bool{
		"Reference to undeclared resource":       true,
		"Reference to undeclared input variable": true,
		"Reference to undeclared local value":    true,
	}
	// A block that elides arguments with a comment such as `# ...` may lack required ones.
	elided = regexp.MustCompile(`#[^\n]*\.\.\.`)
	fence  = regexp.MustCompile("^(\\s*)```(terraform|hcl|tf)\\s*$")
	// The key pair recipe of the docs: `openssl genpkey ... -out x.pem`, `openssl rsa -in x.pem
	// -pubout -out x.pub.pem`.
	keyRecipe = regexp.MustCompile(`(?m)^openssl (genpkey|rsa) [^\n]*$`)
)

// docsKeyFiles runs every line of the docs' key pair recipe (openssl genpkey / openssl rsa) in
// a directory of its own and returns the public key files it wrote, by name: the files the
// examples read with file(). The docs use one recipe everywhere; ssh-keygen's key formats are
// rejected by the provider, so no page may recommend it.
func docsKeyFiles(ctx context.Context, t *testing.T, root string) map[string][]byte {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("the docs' key pair recipe needs openssl")
	}
	dir := t.TempDir()
	var lines []string
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if regexp.MustCompile(`ssh-keygen -`).Match(b) {
			t.Errorf("%s recommends ssh-keygen, whose keys the provider rejects: use the openssl genpkey recipe", p)
		}
		lines = append(lines, keyRecipe.FindAllString(string(b), -1)...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, line := range lines {
		if seen[line] {
			continue
		}
		seen[line] = true
		cmd := exec.CommandContext(ctx, "sh", "-c", line)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the docs' key recipe %q failed: %v\n%s", line, err, out)
		}
	}
	keys := map[string][]byte{}
	for _, name := range []string{"org_key.pub.pem", "secrets_key.pub.pem"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("the docs' key recipe (%q) does not write %s, which the examples read: %v", lines, name, err)
		}
		keys[name] = b
	}
	return keys
}

// collectExamples returns every HCL block of docs/**/*.md and every .tf / .hcl file of
// examples/, each text once (the docs embed the examples).
func collectExamples(t *testing.T, root string) []docExample {
	t.Helper()
	var out []docExample
	seen := map[string]bool{}
	add := func(where, text string) {
		key := strings.TrimSpace(text)
		if key == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, docExample{where: where, text: text})
	}
	err := filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || (!strings.HasSuffix(p, ".tf") && !strings.HasSuffix(p, ".hcl")) {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		add(rel+":1", string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		rel, _ := filepath.Rel(root, p)
		s := bufio.NewScanner(f)
		var block []string
		indent, start, in := "", 0, false
		for n := 1; s.Scan(); n++ {
			line := s.Text()
			switch m := fence.FindStringSubmatch(line); {
			case !in && m != nil:
				in, indent, start, block = true, m[1], n+1, nil
			case in && strings.TrimSpace(line) == "```":
				in = false
				add(fmt.Sprintf("%s:%d", rel, start), strings.Join(block, "\n"))
			case in:
				block = append(block, strings.TrimPrefix(line, indent))
			}
		}
		return s.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

// Every example of the docs and of examples/ passes `terraform validate` against the real
// plugin binary, so that the docs cannot drift from the schema again (issue 23 item 9). Each
// example is a module of its own (with the provider's source added when it has none); a
// fragment may refer to resources, variables and locals that other blocks of its page declare,
// and a block that elides arguments (`# ...`) may lack required ones; nothing else is
// tolerated. The key files the examples read are made by the docs' own openssl recipe. Skipped,
// by rule: Terraform 1.14 blocks (action, list, action_trigger; the
// protocol-level tests cover them) and features newer than the CLI at hand (import by identity
// under 1.12, write-only attributes under 1.11, ephemeral values under 1.10). The plugin
// is under dev_overrides, which needs no `terraform init`.
func TestEveryDocsExampleValidates(t *testing.T) {
	tf := terraformCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	w := newWorkDir(t, tf, buildPlugin(t))
	out, code := w.terraform(ctx, "version", "-json")
	var v struct {
		Version string `json:"terraform_version"`
	}
	if code != 0 || json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &v) != nil {
		t.Fatalf("terraform version -json (%d):\n%s", code, out)
	}
	cli := version.Must(version.NewVersion(v.Version))
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	keys := docsKeyFiles(ctx, t, root)
	examples := collectExamples(t, root)
	if len(examples) < 40 {
		t.Fatalf("found %d examples, want at least 40: is the fence rule still right?", len(examples))
	}

	var (
		mu                 sync.Mutex
		validated, skipped []string
		wg                 sync.WaitGroup
		slots              = make(chan struct{}, 4)
	)
	newer := func(text string) string {
		for _, n := range needs {
			if n.re.MatchString(text) && cli.LessThan(version.Must(version.NewVersion(n.version))) {
				return fmt.Sprintf("%s: Terraform %s", n.what, n.version)
			}
		}
		return ""
	}
	for i, ex := range examples {
		if strings.HasSuffix(strings.Split(ex.where, ":")[0], ".tfquery.hcl") || tf114Only.MatchString(ex.text) {
			skipped = append(skipped, ex.where+" (Terraform 1.14)")
			continue
		}
		if why := newer(ex.text); why != "" {
			skipped = append(skipped, ex.where+" ("+why+")")
			continue
		}
		dir := filepath.Join(w.dir, fmt.Sprintf("ex%03d", i))
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{"main.tf": ex.text}
		if !strings.Contains(ex.text, "required_providers") {
			files["providers.tf"] = "terraform {\n  required_providers {\n    rockit = {\n      source = \"rockitplay/rockit\"\n    }\n  }\n}\n"
		}
		for name, key := range keys {
			files[name] = string(key)
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		wg.Add(1)
		go func(ex docExample, dir string) {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			out, _ := w.run(ctx, tf, "-chdir="+dir, "validate", "-json", "-no-color")
			var res struct {
				Diagnostics []struct {
					Severity, Summary, Detail string
				}
			}
			if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &res); err != nil {
				t.Errorf("%s: terraform validate -json: %v\n%s", ex.where, err, out)
				return
			}
			for _, d := range res.Diagnostics {
				tolerated := fragmentRefs[d.Summary] || (d.Summary == "Missing required argument" && elided.MatchString(ex.text))
				if d.Severity == "error" && !tolerated {
					t.Errorf("%s does not validate: %s: %s\n%s", ex.where, d.Summary, d.Detail, ex.text)
				}
			}
			mu.Lock()
			validated = append(validated, ex.where)
			mu.Unlock()
		}(ex, dir)
	}
	wg.Wait()
	t.Logf("validated %d examples; skipped %d: %s", len(validated), len(skipped), strings.Join(skipped, ", "))
}
