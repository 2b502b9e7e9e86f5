// Command rockit-export writes Terraform configuration that brings an existing ROCKIT Edge
// organization under Terraform with any Terraform version from 1.5 on: an `import` block and
// a resource block for each role, user, machine user, deployment, app and event subscription
// (Terraform 1.14+ users can use `terraform query -generate-config-out` instead).
//
//	ROCKIT_ENDPOINT=https://edge.example.com ROCKIT_ORG=Acme ROCKIT_USERNAME=admin \
//	ROCKIT_PASSWORD=... rockit-export -out rockit.tf
//
// A type the user may not read (403) is left out with a comment at the top of the output and a
// warning; -write-only writes the deployments' secrets as write-only attributes.
//
// It reads the same environment variables as the provider (ROCKIT_ENDPOINT, ROCKIT_ORG,
// ROCKIT_USERNAME, ROCKIT_PASSWORD or ROCKIT_API_KEY, ROCKIT_CA_CERT_PEM, ...; the settings
// that are not secret also as flags, see internal/cliconfig) and only reads.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/cliconfig"
	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/export"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rockit-export:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rockit-export", flag.ContinueOnError)
	out := fs.String("out", "", "file to write the configuration to (default: standard output); an existing file is not overwritten")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long the whole export may take")
	writeOnly := fs.Bool("write-only", false, "write the deployments' secrets as the write-only attributes secret_access_key_wo / key_wo "+
		"(Terraform 1.11+, never kept in state) instead of secret_access_key / key")
	settings := cliconfig.Register(fs, os.Getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := settings.Config("rockit-export")
	if err != nil {
		return err
	}
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	var buf bytes.Buffer
	warn := func(msg string) { fmt.Fprintln(os.Stderr, "rockit-export: warning:", msg) }
	if err := export.Write(ctx, c, export.Options{Self: cfg.Username, WriteOnly: *writeOnly, Warn: warn}, &buf); err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}
