package bench

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
)

// Targets of issue 6 and issue 13.
const (
	targetRefreshRPO   = 0.05 // issue 13: refresh at most this many requests per object
	targetLatencyRatio = 1.2  // issue 13: refresh and destroy at latency L within this of noop
	targetLimitedRatio = 2.0  // issue 13: refresh under the rate limit within this of refresh at 0 ms

	targetRatio    = 1.2       // time within 1.2x of the plugin floor (latency 0) or of the latency bound
	targetRSSBytes = 100 << 20 // provider peak RSS at the largest N
	connsHeadroom  = 2         // new connections per run at most parallelism + 2
	authTokenLifeS = 300       // the contract's auth token lifetime
)

// key selects the measurements of one target, scenario (latency or rate limit), N, phase and
// mode.
type key struct {
	target  string
	latency int64
	rate    float64
	n       int
	phase   string
	mode    string
}

// ak is the key of a target at a latency, without a rate limit, in ModeAfter (the floors have
// no mode: they are filed as after).
func ak(target string, latency int64, n int, phase string) key {
	return key{target: target, latency: latency, n: n, phase: phase, mode: ModeAfter}
}

// index groups the measurements by key.
func index(r *Results) map[key][]Measurement {
	out := map[key][]Measurement{}
	for _, m := range r.Measurements {
		k := key{target: m.Target, latency: m.LatencyMS, rate: m.RateLimit, n: m.N, phase: m.Phase, mode: m.Mode}
		if m.Target != TargetRockit {
			k.latency, k.rate = 0, 0
		}
		if k.mode == "" {
			k.mode = ModeAfter // results of before issue 13, and the floors
		}
		out[k] = append(out[k], m)
	}
	return out
}

