// Command rockit-export writes Terraform configuration that brings an existing ROCKIT Edge
// organization under Terraform with any Terraform version from 1.5 on: an `import` block and
// a resource block for each role, user, machine user, deployment, app and event subscription
// (Terraform 1.14+ users can use `terraform query -generate-config-out` instead).
//
//	ROCKIT_ENDPOINT=https://edge.example.com ROCKIT_ORG=Acme ROCKIT_USERNAME=admin \
//	ROCKIT_PASSWORD=... rockit-export -out rockit.tf
//
// A type the user may not read (403) is left out with a comment at the top of the output and a
// warning; -write-only writes the deployments' secrets as write-only attributes; -types
// exports only the types named.
//
// -split-dir DIR writes one root module per type instead (DIR/role/main.tf, DIR/user/main.tf,
// ...), for an organization split into workspaces: each part has its own terraform and
// provider blocks, and reads the objects of other parts (a user's roles, an app's
// deployments) through data sources, so each part plans and applies on its own. -split-by
// prefix splits by team instead: by the prefix of the names (Games_Space: "games"), a user
// going with its roles, the rest in "shared".
//
// It reads the same environment variables as the provider (ROCKIT_ENDPOINT, ROCKIT_ORG,
// ROCKIT_USERNAME, ROCKIT_PASSWORD or ROCKIT_API_KEY, ROCKIT_CA_CERT_PEM, ...; the settings
// that are not secret also as flags, see internal/cliconfig) and only reads.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
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
	types := fs.String("types", "", "comma-separated types to export (default: all): "+strings.Join(export.TypeNames, ", "))
	splitDir := fs.String("split-dir", "", "write one root module per part into this directory (DIR/<part>/main.tf) instead of one file; "+
		"a reference to an object of another part becomes a data source")
	splitBy := fs.String("split-by", "type", "how -split-dir splits: "+strings.Join(export.SplitBy, ", "))
	settings := cliconfig.Register(fs, os.Getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (the options come as -name value)", fs.Arg(0))
	}
	opts := export.Options{WriteOnly: *writeOnly}
	if *types != "" {
		var err error
		if opts.Types, err = export.ParseTypes(*types); err != nil {
			return fmt.Errorf("-types: %w", err)
		}
	}
	if *splitDir != "" && *out != "" {
		return errors.New("-out and -split-dir exclude each other: -split-dir writes a main.tf into a directory per part")
	}
	if *splitDir == "" && !isFlagSet(fs, "split-by") {
		*splitBy = ""
	}
	if *splitBy != "" && !slices.Contains(export.SplitBy, *splitBy) {
		return fmt.Errorf("-split-by: unknown split %q; an export splits by %s", *splitBy, strings.Join(export.SplitBy, ", "))
	}
	if *splitBy != "" && *splitDir == "" {
		return errors.New("-split-by needs -split-dir, the directory the parts are written to")
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

	opts.Self = cfg.Username
	opts.Warn = func(msg string) { fmt.Fprintln(os.Stderr, "rockit-export: warning:", msg) }
	if *splitDir != "" {
		return writeSplit(ctx, c, opts, *splitBy, *splitDir, stdout)
	}
	var buf bytes.Buffer
	if err := export.Write(ctx, c, opts, &buf); err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	return writeNew(*out, buf.Bytes())
}

// writeSplit writes each part to dir/<part>/main.tf, none when any of them exists already,
// and lists the files on stdout.
func writeSplit(ctx context.Context, c *client.Client, opts export.Options, by, dir string, stdout io.Writer) error {
	parts, err := export.Split(ctx, c, opts, by)
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		return errors.New("nothing to export: the organization has no object of the types exported")
	}
	for _, p := range parts {
		if _, err := os.Stat(filepath.Join(dir, p.Name, "main.tf")); err == nil {
			return fmt.Errorf("%s exists already; nothing written (an export never overwrites)", filepath.Join(dir, p.Name, "main.tf"))
		}
	}
	for _, p := range parts {
		if err := os.MkdirAll(filepath.Join(dir, p.Name), 0o750); err != nil {
			return err
		}
		file := filepath.Join(dir, p.Name, "main.tf")
		if err := writeNew(file, p.Config); err != nil {
			return err
		}
		if _, err := fmt.Fprintln(stdout, file); err != nil {
			return err
		}
	}
	return nil
}

// writeNew writes data to a new file; an existing file is an error, never overwritten.
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}

// isFlagSet tells whether the command line set the flag name.
func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
