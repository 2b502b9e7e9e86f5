// Package bench is the performance benchmark of the provider (`make bench`, issue 6).
//
// It builds the provider, the mock (cmd/rockit-edge-mock) and a no-op framework provider
// (internal/bench/noop), serves both providers through dev_overrides (no terraform init, no
// download), and drives the terraform CLI with terraform-exec. For each N it times four phases,
// each one terraform command: create (apply), refresh (plan, must show no changes), update
// (apply with 10% of the objects changed in place) and destroy. It does the same for two
// floors: N terraform_data resources (no plugin) and N noop_thing resources (the plugin
// protocol and nothing else). From the mock's request log it counts requests per object by
// method and endpoint, authentication calls and new TCP connections per phase; it samples the
// provider processes' peak RSS. Results go to a JSON file; the report (BENCHMARKS.md and a PNG
// chart) is made from it.
package bench

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// Phases of one cycle, in order.
var Phases = []string{"create", "refresh", "update", "destroy"}

// PhasePlan is a phase that runs only with Options.Phases: `terraform plan` of the
// configuration against an empty organization (every object new), before the create.
const PhasePlan = "plan"

// cyclePhases are the phases a cycle can run, in order.
var cyclePhases = append([]string{PhasePlan}, Phases...)

// Modes of ours (issue 13): "after" is the provider as it is (collection reads on, the
// default), "before" runs it with EnvCollectionReads=false, the per-object reads of before.
const (
	ModeAfter  = "after"
	ModeBefore = "before"
	// EnvCollectionReads switches the provider's collection reads off when "false".
	EnvCollectionReads = "ROCKIT_COLLECTION_READS"
	// EnvPlanChecks switches the provider's plan checks off when "false".
	EnvPlanChecks = "ROCKIT_PLAN_CHECKS"
)

// Options of a run.
type Options struct {
	Root      string          // repository root (where go build runs)
	Work      string          // scratch directory (binaries, working dirs, results)
	Terraform string          // terraform binary
	Ns        []int           // object counts
	Latencies []time.Duration // mock latencies for ours
	Repeats   int             // cycles per measurement
	// RateLimit, if > 0, adds a scenario of ours against the mock limited to that many
	// requests per second (latency 0), at RateLimitNs (default: the largest N) in the first
	// RateLimitRepeats repeats (default 1: a cycle of 500 objects at 25/s takes about a minute).
	RateLimit        float64
	RateLimitNs      []int
	RateLimitRepeats int
	// BeforeNs are the N at which ours also runs in ModeBefore (every scenario), in the first
	// BeforeRepeats repeats (default 1); default: the largest N.
	BeforeNs      []int
	BeforeRepeats int
	// Phases, when set, restricts each cycle to these phases (of Phases and PhasePlan; run in
	// that order) and the report is left to the caller (Summary).
	Phases []string
	// BeforeEnv is the environment variable set to "false" in ModeBefore (default
	// EnvCollectionReads), e.g. EnvPlanChecks to measure the plan checks.
	BeforeEnv string
	// BeforeRef, when set, makes ModeBefore the provider built from this git ref with its
	// defaults (e.g. the last release), instead of this binary with BeforeEnv=false: the same
	// run of an earlier version, interleaved with this one.
	BeforeRef string
	// Targets, when set, restricts the cycles to these targets (of TargetData, TargetNoop,
	// TargetShaped, TargetRockit), e.g. noop_shaped and rockit for the flat-cost figures.
	Targets     []string
	Parallelism int       // terraform -parallelism
	Types       []string  // restrict the mix to these types (default: all registered)
	Log         io.Writer // progress
}

// Measurement is one timed phase.
type Measurement struct {
	Target    string `json:"target"`
	LatencyMS int64  `json:"latency_ms"`
	// RateLimit is the mock's rate limit in requests per second, 0 = none.
	RateLimit float64 `json:"rate_limit,omitempty"`
	// Mode is ModeAfter or ModeBefore for ours ("" in results of before issue 13 = after).
	Mode     string         `json:"mode,omitempty"`
	N        int            `json:"n"`
	Repeat   int            `json:"repeat"`
	Phase    string         `json:"phase"`
	Seconds  float64        `json:"seconds"`
	Requests map[string]int `json:"requests,omitempty"` // "METHOD /be/v1/x/{name}" -> count
	Logins   int            `json:"logins"`
	Renewals int            `json:"renewals"`
	Conns    int64          `json:"connections"`
	Errors   int            `json:"error_responses"`
	// RateLimited counts the 429 answers (part of Errors).
	RateLimited int   `json:"rate_limited,omitempty"`
	PeakRSS     int64 `json:"peak_rss_bytes,omitempty"`
	Processes   int   `json:"provider_processes,omitempty"`
	// CPU seconds (user + system) in the phase: terraform and its provider processes
	// together, the provider processes alone, and the mock.
	CPUTerraform float64 `json:"cpu_terraform_and_providers"`
	CPUProvider  float64 `json:"cpu_providers"`
	CPUMock      float64 `json:"cpu_mock"`
	Note         string  `json:"note,omitempty"`
}

