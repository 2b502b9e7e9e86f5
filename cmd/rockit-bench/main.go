// Command rockit-bench times the provider against Terraform's own floors and writes
// BENCHMARKS.md and a chart (see internal/bench). `make bench` runs it through
// scripts/with-terraform.sh, which resolves the terraform CLI:
//
//	go run ./cmd/rockit-bench -n 50,200,500 -latency 0,20ms -repeats 3 -rate-limit 25
//	go run ./cmd/rockit-bench -n 20 -repeats 1 -rate-limit 25 -work /tmp/bench -out /tmp/bench/B.md -chart /tmp/bench/B.png
//	go run ./cmd/rockit-bench -report-only   # redo BENCHMARKS.md and the chart from .bench/results.json
//	go run ./cmd/rockit-bench -early-429 -repeats 3   # only the "one early 429" section of BENCHMARKS.md
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "rockit-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	ns := flag.String("n", "50,200,500", "object counts, comma-separated")
	lats := flag.String("latency", "0,20ms", "mock latencies per request for the provider, comma-separated Go durations")
	repeats := flag.Int("repeats", 3, "cycles per measurement; the report shows the median")
	rateLimit := flag.Float64("rate-limit", 25, "adds a scenario of ours against the mock limited to this many requests per second (0 = none)")
	rateLimitNs := flag.String("rate-limit-n", "", "object counts of the rate-limited scenario, comma-separated (default: the largest -n)")
	rateLimitRepeats := flag.Int("rate-limit-repeats", 1, "cycles of the rate-limited scenario (the first ones of -repeats)")
	beforeNs := flag.String("before-n", "", "object counts at which ours also runs with "+bench.EnvCollectionReads+"=false (\"before\"), every scenario, comma-separated (default: the largest -n)")
	beforeRepeats := flag.Int("before-repeats", 1, "cycles of the \"before\" mode (the first ones of -repeats)")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	phases := flag.String("phases", "", "run only these phases of each cycle, comma-separated, of create,refresh,update,destroy and "+
		bench.PhasePlan+" (a plan of every object against an empty organization); prints a table of medians instead of writing the report")
	beforeEnv := flag.String("before-env", bench.EnvCollectionReads, "the environment variable that \"before\" sets to false, e.g. "+
		bench.EnvPlanChecks+" to measure the plan checks")
	types := flag.String("types", "", "restrict the mix to these resource types, comma-separated (default: every type of the mix the provider has)")
	work := flag.String("work", ".bench", "scratch directory")
	out := flag.String("out", "BENCHMARKS.md", "report to write")
	chart := flag.String("chart", "BENCHMARKS.png", "chart to write (PNG)")
	note := flag.String("note", os.Getenv("BENCH_NOTE"), "a remark for the report, e.g. that the machine was shared")
	reportOnly := flag.Bool("report-only", false, "do not measure: write the report from the results of the last run")
	early429 := flag.Bool("early-429", false, "instead of the benchmark: only the \"one early 429\" scenario (before = -before-ref, after = this tree), "+
		"its section appended to (or replaced in) -out")
	early429N := flag.Int("early-429-n", 60, "roles created at -parallelism=1 in the \"one early 429\" scenario")
	early429SteadyN := flag.Int("early-429-steady-n", 300, "roles created and refreshed at -parallelism against the mock limited to -rate-limit, in the \"one early 429\" scenario")
	beforeRef := flag.String("before-ref", "aa16639", "git ref of the \"before\" provider of the \"one early 429\" scenario (0.3.0, whose first 429 cut the rate)")
	jobs := flag.Int("early-429-jobs", 3, "in the \"one early 429\" scenario: applies run at the same time against one rate-limited mock (0 or 1: none)")
	jobsN := flag.Int("early-429-jobs-n", 100, "roles each of the -early-429-jobs applies creates")
	jobsRate := flag.Float64("early-429-jobs-rate", 20, "the rate limit (requests per second) of the mock the -early-429-jobs applies share")
	targets := flag.String("targets", "", "run only these targets, comma-separated, of terraform_data,noop,noop_shaped,rockit (default: all)")
	beforeIsRef := flag.Bool("before-is-ref", false, "ours \"before\" (at -before-n) is the provider of -before-ref with its defaults, instead of this binary with -before-env=false")
	profile := flag.Int("profile", 0, "instead of the benchmark: one cycle of ours at this N with the provider in-process (reattach), CPU and allocation profiles per phase into <work>/profile")
	flag.Parse()

	root, err := os.Getwd()
	if err != nil {
		return err
	}
	workDir, err := filepath.Abs(*work)
	if err != nil {
		return err
	}
	resultsPath := filepath.Join(workDir, "results.json")

	if *early429 {
		o := bench.Early429Options{
			Options:   bench.Options{Root: root, Work: workDir, Repeats: *repeats, Parallelism: *parallelism, Log: os.Stderr},
			BeforeRef: *beforeRef, N: *early429N, SteadyN: *early429SteadyN, SteadyRate: *rateLimit,
			Jobs: *jobs, JobsN: *jobsN, JobsRate: *jobsRate,
		}
		if o.Terraform, err = terraformPath(); err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		rows, err := bench.RunEarly429(ctx, o)
		if err != nil {
			return err
		}
		return bench.WriteEarly429Section(*out, o, rows, *note)
	}

	if *profile > 0 {
		o := bench.Options{Root: root, Work: workDir, Parallelism: *parallelism, Log: os.Stderr}
		if *types != "" {
			o.Types = strings.Split(*types, ",")
		}
		if o.Terraform, err = terraformPath(); err != nil {
			return err
		}
		lat, err := parseDurations(*lats)
		if err != nil {
			return err
		}
		dir := filepath.Join(workDir, "profile")
		if err := bench.Profile(context.Background(), o, *profile, lat[0], dir); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "rockit-bench: profiles in %s (go tool pprof -top %s/cpu-refresh.pprof)\n", dir, dir)
		return nil
	}

	var res *bench.Results
	if *reportOnly {
		if res, err = bench.ReadResults(resultsPath); err != nil {
			return err
		}
	} else {
		o := bench.Options{Root: root, Work: workDir, Repeats: *repeats, Parallelism: *parallelism, BeforeEnv: *beforeEnv, Log: os.Stderr}
		if *phases != "" {
			o.Phases = strings.Split(*phases, ",")
		}
		if o.Ns, err = parseInts(*ns); err != nil {
			return err
		}
		if o.Latencies, err = parseDurations(*lats); err != nil {
			return err
		}
		if *rateLimit < 0 {
			return fmt.Errorf("-rate-limit: %v is negative", *rateLimit)
		}
		o.RateLimit, o.RateLimitRepeats, o.BeforeRepeats = *rateLimit, *rateLimitRepeats, *beforeRepeats
		if *rateLimitNs != "" {
			if o.RateLimitNs, err = parseInts(*rateLimitNs); err != nil {
				return err
			}
		}
		if *beforeNs != "" {
			if o.BeforeNs, err = parseInts(*beforeNs); err != nil {
				return err
			}
		}
		if *types != "" {
			o.Types = strings.Split(*types, ",")
		}
		if *targets != "" {
			o.Targets = strings.Split(*targets, ",")
			for _, t := range o.Targets {
				if !slices.Contains([]string{bench.TargetData, bench.TargetNoop, bench.TargetShaped, bench.TargetRockit}, t) {
					return fmt.Errorf("-targets: unknown target %q", t)
				}
			}
		}
		if *beforeIsRef {
			o.BeforeRef = *beforeRef
		}
		if o.Terraform, err = terraformPath(); err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		res, err = bench.Run(ctx, o)
		if res != nil {
			if werr := res.WriteJSON(resultsPath); werr != nil {
				return errors.Join(err, werr)
			}
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "rockit-bench: results in", resultsPath)
		if len(o.Phases) > 0 {
			fmt.Print(bench.Summary(res))
			return nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(*chart), 0o750); err != nil {
		return err
	}
	if err := bench.WriteChart(res, *chart); err != nil {
		return err
	}
	rel, err := filepath.Rel(filepath.Dir(*out), *chart)
	if err != nil {
		rel = *chart
	}
	if err := bench.WriteReport(res, *out, filepath.ToSlash(rel), *note); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "rockit-bench: wrote", *out, "and", *chart)
	return nil
}

// terraformPath is the CLI that scripts/with-terraform.sh chose, else terraform on PATH.
func terraformPath() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("no terraform CLI: run through ./scripts/with-terraform.sh (make bench)")
	}
	return filepath.Abs(p)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("-n: %q is not a positive count", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func parseDurations(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "0" {
			out = append(out, 0)
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("-latency: %q is not a duration", f)
		}
		out = append(out, d)
	}
	return out, nil
}
