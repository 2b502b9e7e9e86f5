package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// The "one early 429" scenario (issue 21): N roles created at -parallelism=1, once against the
// plain mock and once with a proxy in front of it that answers 429 (Retry-After: 1) to the first
// create; and N roles created at Terraform's parallelism against the mock limited to a steady
// rate, then planned (the refresh reads them). Each runs with the provider built from the
// working tree ("after") and from a git ref ("before", the rule that learned a rate and never
// raised it again), in one run, so that both meet the same machine. Its section is appended to
// BENCHMARKS.md (after "## Reading", which WriteReport keeps), replacing an older one.

// Early429Options are the settings of the scenario.
type Early429Options struct {
	Options
	// BeforeRef is the git ref whose provider is "before".
	BeforeRef string
	// N is the number of roles created at parallelism 1; SteadyN at o.Parallelism against the
	// mock limited to SteadyRate requests per second.
	N, SteadyN int
	SteadyRate float64
	// Jobs applies run at the same time, JobsN roles each, against one mock limited to
	// JobsRate requests per second (issue 29: parallel jobs under one rate limit); 0: none.
	Jobs, JobsN int
	JobsRate    float64
}

// caseSpec is one case of the scenario.
type caseSpec struct {
	name        string
	n, parallel int
	rate        float64
	reject      bool
	jobs        int // terraform runs at the same time, n roles each (0 or 1: one)
	phases      []string
}

// Early429Row is one measured run.
type Early429Row struct {
	Mode        string  // ModeBefore or ModeAfter
	Case        string  // "no 429", "one early 429", "steady N req/s"
	Phase       string  // "create" or "refresh"
	Seconds     float64 // median
	RateLimited int     // 429 answers the provider received (median run)
	Requests    int
	// Accepted are the answers that were not 429; Rate the mock's limit (0: none). The floor of
	// a rate-limited case is Accepted / Rate.
	Accepted int
	Rate     float64
}

// early429Section is the heading of the section in BENCHMARKS.md.
const early429Section = "## One early 429"

// RunEarly429 builds both providers, measures and returns the rows (medians over o.Repeats).
func RunEarly429(ctx context.Context, o Early429Options) ([]Early429Row, error) {
	if o.Repeats < 1 {
		o.Repeats = 1
	}
	b, err := build(ctx, o.Options)
	if err != nil {
		return nil, err
	}
	beforeDir := filepath.Join(o.Work, "plugins-before")
	if err := buildRef(ctx, o.Options, o.BeforeRef, beforeDir); err != nil {
		return nil, err
	}
	cliConfigs := map[string]string{ModeAfter: filepath.Join(o.Work, "cli-after.tfrc"), ModeBefore: filepath.Join(o.Work, "cli-before.tfrc")}
	if err := writeCLIConfig(cliConfigs[ModeAfter], b.pluginDir); err != nil {
		return nil, err
	}
	if err := writeCLIConfig(cliConfigs[ModeBefore], beforeDir); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(o.Work, "early429-mock.log"))
	if err != nil {
		return nil, err
	}
	defer func() { _ = logFile.Close() }()

	cases := []caseSpec{
		{name: "no 429", n: o.N, parallel: 1, phases: []string{"create"}},
		{name: "one early 429", n: o.N, parallel: 1, reject: true, phases: []string{"create"}},
	}
	if o.SteadyN > 0 && o.SteadyRate > 0 {
		cases = append(cases, caseSpec{name: fmt.Sprintf("steady %g req/s", o.SteadyRate), n: o.SteadyN, parallel: o.Parallelism,
			rate: o.SteadyRate, phases: []string{"create", "refresh"}})
	}
	if o.Jobs > 1 && o.JobsN > 0 && o.JobsRate > 0 {
		cases = append(cases, caseSpec{name: fmt.Sprintf("%d jobs at %g req/s", o.Jobs, o.JobsRate), n: o.JobsN, parallel: o.Parallelism,
			rate: o.JobsRate, jobs: o.Jobs, phases: []string{"create"}})
	}
	runs := map[string][]Early429Row{} // mode|case|phase -> one per repeat
	var order []string
	for rep := 1; rep <= o.Repeats; rep++ {
		for _, cs := range cases {
			for _, mode := range []string{ModeBefore, ModeAfter} {
				rows, err := early429Once(ctx, o, b.mock, cliConfigs[mode], mode, cs, logFile)
				if err != nil {
					return nil, err
				}
				for _, r := range rows {
					k := r.Mode + "|" + r.Case + "|" + r.Phase
					if _, seen := runs[k]; !seen {
						order = append(order, k)
					}
					runs[k] = append(runs[k], r)
					_, _ = fmt.Fprintf(o.Log, "early429 rep %d  %-6s %-16s %-7s N=%-4d %6.2fs  429s=%d reqs=%d\n",
						rep, r.Mode, r.Case, r.Phase, cs.n, r.Seconds, r.RateLimited, r.Requests)
				}
			}
		}
	}
	out := make([]Early429Row, 0, len(order))
	for _, k := range order {
		rs := runs[k]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Seconds < rs[j].Seconds })
		out = append(out, rs[len(rs)/2])
	}
	return out, nil
}