// Results is what a run writes.
type Results struct {
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	Terraform   string    `json:"terraform_version"`
	GoVersion   string    `json:"go_version"`
	CPUs        int       `json:"cpus"`
	CPUModel    string    `json:"cpu_model"`
	LoadBefore  string    `json:"load_before"`
	LoadAfter   string    `json:"load_after"`
	Parallelism int       `json:"parallelism"`
	Repeats     int       `json:"repeats"`
	Ns          []int     `json:"ns"`
	LatenciesMS []int64   `json:"latencies_ms"`
	// The rate-limited scenario and the before mode: where and how often they ran.
	RateLimit        float64 `json:"rate_limit,omitempty"`
	RateLimitNs      []int   `json:"rate_limit_ns,omitempty"`
	RateLimitRepeats int     `json:"rate_limit_repeats,omitempty"`
	BeforeNs         []int   `json:"before_ns,omitempty"`
	BeforeRepeats    int     `json:"before_repeats,omitempty"`
	// BeforeRef is the git ref of the "before" provider (Options.BeforeRef), "" when before
	// is this binary with BeforeEnv=false.
	BeforeRef    string         `json:"before_ref,omitempty"`
	Mix          map[int]string `json:"mix"`
	Measurements []Measurement  `json:"measurements"`
}

// binaries the harness builds.
type binaries struct {
	pluginDir string // dev_overrides directory of both providers
	rockit    string
	noop      string
	mock      string
}

func build(ctx context.Context, o Options) (binaries, error) {
	b := binaries{pluginDir: filepath.Join(o.Work, "plugins")}
	b.rockit = filepath.Join(b.pluginDir, "terraform-provider-rockit")
	b.noop = filepath.Join(b.pluginDir, "terraform-provider-noop")
	b.mock = filepath.Join(o.Work, "bin", "rockit-edge-mock")
	for _, t := range []struct{ out, pkg string }{{b.rockit, "."}, {b.noop, "./internal/bench/noop"}, {b.mock, "./cmd/rockit-edge-mock"}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", t.out, t.pkg) //nolint:gosec // our own packages into our scratch directory
		cmd.Dir = o.Root
		cmd.Stdout, cmd.Stderr = o.Log, o.Log
		if err := cmd.Run(); err != nil {
			return b, fmt.Errorf("go build %s: %w", t.pkg, err)
		}
	}
	return b, nil
}

