// Command rockit-doctor checks a ROCKIT Edge host against the points of the API contract that
// the provider assumes where ROCKITPLAY's documentation is silent, before the first apply:
// reachability and TLS, the authentication generation and the login, the credential's
// effective permissions, each type's list envelope, total, paging, order and shape against its
// single read, the created/updated timestamps, the server's clock and rate-limit answers.
//
//	ROCKIT_ENDPOINT=https://edge.example.com ROCKIT_ORG=Acme ROCKIT_USERNAME=admin \
//	ROCKIT_PASSWORD=... rockit-doctor
//
// Each check prints ok, warn or fail; a warn or fail says what the provider will do about it.
// -json prints {"checks":[{"name","status","detail","consequence"}]}. It reads the provider's
// settings (internal/cliconfig), logs in once and only reads: the transport refuses any write
// unless -write, which runs a scratch round trip on a role of its own (create, read, update,
// a duplicate create, a delete while held, delete) and removes what it made, even on Ctrl-C.
// It never prints a secret.
//
// Exit status: 0 when no check fails, 1 when one fails, 2 for a usage error or a refused
// credential.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/cliconfig"
	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsageOrCred = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// hooks let tests step into a run; nil in the command.
type hooks struct {
	// afterWriteStep is called after each step of -write, with the step's name.
	afterWriteStep func(step string)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, getenv, stdout, stderr, hooks{})
}

func runWith(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, h hooks) int {
	complain := func(err error) int {
		_, _ = fmt.Fprintln(stderr, "rockit-doctor:", err)
		return exitUsageOrCred
	}
	fs := flag.NewFlagSet("rockit-doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	settings := cliconfig.Register(fs, getenv)
	asJSON := fs.Bool("json", false, `print {"checks":[{"name","status","detail","consequence"}]} instead of lines`)
	write := fs.Bool("write", false, "also run a scratch round trip on a role of its own (create, read, update, duplicate create, "+
		"delete while held, delete) under a unique name prefix, and remove what it made")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long the whole run may take")
	if err := fs.Parse(args); err != nil {
		return exitUsageOrCred
	}
	if fs.NArg() > 0 {
		return complain(fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	cfg, err := settings.Config("rockit-doctor")
	if err != nil {
		return complain(err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	d, err := newDoctor(cfg, *write, h)
	if err != nil {
		return complain(err)
	}
	code := d.run(ctx)
	if err := printChecks(stdout, d.checks, *asJSON); err != nil {
		complain(err)
		return exitFailed
	}
	return code
}

// Check is one line of the report.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"` // ok, warn or fail
	Detail string `json:"detail"`
	// Consequence is what the provider will do about a warn or a fail ("" when ok).
	Consequence string `json:"consequence"`
}

// Statuses of a Check.
const (
	statusOK   = "ok"
	statusWarn = "warn"
	statusFail = "fail"
)

// printChecks writes the report: one line per check (and its consequence, indented) with a
// summary, or the JSON document.
func printChecks(w io.Writer, checks []Check, asJSON bool) error {
	if asJSON {
		if checks == nil {
			checks = []Check{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Checks []Check `json:"checks"`
		}{checks})
	}
	counts := map[string]int{}
	for _, c := range checks {
		counts[c.Status]++
		if _, err := fmt.Fprintf(w, "%-4s  %s: %s\n", c.Status, c.Name, c.Detail); err != nil {
			return err
		}
		if c.Consequence != "" {
			if _, err := fmt.Fprintf(w, "      -> %s\n", c.Consequence); err != nil {
				return err
			}
		}
	}
	_, err := fmt.Fprintf(w, "%d checks: %d ok, %d warn, %d fail\n", len(checks), counts[statusOK], counts[statusWarn], counts[statusFail])
	return err
}

// newDoctor makes the client of cfg with the observing transport (observe.go) around its own.
func newDoctor(cfg client.Config, write bool, h hooks) (*doctor, error) {
	c, err := client.New(cfg)
	if err != nil {
		return nil, err
	}
	hc := c.HTTPClient()
	obs := &observer{next: hc.Transport, allowWrites: write, now: time.Now}
	hc.Transport = obs
	return &doctor{c: c, cfg: cfg, obs: obs, write: write, hooks: h}, nil
}