// buildRef builds the provider of a git ref into dir (as terraform-provider-rockit).
func buildRef(ctx context.Context, o Options, ref, dir string) error {
	src := filepath.Join(o.Work, "src-before")
	if err := os.RemoveAll(src); err != nil {
		return err
	}
	if err := os.MkdirAll(src, 0o750); err != nil {
		return err
	}
	archive := exec.CommandContext(ctx, "git", "archive", ref) //nolint:gosec // a ref the caller names, of our own repository
	archive.Dir = o.Root
	untar := exec.CommandContext(ctx, "tar", "-x", "-C", src) //nolint:gosec // into our scratch directory
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return err
	}
	untar.Stdin = pipe
	if err := untar.Start(); err != nil {
		return err
	}
	if err := archive.Run(); err != nil {
		return fmt.Errorf("git archive %s: %w", ref, err)
	}
	if err := untar.Wait(); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(dir, "terraform-provider-rockit"), ".") //nolint:gosec // our own source
	cmd.Dir = src
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build of %s: %w", ref, err)
	}
	return nil
}

// rejectFirstCreate answers 429 with Retry-After: 1 to the first POST /be/v1/roles and passes
// everything else to the mock.
func rejectFirstCreate(mockURL string) (*httptest.Server, *atomic.Int32, error) {
	u, err := url.Parse(mockURL)
	if err != nil {
		return nil, nil, err
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	var rejected atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/be/v1/roles" && rejected.CompareAndSwap(0, 1) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"status":"error","message":"too many requests"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	return srv, &rejected, nil
}

func early429Once(ctx context.Context, o Early429Options, mockBin, cliConfig, mode string, cs caseSpec, logFile io.Writer) ([]Early429Row, error) {
	m, err := startMock(ctx, mockBin, 0, cs.rate, logFile)
	if err != nil {
		return nil, err
	}
	defer m.stop()
	endpoint := m.URL
	var rejected *atomic.Int32
	if cs.reject {
		srv, r, err := rejectFirstCreate(m.URL)
		if err != nil {
			return nil, err
		}
		defer srv.Close()
		endpoint, rejected = srv.URL, r
	}
	jobs := max(cs.jobs, 1)
	tfs := make([]*tfexec.Terraform, jobs)
	for j := range jobs {
		dir := filepath.Join(o.Work, "runs", "early429-"+strings.ReplaceAll(cs.name, " ", "-")+"-"+mode)
		prefix := "early"
		if jobs > 1 {
			dir, prefix = filepath.Join(dir, fmt.Sprintf("job%d", j+1)), fmt.Sprintf("job%d", j+1)
		}
		if tfs[j], err = rolesWorkspace(ctx, o, dir, cliConfig, endpoint, m.Password, prefix, cs.n); err != nil {
			return nil, err
		}
	}
	if err := m.reset(); err != nil {
		return nil, err
	}
	var out []Early429Row
	for _, phase := range cs.phases {
		start := time.Now()
		errs := make([]error, jobs)
		var wg sync.WaitGroup
		for j, tf := range tfs {
			wg.Go(func() {
				switch phase {
				case "create":
					errs[j] = tf.Apply(ctx, tfexec.Parallelism(cs.parallel))
				case "refresh":
					_, errs[j] = tf.Plan(ctx, tfexec.Parallelism(cs.parallel))
				}
			})
		}
		wg.Wait()
		secs := time.Since(start).Seconds()
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("%s %s %s: %w", cs.name, mode, phase, err)
		}
		reqs, _, err := m.collect()
		if err != nil {
			return nil, err
		}
		row := Early429Row{Mode: mode, Case: cs.name, Phase: phase, Seconds: secs, Requests: len(reqs), Rate: cs.rate}
		for _, r := range reqs {
			if r.Status == http.StatusTooManyRequests {
				row.RateLimited++
			} else {
				row.Accepted++
			}
		}
		if rejected != nil && phase == "create" {
			row.RateLimited += int(rejected.Load()) // the proxy's, which the mock never saw
			row.Requests += int(rejected.Load())
		}
		out = append(out, row)
	}
	return out, nil
}