// scenarioName names a scenario of ours: "0 ms", "20 ms", "25 req/s".
func scenarioName(latencyMS int64, rate float64) string {
	if rate > 0 {
		return fmt.Sprintf("%g req/s", rate)
	}
	return fmt.Sprintf("%d ms", latencyMS)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// medianSeconds is the median time of a key, NaN when not measured.
func medianSeconds(ix map[key][]Measurement, k key) float64 {
	var xs []float64
	for _, m := range ix[k] {
		xs = append(xs, m.Seconds)
	}
	return median(xs)
}

// medianCPU is the median CPU time of terraform and its providers for a key.
func medianCPU(ix map[key][]Measurement, k key) float64 {
	var xs []float64
	for _, m := range ix[k] {
		xs = append(xs, m.CPUTerraform)
	}
	return median(xs)
}

// objectsOf counts the objects each endpoint collection addresses at n, from the mix text.
func objectsOf(mix string) map[string]int {
	out := map[string]int{}
	for _, part := range strings.Split(mix, ", ") {
		var n int
		var typ string
		if _, err := fmt.Sscanf(part, "%d %s", &n, &typ); err != nil {
			continue
		}
		switch typ {
		case "rockit_role":
			out["roles"] += n
		case "rockit_user", "rockit_machine_user":
			out["users"] += n
		case "rockit_app":
			out["apps"] += n
		case "rockit_organization":
			out["orgs"] += n
		}
	}
	return out
}

// collection returns the collection an endpoint addresses ("roles" of "GET /be/v1/roles/{name}").
func collection(ep string) string {
	_, p, _ := strings.Cut(ep, " ")
	p = strings.TrimPrefix(p, "/be/v1/")
	p, _, _ = strings.Cut(p, "/")
	p, _, _ = strings.Cut(p, "?")
	return p
}

func fmtS(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", v)
}

func fmtX(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", v)
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// requestsPerObject is the median over repeats of (requests in the phase / N).
func requestsPerObject(ms []Measurement) float64 {
	var xs []float64
	for _, m := range ms {
		if m.N > 0 {
			xs = append(xs, float64(sum(m.Requests))/float64(m.N))
		}
	}
	return median(xs)
}

// WriteReport writes BENCHMARKS.md: the setup, the time tables, the targets at the largest N,
// the requests per object, authentication calls, connections and memory. A hand-written
// section that starts with "## Reading" in the existing file is kept.
func WriteReport(r *Results, path, chart, note string) error {
	ix := index(r)
	maxN := 0
	for _, n := range r.Ns {
		maxN = max(maxN, n)
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("# Benchmarks\n\n")
	w("How long Terraform takes with this provider, against the floor that Terraform itself sets. Made by `make bench` ")
	w("(`cmd/rockit-bench`, `internal/bench`); regenerate the report without measuring with ")
	w("`go run ./cmd/rockit-bench -report-only`. The default curve is N = 50, 200, 500; ")
	w("`make bench BENCH_N=50,200,500,2000` takes it to 2000 (and any larger N), at the cost of a much longer run.\n\n")
	w("![Time against N](%s)\n\n", chart)

	w("## Setup\n\n")
	w("- Run %s to %s (UTC), Terraform %s, %s, %d CPUs (%s); load average before %s, after %s.\n",
		r.Started.Format("2006-01-02 15:04"), r.Finished.Format("15:04"), r.Terraform, r.GoVersion, r.CPUs, r.CPUModel, r.LoadBefore, r.LoadAfter)
	if note != "" {
		w("- **%s**\n", note)
	}
	w("- Every phase is one terraform command, timed from start to exit: **create** = `apply` of N new objects, ")
	w("**refresh** = `plan` of the unchanged configuration (reads everything; must show no changes), ")
	w("**update** = `apply` with every tenth object changed in place (it refreshes all N first), ")
	w("**destroy** = `destroy` (refreshes all N, then deletes). `-parallelism=%d`. ", r.Parallelism)
	w("Each cycle of four phases was repeated %d times; tables show the median.\n", r.Repeats)
	w("- Providers are served with `dev_overrides` (no `terraform init`); terraform-exec drives the CLI.\n")
	w("- **Floor 1** `terraform_data`: N built-in resources, no plugin. **Floor 2** `noop`: N `noop_thing` resources of ")
	w("`internal/bench/noop`, a terraform-plugin-framework provider with one resource, no API calls and framework defaults: the ")
	w("plugin protocol cost and nothing else. **Floor 2b** `noop_shaped`: the same provider binary serving, for each of our ")
	w("resource types, a twin with the very same schema (attributes, validators, plan modifiers, defaults, sensitivity) that ")
	w("stores the plan and makes no API call, in the same mix as ours, with the SDK logs off as ours has them: what the width ")
	w("of our schemas costs in Terraform and the framework, without our client, authentication, HTTP and mapping. **Ours**: the rockit provider against `cmd/rockit-edge-mock` on loopback, ")
	w("logged in as the organization's administrator (password, session + auth token), at a mock latency of ")
	var lats []string
	for _, l := range r.LatenciesMS {
		lats = append(lats, fmt.Sprintf("%d ms", l))
	}
	w("%s per request.\n", strings.Join(lats, " and "))
	if r.RateLimit > 0 {
		w("- **Rate-limited scenario** (\"ours %s\"): ours against the mock limited to %g requests per second ", scenarioName(0, r.RateLimit), r.RateLimit)
		w("(beyond it `429` with `Retry-After`; latency 0), at N = %s, %s.\n", joinInts(r.RateLimitNs), repeatsText(r.RateLimitRepeats, r.Repeats))
	}
	if len(r.BeforeNs) > 0 {
		w("- **Before and after** (issue 13, collection reads): **after** is the provider as built, with its defaults; **before** is ")
		w("the same binary with `%s=false` in the provider's environment (the per-object reads), measured in the same run, ", EnvCollectionReads)
		w("for every scenario of ours at N = %s, %s. Every table shows **after** unless it says otherwise.\n", joinInts(r.BeforeNs), repeatsText(r.BeforeRepeats, r.Repeats))
	}
	w("- The mix of our objects, all in one organization:\n")
	for _, n := range unionInts(r.Ns, r.RateLimitNs) {
		w("  - N = %d: %s\n", n, r.Mix[n])
	}
	w("\n")

	// Time tables.
	w("## Time (median seconds)\n\n")
	w("| N | phase | terraform_data | noop | noop_shaped | ")
	for _, l := range r.LatenciesMS {
		w("ours %d ms | ", l)
	}
	if r.RateLimit > 0 {
		w("ours %s | ", scenarioName(0, r.RateLimit))
	}
	for _, l := range r.LatenciesMS {
		w("ours %d ms / terraform_data | ours %d ms / noop | ", l, l)
	}
	w("\n|---:|---|---:|---:|---:|")
	for range r.LatenciesMS {
		w("---:|---:|---:|")
	}
	if r.RateLimit > 0 {
		w("---:|")
	}
	w("\n")
	for _, n := range unionInts(r.Ns, r.RateLimitNs) {
		for _, ph := range Phases {
			data := medianSeconds(ix, ak(TargetData, 0, n, ph))
			noop := medianSeconds(ix, ak(TargetNoop, 0, n, ph))
			shaped := medianSeconds(ix, ak(TargetShaped, 0, n, ph))
			w("| %d | %s | %s | %s | %s | ", n, ph, fmtS(data), fmtS(noop), fmtS(shaped))
			for _, l := range r.LatenciesMS {
				w("%s | ", fmtS(medianSeconds(ix, ak(TargetRockit, l, n, ph))))
			}
			if r.RateLimit > 0 {
				w("%s | ", fmtS(medianSeconds(ix, rk(r.RateLimit, n, ph, ModeAfter))))
			}
			for _, l := range r.LatenciesMS {
				ours := medianSeconds(ix, ak(TargetRockit, l, n, ph))
				w("%s | %s | ", fmtX(ours/data), fmtX(ours/noop))
			}
			w("\n")
		}
	}
	w("\n")

	// Targets at the largest N.
	w("## Targets at N = %d\n\n", maxN)
	w("Time at latency 0: ours within %.1fx of the plugin floor (noop). Time at latency L: ours within %.1fx of ", targetRatio, targetRatio)
	w("the bound noop + N x requests-per-object x L / parallelism (requests per object as measured in that phase).\n\n")
	w("| phase | ours / terraform_data | ours / noop (0 ms) | target 0 ms | CPU ours / noop | ours / noop_shaped | CPU ours / noop_shaped |")
	for _, l := range r.LatenciesMS {
		if l > 0 {
			w(" ours %d ms | bound | ours / bound | target %d ms |", l, l)
		}
	}
	w("\n|---|---:|---:|---|---:|---:|---:|")
	for _, l := range r.LatenciesMS {
		if l > 0 {
			w("---:|---:|---:|---|")
		}
	}
	w("\n")
	for _, ph := range Phases {
		data := medianSeconds(ix, ak(TargetData, 0, maxN, ph))
		noop := medianSeconds(ix, ak(TargetNoop, 0, maxN, ph))
		ours0 := medianSeconds(ix, ak(TargetRockit, 0, maxN, ph))
		cpuRatio := medianCPU(ix, ak(TargetRockit, 0, maxN, ph)) / medianCPU(ix, ak(TargetNoop, 0, maxN, ph))
		shaped := medianSeconds(ix, ak(TargetShaped, 0, maxN, ph))
		cpuShaped := medianCPU(ix, ak(TargetRockit, 0, maxN, ph)) / medianCPU(ix, ak(TargetShaped, 0, maxN, ph))
		w("| %s | %s | %s | %s | %s | %s | %s |", ph, fmtX(ours0/data), fmtX(ours0/noop), mark(ours0/noop <= targetRatio),
			fmtX(cpuRatio), fmtX(ours0/shaped), fmtX(cpuShaped))
		for _, l := range r.LatenciesMS {
			if l == 0 {
				continue
			}
			k := ak(TargetRockit, l, maxN, ph)
			ours := medianSeconds(ix, k)
			rpo := requestsPerObject(ix[k])
			bound := noop + float64(maxN)*rpo*(float64(l)/1000)/float64(r.Parallelism)
			w(" %s | %s | %s | %s |", fmtS(ours), fmtS(bound), fmtX(ours/bound), mark(ours/bound <= targetRatio))
		}
		w("\n")
	}
	w("\n")

	writeIssue13(w, r, ix, maxN)

	// CPU time: less sensitive than wall time to other work on a shared machine.
	w("## CPU time at N = %d (median seconds, user + system)\n\n", maxN)
	w("Terraform and the provider processes it started, together (from the harness's rusage of its waited-for children), ")
	w("and the provider processes alone (from /proc, last reading before each exits). On a shared machine these move less ")
	w("than wall time. The mock's own CPU is not included.\n\n")
	w("| phase | terraform_data | noop: all | noop: provider | noop_shaped: all | noop_shaped: provider | ")
	for _, l := range r.LatenciesMS {
		w("ours %d ms: all | ours %d ms: provider | ", l, l)
	}
	w("ours 0 ms / noop (all) | ours 0 ms / noop (provider) | ours 0 ms / noop_shaped (all) | ours 0 ms / noop_shaped (provider) |\n|---|---:|---:|---:|---:|---:|")
	for range r.LatenciesMS {
		w("---:|---:|")
	}
	w("---:|---:|---:|---:|\n")
	cpu := func(k key, provider bool) float64 {
		var xs []float64
		for _, m := range ix[k] {
			if provider {
				xs = append(xs, m.CPUProvider)
			} else {
				xs = append(xs, m.CPUTerraform)
			}
		}
		return median(xs)
	}
	for _, ph := range Phases {
		nk := ak(TargetNoop, 0, maxN, ph)
		sk := ak(TargetShaped, 0, maxN, ph)
		w("| %s | %s | %s | %s | %s | %s | ", ph, fmtS(cpu(ak(TargetData, 0, maxN, ph), false)), fmtS(cpu(nk, false)), fmtS(cpu(nk, true)),
			fmtS(cpu(sk, false)), fmtS(cpu(sk, true)))
		for _, l := range r.LatenciesMS {
			k := ak(TargetRockit, l, maxN, ph)
			w("%s | %s | ", fmtS(cpu(k, false)), fmtS(cpu(k, true)))
		}
		k0 := ak(TargetRockit, 0, maxN, ph)
		w("%s | %s | %s | %s |\n", fmtX(cpu(k0, false)/cpu(nk, false)), fmtX(cpu(k0, true)/cpu(nk, true)),
			fmtX(cpu(k0, false)/cpu(sk, false)), fmtX(cpu(k0, true)/cpu(sk, true)))
	}
	w("\n")

	// Requests per object.
	w("## Requests per object\n\n")
	w("From the mock's request log, **after**, at N = %d and latency 0 (the counts are the same at every latency and in every repeat ", maxN)
	w("unless noted). \"per object\" divides by the objects of the endpoint's collection (users: users and machine users).\n\n")
	w("| phase | endpoint | requests | per object |\n|---|---|---:|---:|\n")
	objs := objectsOf(r.Mix[maxN])
	varies := false
	for _, ph := range Phases {
		ms := ix[ak(TargetRockit, 0, maxN, ph)]
		if len(ms) == 0 {
			continue
		}
		first := ms[0].Requests
		for _, m := range ix[ak(TargetRockit, 0, maxN, ph)][1:] {
			if fmt.Sprint(m.Requests) != fmt.Sprint(first) {
				varies = true
			}
		}
		eps := make([]string, 0, len(first))
		for ep := range first {
			eps = append(eps, ep)
		}
		sort.Strings(eps)
		if len(eps) == 0 {
			w("| %s | (none) | 0 | 0 |\n", ph)
		}
		for _, ep := range eps {
			per := "n/a"
			if n := objs[collection(ep)]; n > 0 {
				per = fmt.Sprintf("%.2f", float64(first[ep])/float64(n))
			}
			w("| %s | `%s` | %d | %s |\n", ph, ep, first[ep], per)
		}
		w("| %s | **all (per N)** | %d | %.2f |\n", ph, sum(first), float64(sum(first))/float64(maxN))
	}
	if varies {
		w("\nThe counts differed between repeats; the table shows the first repeat.\n")
	}
	w("\n")

	// Auth, connections, errors per run.
	w("## Authentication and connections per run\n\n")
	w("Each phase is one terraform run. Target as the issue states it: at most 1 login and ceil(run time / %d s) + 1 ", authTokenLifeS)
	w("auth-token requests; new TCP connections at most parallelism + %d = %d. ", connsHeadroom, r.Parallelism+connsHeadroom)
	w("But `apply` and `destroy` run two walks, plan then apply, and Terraform starts a fresh provider process for each ")
	w("(\"provider processes\" counts them, the schema-only ones included), so the column \"per walk\" checks the same ")
	w("limits for each of the walks that made requests (refresh: 1, the others: 2; create's plan walk makes none). ")
	w("Maximum over repeats.\n\n")
	w("| latency | N | phase | logins | auth tokens | new connections | error answers | provider processes | per run | per walk |\n")
	w("|---:|---:|---|---:|---:|---:|---:|---:|---|---|\n")
	for _, l := range r.LatenciesMS {
		for _, n := range r.Ns {
			for _, ph := range Phases {
				ms := ix[ak(TargetRockit, l, n, ph)]
				if len(ms) == 0 {
					continue
				}
				var logins, auths, errs, procs int
				var conns int64
				var secs float64
				for _, m := range ms {
					logins, auths, errs = max(logins, m.Logins), max(auths, m.Renewals), max(errs, m.Errors)
					conns, procs, secs = max(conns, m.Conns), max(procs, m.Processes), max(secs, m.Seconds)
				}
				walks := 2
				switch ph {
				case "refresh":
					walks = 1
				case "create":
					walks = 1 // the plan walk of new objects makes no request
				}
				renewals := int(math.Ceil(secs/authTokenLifeS)) + 1
				okRun := logins <= 1 && auths <= renewals && conns <= int64(r.Parallelism+connsHeadroom) && errs == 0
				okWalk := logins <= walks && auths <= walks*renewals && conns <= int64(walks*(r.Parallelism+connsHeadroom)) && errs == 0
				p := "-"
				if procs > 0 {
					p = fmt.Sprint(procs)
				}
				w("| %d ms | %d | %s | %d | %d | %d | %d | %s | %s | %s |\n", l, n, ph, logins, auths, conns, errs, p, mark(okRun), mark(okWalk))
			}
		}
	}
	w("\n")

	// Memory.
	w("## Memory at N = %d\n\n", maxN)
	w("Peak RSS (VmHWM) of the provider processes terraform started, the highest of any process in the phase, median over repeats. ")
	w("Target: ours under %d MiB.\n\n", targetRSSBytes>>20)
	w("| phase | noop | noop_shaped | ")
	for _, l := range r.LatenciesMS {
		w("ours %d ms | ", l)
	}
	w("target |\n|---|---:|---:|")
	for range r.LatenciesMS {
		w("---:|")
	}
	w("---|\n")
	for _, ph := range Phases {
		rss := func(k key) (float64, bool) {
			var xs []float64
			for _, m := range ix[k] {
				if m.PeakRSS > 0 {
					xs = append(xs, float64(m.PeakRSS)/(1<<20))
				}
			}
			v := median(xs)
			return v, !math.IsNaN(v)
		}
		nv, _ := rss(ak(TargetNoop, 0, maxN, ph))
		sv, _ := rss(ak(TargetShaped, 0, maxN, ph))
		w("| %s | %s MiB | %s MiB | ", ph, fmtS(nv), fmtS(sv))
		ok := true
		for _, l := range r.LatenciesMS {
			v, has := rss(ak(TargetRockit, l, maxN, ph))
			if has && v*(1<<20) >= targetRSSBytes {
				ok = false
			}
			w("%s MiB | ", fmtS(v))
		}
		w("%s |\n", mark(ok))
	}
	w("\n")

	w("Raw measurements: `.bench/results.json` of the run (not committed).\n\n")
	reading := keptReading(path)
	if reading == "" {
		reading = "## Reading\n\n(To be written after a measured run.)\n"
	}
	b.WriteString(reading)
	return os.WriteFile(path, []byte(b.String()), 0o644) //nolint:gosec // a committed document, readable by all
}

// rk is the key of ours in the rate-limited scenario.
func rk(rate float64, n int, phase, mode string) key {
	return key{target: TargetRockit, rate: rate, n: n, phase: phase, mode: mode}
}

// scenario is one setting of the mock for ours: a latency, or the rate limit.
type scenario struct {
	latency int64
	rate    float64
}

func (s scenario) key(n int, phase, mode string) key {
	return key{target: TargetRockit, latency: s.latency, rate: s.rate, n: n, phase: phase, mode: mode}
}

func (s scenario) String() string { return scenarioName(s.latency, s.rate) }

// scenarios are ours' settings of a run: the latencies, then the rate limit.
func scenarios(r *Results) []scenario {
	var out []scenario
	for _, l := range r.LatenciesMS {
		out = append(out, scenario{latency: l})
	}
	if r.RateLimit > 0 {
		out = append(out, scenario{rate: r.RateLimit})
	}
	return out
}

// rateLimited is the median over repeats of the 429 answers in a phase.
func rateLimited(ms []Measurement) float64 {
	var xs []float64
	for _, m := range ms {
		xs = append(xs, float64(m.RateLimited))
	}
	return median(xs)
}

// writeIssue13 writes the targets of issue 13 at n (after, with before beside it where it was
// measured) and the requests per object per phase before and after.
func writeIssue13(w func(string, ...any), r *Results, ix map[key][]Measurement, n int) {
	w("## Targets of issue 13 at N = %d (collection reads, rate limit)\n\n", n)
	w("Refresh (`plan`) at most %.2f requests per object (login and auth tokens not counted) in every scenario; ", targetRefreshRPO)
	w("at latency L > 0 refresh and destroy within %.1fx of the no-op provider (noop); ", targetLatencyRatio)
	if r.RateLimit > 0 {
		w("under the rate limit, refresh within %.0fx of refresh without it (0 ms). ", targetLimitedRatio)
	}
	w("The result is judged on **after**; **before** (`%s=false`) is shown where it was measured.\n\n", EnvCollectionReads)
	w("| target | after | before | goal | result |\n|---|---:|---:|---:|---|\n")
	rpo := func(k key) float64 { return requestsPerObject(ix[k]) }
	for _, sc := range scenarios(r) {
		after, before := rpo(sc.key(n, "refresh", ModeAfter)), rpo(sc.key(n, "refresh", ModeBefore))
		w("| refresh, requests per object, %s | %s | %s | <= %.2f | %s |\n", sc, fmtRPO(after), fmtRPO(before), targetRefreshRPO, markNaN(after, after <= targetRefreshRPO))
	}
	for _, sc := range scenarios(r) {
		if sc.rate > 0 || sc.latency == 0 {
			continue
		}
		for _, ph := range []string{"refresh", "destroy"} {
			noop := medianSeconds(ix, ak(TargetNoop, 0, n, ph))
			after := medianSeconds(ix, sc.key(n, ph, ModeAfter)) / noop
			before := medianSeconds(ix, sc.key(n, ph, ModeBefore)) / noop
			w("| %s time at %s / noop | %s | %s | <= %.1fx | %s |\n", ph, sc, fmtX(after), fmtX(before), targetLatencyRatio, markNaN(after, after <= targetLatencyRatio))
		}
	}
	if r.RateLimit > 0 {
		lim := scenario{rate: r.RateLimit}
		free := scenario{}
		after := medianSeconds(ix, lim.key(n, "refresh", ModeAfter)) / medianSeconds(ix, free.key(n, "refresh", ModeAfter))
		before := medianSeconds(ix, lim.key(n, "refresh", ModeBefore)) / medianSeconds(ix, free.key(n, "refresh", ModeBefore))
		w("| refresh time at %s / refresh time at 0 ms | %s | %s | <= %.0fx | %s |\n", lim, fmtX(after), fmtX(before), targetLimitedRatio, markNaN(after, after <= targetLimitedRatio))
	}
	w("\n")

	w("## Requests per object per phase, before and after\n\n")
	w("All requests of the phase (logins and auth tokens not counted, refused ones counted) divided by N, median over the ")
	w("repeats that ran the mode; **before** = `%s=false` in the provider's environment, **after** = the default; ", EnvCollectionReads)
	w("same run, same binary. 429s: answers `429 Too Many Requests` in the phase (only the rate-limited scenario has any).\n\n")
	w("| scenario | N | phase | requests / object before | requests / object after | seconds before | seconds after | 429s before | 429s after |\n")
	w("|---|---:|---|---:|---:|---:|---:|---:|---:|\n")
	for _, sc := range scenarios(r) {
		ns := r.Ns
		if sc.rate > 0 {
			ns = r.RateLimitNs
		}
		for _, nn := range ns {
			if nn != n && !slices.Contains(r.BeforeNs, nn) {
				continue // the N where before ran, and the largest
			}
			for _, ph := range Phases {
				kb, ka := sc.key(nn, ph, ModeBefore), sc.key(nn, ph, ModeAfter)
				w("| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", sc, nn, ph, fmtRPO(rpo(kb)), fmtRPO(rpo(ka)),
					fmtS(medianSeconds(ix, kb)), fmtS(medianSeconds(ix, ka)), fmtN(rateLimited(ix[kb])), fmtN(rateLimited(ix[ka])))
			}
		}
	}
	w("\n")
}

func fmtRPO(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", v)
}

func fmtN(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%g", v)
}

// markNaN is mark(ok), or "not measured" when v is NaN.
func markNaN(v float64, ok bool) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "not measured"
	}
	return mark(ok)
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}

// repeatsText says how often a scenario or mode ran, e.g. "1 repeat (its times are of that
// one cycle)".
func repeatsText(n, of int) string {
	switch {
	case n <= 1:
		return "1 repeat (its times are of that one cycle, not a median)"
	case n == of:
		return fmt.Sprintf("%d repeats like the rest", n)
	}
	return fmt.Sprintf("%d repeats (median)", n)
}

// keptReading returns the "## Reading" section (to the end) of an existing report, or "".
func keptReading(path string) string {
	old, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s := string(old)
	i := strings.Index(s, "\n## Reading")
	if i < 0 {
		return ""
	}
	return s[i+1:]
}

// Summary is a table of the medians of every target, scenario, mode and phase measured: the
// report of a run restricted to some phases (Options.Phases), which leaves BENCHMARKS.md alone.
func Summary(res *Results) string {
	ix := map[key][]Measurement{}
	var keys []key
	for _, m := range res.Measurements {
		k := key{target: m.Target, latency: m.LatencyMS, rate: m.RateLimit, n: m.N, phase: m.Phase, mode: m.Mode}
		if _, seen := ix[k]; !seen {
			keys = append(keys, k)
		}
		ix[k] = append(ix[k], m)
	}
	var b strings.Builder
	if res.BeforeRef != "" {
		fmt.Fprintf(&b, "mode \"before\" is the provider of %s\n\n", res.BeforeRef)
	}
	b.WriteString("| target | scenario | mode | N | phase | runs | median s | median CPU s | median provider CPU s | provider CPU ms / object | max peak RSS MB | median requests |\n" +
		"|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, k := range keys {
		var reqs, prov []float64
		var rss int64
		for _, m := range ix[k] {
			reqs = append(reqs, float64(sum(m.Requests)))
			prov = append(prov, m.CPUProvider)
			rss = max(rss, m.PeakRSS)
		}
		scenario := "-"
		if k.target == TargetRockit {
			scenario = scenarioName(k.latency, k.rate)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %s | %d | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f |\n", k.target, scenario, cmp.Or(k.mode, "-"), k.n, k.phase,
			len(ix[k]), medianSeconds(ix, k), medianCPU(ix, k), median(prov), 1000*median(prov)/float64(k.n), float64(rss)/(1<<20), median(reqs))
	}
	return b.String()
}