// writeCLIConfig writes the terraform CLI configuration that serves both providers from
// pluginDir.
func writeCLIConfig(path, pluginDir string) error {
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "rockitplay/rockit" = %q
    "bench/noop"        = %q
  }
  direct {}
}
`, pluginDir, pluginDir)
	return os.WriteFile(path, []byte(cfg), 0o600)
}

// Run builds everything, runs the measurements and returns the results.
func Run(ctx context.Context, o Options) (*Results, error) {
	if o.Repeats < 1 {
		o.Repeats = 1
	}
	if o.Parallelism < 1 {
		o.Parallelism = 10
	}
	maxN := 0
	for _, n := range o.Ns {
		maxN = max(maxN, n)
	}
	if len(o.BeforeNs) == 0 {
		o.BeforeNs = []int{maxN}
	}
	if o.BeforeRepeats < 1 {
		o.BeforeRepeats = 1
	}
	if len(o.RateLimitNs) == 0 {
		o.RateLimitNs = []int{maxN}
	}
	if o.RateLimitRepeats < 1 {
		o.RateLimitRepeats = 1
	}
	if err := os.MkdirAll(o.Work, 0o750); err != nil {
		return nil, err
	}
	bins, err := build(ctx, o)
	if err != nil {
		return nil, err
	}
	cliConfig := filepath.Join(o.Work, "terraformrc")
	if err := writeCLIConfig(cliConfig, bins.pluginDir); err != nil {
		return nil, err
	}
	kinds := chooseMix(ctx, o.Types)

	res := &Results{
		Started: time.Now().UTC(), Parallelism: o.Parallelism, Repeats: o.Repeats, Ns: o.Ns,
		Mix: map[int]string{}, CPUs: numCPU(), CPUModel: cpuModel(), LoadBefore: loadAvg(), GoVersion: goVersion(),
		BeforeNs: o.BeforeNs, BeforeRepeats: min(o.BeforeRepeats, o.Repeats), BeforeRef: o.BeforeRef,
	}
	if o.RateLimit > 0 {
		res.RateLimit, res.RateLimitNs, res.RateLimitRepeats = o.RateLimit, o.RateLimitNs, min(o.RateLimitRepeats, o.Repeats)
	}
	for _, n := range append(append([]int{}, o.Ns...), o.RateLimitNs...) {
		res.Mix[n] = mixDescription(n, kinds)
	}
	mockLog, err := os.Create(filepath.Join(o.Work, "mock.log"))
	if err != nil {
		return nil, err
	}
	defer func() { _ = mockLog.Close() }()
	mocks := map[time.Duration]*mock{}
	var limited *mock // the rate-limited scenario's mock
	defer func() {
		for _, m := range mocks {
			m.stop()
		}
		if limited != nil {
			limited.stop()
		}
	}()
	for _, lat := range o.Latencies {
		m, err := startMock(ctx, bins.mock, lat, 0, mockLog)
		if err != nil {
			return nil, err
		}
		mocks[lat] = m
		res.LatenciesMS = append(res.LatenciesMS, lat.Milliseconds())
	}
	if o.RateLimit > 0 {
		if limited, err = startMock(ctx, bins.mock, 0, o.RateLimit, mockLog); err != nil {
			return nil, err
		}
	}

	env := terraformEnv(cliConfig)
	beforeEnv, beforeExe := withEnv(env, cmp.Or(o.BeforeEnv, EnvCollectionReads), "false"), bins.rockit
	if o.BeforeRef != "" && len(o.BeforeNs) > 0 {
		dir := filepath.Join(o.Work, "plugins-before")
		if err := buildRef(ctx, o, o.BeforeRef, dir); err != nil {
			return nil, err
		}
		beforeConfig := filepath.Join(o.Work, "cli-before.tfrc")
		if err := writeCLIConfig(beforeConfig, dir); err != nil {
			return nil, err
		}
		beforeEnv, beforeExe = terraformEnv(beforeConfig), filepath.Join(dir, "terraform-provider-rockit")
	}
	// Each repeat runs every N and every target once, interleaved, so that a slow spell of a
	// shared machine spreads over all of them rather than hitting one.
	for rep := 1; rep <= o.Repeats; rep++ {
		for _, n := range unionInts(o.Ns, o.RateLimitNs) {
			jobs := plan(o, rep, n, mocks, limited)
			for _, j := range jobs {
				c := cycle{
					o: o, env: env, target: j.target, n: n, repeat: rep, kinds: kinds, mock: j.m, mode: j.mode,
				}
				switch {
				case j.target == TargetShaped:
					c.env = quietEnv(env)
				case j.mode == ModeBefore:
					c.env = beforeEnv
				}
				switch {
				case j.target == TargetRockit && j.mode == ModeBefore:
					c.exe = beforeExe
				case j.target == TargetRockit:
					c.exe = bins.rockit
				case j.target == TargetNoop || j.target == TargetShaped:
					c.exe = bins.noop
				}
				ms, err := c.run(ctx)
				res.Measurements = append(res.Measurements, ms...)
				if err != nil {
					return res, err
				}
				if res.Terraform == "" {
					res.Terraform = c.tfVersion
				}
			}
		}
	}
	res.Finished = time.Now().UTC()
	res.LoadAfter = loadAvg()
	return res, nil
}

// job is one cycle of a repeat: a target, for ours its mock (scenario) and mode.
type job struct {
	target string
	m      *mock
	mode   string
}

// plan lists the cycles of repeat rep at n: the floors and ours at every latency (after) at
// the Ns; ours before at the BeforeNs in the first BeforeRepeats repeats; the rate-limited
// scenario at the RateLimitNs in the first RateLimitRepeats repeats (before too where both
// apply).
func plan(o Options, rep, n int, mocks map[time.Duration]*mock, limited *mock) []job {
	var jobs []job
	before := rep <= o.BeforeRepeats && slices.Contains(o.BeforeNs, n)
	if slices.Contains(o.Ns, n) {
		for _, t := range []string{TargetData, TargetNoop, TargetShaped} {
			if len(o.Targets) == 0 || slices.Contains(o.Targets, t) {
				jobs = append(jobs, job{t, nil, ModeAfter})
			}
		}
		for _, lat := range o.Latencies {
			jobs = append(jobs, job{TargetRockit, mocks[lat], ModeAfter})
			if before {
				jobs = append(jobs, job{TargetRockit, mocks[lat], ModeBefore})
			}
		}
	}
	if limited != nil && rep <= o.RateLimitRepeats && slices.Contains(o.RateLimitNs, n) {
		jobs = append(jobs, job{TargetRockit, limited, ModeAfter})
		if before {
			jobs = append(jobs, job{TargetRockit, limited, ModeBefore})
		}
	}
	if len(o.Targets) > 0 && !slices.Contains(o.Targets, TargetRockit) {
		jobs = slices.DeleteFunc(jobs, func(j job) bool { return j.target == TargetRockit })
	}
	return jobs
}

// unionInts is a and the values of b not in a, sorted.
func unionInts(a, b []int) []int {
	out := append([]int{}, a...)
	for _, v := range b {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// withEnv is env with k set to v.
func withEnv(env map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(env)+1)
	for key, val := range env {
		out[key] = val
	}
	out[k] = v
	return out
}

// terraformEnv is the environment of every terraform command: ours, minus what terraform-exec
// manages, with the benchmark's CLI configuration.
func terraformEnv(cliConfig string) map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	env = tfexec.CleanEnv(env)
	env["TF_CLI_CONFIG_FILE"] = cliConfig
	env["CHECKPOINT_DISABLE"] = "1"
	delete(env, "TF_PLUGIN_CACHE_DIR")
	// "after" is the provider's default: a setting in the caller's environment must not leak in.
	delete(env, EnvCollectionReads)
	delete(env, EnvPlanChecks)
	return env
}

// quietEnv is env with the SDK and provider log levels off, as terraform-provider-rockit's
// main sets them for itself when Terraform discards provider logs, so that the shaped floor
// differs from ours only in the API work.
func quietEnv(env map[string]string) map[string]string {
	out := make(map[string]string, len(env)+4)
	for k, v := range env {
		out[k] = v
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_NOOP"} {
		if _, set := out[k]; !set {
			out[k] = "off"
		}
	}
	return out
}

// cycle is one create/refresh/update/destroy sequence of one target at one N.
type cycle struct {
	o         Options
	env       map[string]string
	target    string
	n         int
	repeat    int
	kinds     []kind
	mock      *mock
	mode      string // ours: ModeAfter or ModeBefore
	exe       string // provider binary whose processes are sampled for RSS and CPU
	tfVersion string
}

// scenario names the mock's setting for ours ("0 ms", "25 req/s"), "-" for the floors.
func (c *cycle) scenario() string {
	if c.mock == nil {
		return "-"
	}
	return scenarioName(c.latency().Milliseconds(), c.rateLimit())
}

func (c *cycle) rateLimit() float64 {
	if c.mock == nil {
		return 0
	}
	return c.mock.RateLimit
}

func (c *cycle) latency() time.Duration {
	if c.mock == nil {
		return 0
	}
	return c.mock.Latency
}

// mockCPU is the CPU time the mock has used so far, 0 without a mock.
func (c *cycle) mockCPU() float64 {
	if c.mock == nil || c.mock.cmd.Process == nil {
		return 0
	}
	t, _ := cpuTicks(c.mock.cmd.Process.Pid)
	return float64(t) / clockTicks
}

func (c *cycle) run(ctx context.Context) ([]Measurement, error) {
	name := fmt.Sprintf("%s-%dms-%d-%s", c.target, c.latency().Milliseconds(), c.n, c.mode)
	if c.rateLimit() > 0 {
		name = fmt.Sprintf("%s-%greqps-%d-%s", c.target, c.rateLimit(), c.n, c.mode)
	}
	if c.target != TargetRockit {
		name = fmt.Sprintf("%s-%d", c.target, c.n)
	}
	dir := filepath.Join(c.o.Work, "runs", name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	tf, err := tfexec.NewTerraform(dir, c.o.Terraform)
	if err != nil {
		return nil, err
	}
	if err := tf.SetEnv(c.env); err != nil {
		return nil, err
	}
	// terraform-exec checks the version before some commands; read it now so that the check
	// is cached and not timed.
	v, _, err := tf.Version(ctx, false)
	if err != nil {
		return nil, err
	}
	c.tfVersion = v.String()
	writeCfg := func(version int) error {
		return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configFor(c.target, c.n, version, c.kinds, c.mock)), 0o600)
	}
	if err := writeCfg(0); err != nil {
		return nil, err
	}
	if c.mock != nil {
		if err := c.mock.reset(); err != nil {
			return nil, err
		}
	}
	var out []Measurement
	for _, phase := range cyclePhases {
		if len(c.o.Phases) == 0 && phase == PhasePlan || len(c.o.Phases) > 0 && !slices.Contains(c.o.Phases, phase) {
			continue
		}
		if phase == "update" {
			if err := writeCfg(1); err != nil {
				return out, err
			}
		}
		m := Measurement{Target: c.target, LatencyMS: c.latency().Milliseconds(), RateLimit: c.rateLimit(), N: c.n, Repeat: c.repeat, Phase: phase}
		if c.target == TargetRockit {
			m.Mode = c.mode
		}
		var sampler *rssSampler
		if c.exe != "" {
			sampler = startRSSSampler(c.exe)
		}
		cpuBefore, mockBefore := childrenCPU(), c.mockCPU()
		start := time.Now()
		var changes bool
		switch phase {
		case "create", "update":
			err = tf.Apply(ctx, tfexec.Parallelism(c.o.Parallelism))
		case "refresh":
			changes, err = tf.Plan(ctx, tfexec.Parallelism(c.o.Parallelism))
		case PhasePlan:
			_, err = tf.Plan(ctx, tfexec.Parallelism(c.o.Parallelism))
		case "destroy":
			err = tf.Destroy(ctx, tfexec.Parallelism(c.o.Parallelism))
		}
		m.Seconds = time.Since(start).Seconds()
		m.CPUTerraform, m.CPUMock = childrenCPU()-cpuBefore, c.mockCPU()-mockBefore
		if sampler != nil {
			m.PeakRSS, m.Processes, m.CPUProvider = sampler.Stop()
		}
		if err != nil {
			return out, fmt.Errorf("%s %s: %w", name, phase, err)
		}
		if changes {
			m.Note = "plan after create was not empty"
		}
		if c.mock != nil {
			reqs, conns, err := c.mock.collect()
			if err != nil {
				return out, err
			}
			m.Conns = conns
			m.Requests, m.Logins, m.Renewals, m.Errors = countRequests(reqs)
			for _, r := range reqs {
				if r.Status == http.StatusTooManyRequests {
					m.RateLimited++
				}
			}
		}
		_, _ = fmt.Fprintf(c.o.Log, "rep %d  %-14s %-12s %-6s N=%-4d %-8s %6.2fs  cpu tf+prov=%.2fs prov=%.2fs mock=%.2fs  reqs=%d logins=%d auth=%d conns=%d rss=%.1fMiB procs=%d %s\n",
			c.repeat, c.target, c.scenario(), m.Mode, c.n, phase, m.Seconds, m.CPUTerraform, m.CPUProvider, m.CPUMock,
			sum(m.Requests), m.Logins, m.Renewals, m.Conns, float64(m.PeakRSS)/(1<<20), m.Processes, m.Note)
		out = append(out, m)
	}
	// A run restricted to phases that create but do not destroy leaves the mock clean for the
	// next cycle, untimed.
	if len(c.o.Phases) > 0 && slices.Contains(c.o.Phases, "create") && !slices.Contains(c.o.Phases, "destroy") {
		if err := tf.Destroy(ctx, tfexec.Parallelism(c.o.Parallelism)); err != nil {
			return out, fmt.Errorf("%s cleanup: %w", name, err)
		}
	}
	return out, nil
}

var nameSegment = regexp.MustCompile(`^(/be/v1/[a-z]+)/[^/]+$`)

// endpoint names a request by method and path pattern, e.g. "GET /be/v1/roles/{name}".
func endpoint(r mockserver.RequestRecord) string {
	p := r.Path
	if m := nameSegment.FindStringSubmatch(p); m != nil {
		p = m[1] + "/{name}"
	}
	if r.Query != "" && r.Method == "GET" {
		p += "?…" // a list page
	}
	return r.Method + " " + p
}

// countRequests sorts the logged requests by endpoint, and counts logins, auth-token renewals
// and error answers.
func countRequests(reqs []mockserver.RequestRecord) (by map[string]int, logins, renewals, errs int) {
	by = map[string]int{}
	for _, r := range reqs {
		switch r.Path {
		case "/be/v1/login":
			logins++
		case "/be/v1/auth":
			renewals++
		default:
			by[endpoint(r)]++
		}
		if r.Status >= 400 {
			errs++
		}
	}
	return by, logins, renewals, errs
}

func sum(m map[string]int) int {
	t := 0
	for _, v := range m {
		t += v
	}
	return t
}

// WriteJSON saves results.
func (r *Results) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// ReadResults loads results saved by WriteJSON.
func ReadResults(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Results
	return &r, json.Unmarshal(b, &r)
}