// rolesWorkspace writes a configuration of n roles named <prefix>_NNNN against endpoint into
// dir and returns its terraform.
func rolesWorkspace(ctx context.Context, o Early429Options, dir, cliConfig, endpoint, password, prefix string, n int) (*tfexec.Terraform, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    rockit = { source = "rockitplay/rockit" }
  }
}

provider "rockit" {
  endpoint = %q
  org_name = %q
  username = "admin"
  password = %q
}
`, endpoint, benchOrg, password)
	for i := range n {
		fmt.Fprintf(&b, "\nresource \"rockit_role\" \"r%04d\" {\n  name        = \"%s_%04d\"\n  permissions = { apps = [\"read\"] }\n}\n", i, prefix, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600); err != nil {
		return nil, err
	}
	tf, err := tfexec.NewTerraform(dir, o.Terraform)
	if err != nil {
		return nil, err
	}
	if err := tf.SetEnv(quietEnv(terraformEnv(cliConfig))); err != nil {
		return nil, err
	}
	if _, _, err := tf.Version(ctx, false); err != nil {
		return nil, err
	}
	return tf, nil
}

// WriteEarly429Section puts the scenario's table into the report at path: it replaces an
// earlier "## One early 429" section or appends one at the end (after "## Reading", so that
// WriteReport keeps it).
func WriteEarly429Section(path string, o Early429Options, rows []Early429Row, note string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("%s\n\n", early429Section)
	w("Issue 21: %d roles created at `-parallelism=1`, against the mock, and against the mock behind a proxy that\n", o.N)
	w("answers `429` (`Retry-After: 1`) to the first create; then %d roles created at `-parallelism=%d` against the mock\n", o.SteadyN, o.Parallelism)
	w("limited to a steady %g requests per second, and planned (the refresh). \"before\" is the provider of `%s`,\n", o.SteadyRate, o.BeforeRef)
	w("\"after\" the working tree (their limiter rules: DESIGN.md, \"One limiter per Client\", and the CHANGELOG).\n")
	w("Both in one run, the median of %d repeats; `go run ./cmd/rockit-bench -early-429`\n", o.Repeats)
	w("(`make bench-early-429`) runs only this and rewrites only this section.\n")
	if o.Jobs > 1 {
		w("Then %d applies at the same time, %d roles each, at `-parallelism=%d`, against one mock limited to %g requests per\n", o.Jobs, o.JobsN, o.Parallelism, o.JobsRate)
		w("second (parallel jobs under one rate limit, issue 29), timed from their start to the end of the last one.\n")
	}
	w("The floor of a rate-limited case is the requests the mock accepted (not 429) divided by its rate.\n\n")
	if note != "" {
		w("%s\n\n", note)
	}
	w("| case | phase | before (s) | after (s) | after / before | 429s before | 429s after | requests before | requests after | floor after (s) | after / floor |\n")
	w("|---|---|---|---|---|---|---|---|---|---|---|\n")
	type pair struct{ before, after *Early429Row }
	var keys []string
	pairs := map[string]*pair{}
	for i := range rows {
		r := &rows[i]
		k := r.Case + "|" + r.Phase
		p, ok := pairs[k]
		if !ok {
			p = &pair{}
			pairs[k] = p
			keys = append(keys, k)
		}
		if r.Mode == ModeBefore {
			p.before = r
		} else {
			p.after = r
		}
	}
	for _, k := range keys {
		p := pairs[k]
		if p.before == nil || p.after == nil {
			continue
		}
		floor, ratio := "n/a", "n/a"
		if p.after.Rate > 0 && p.after.Accepted > 0 {
			f := float64(p.after.Accepted) / p.after.Rate
			floor, ratio = fmtS(f), fmtX(p.after.Seconds/f)
		}
		w("| %s | %s | %s | %s | %s | %d | %d | %d | %d | %s | %s |\n", p.after.Case, p.after.Phase, fmtS(p.before.Seconds), fmtS(p.after.Seconds),
			fmtX(p.after.Seconds/p.before.Seconds), p.before.RateLimited, p.after.RateLimited, p.before.Requests, p.after.Requests, floor, ratio)
	}
	section := b.String()
	s := string(old)
	if i := strings.Index(s, early429Section+"\n"); i >= 0 {
		rest, tail := s[i+len(early429Section):], ""
		if j := strings.Index(rest, "\n## "); j >= 0 {
			tail = "\n" + rest[j+1:]
		}
		s = s[:i] + section + tail
	} else {
		if s != "" {
			s = strings.TrimRight(s, "\n") + "\n\n"
		}
		s += section
	}
	return os.WriteFile(path, []byte(s), 0o644) //nolint:gosec // a committed document, readable by all
}
