// Package tfcli tells the tests which CLI runs them: Terraform or OpenTofu, and its version.
// The acceptance and end-to-end tests run under both (scripts/with-terraform.sh, ROCKIT_TF);
// a few of them differ by CLI (OpenTofu's log lines, the registry host it gives
// "rockitplay/rockit", features OpenTofu does not have).
package tfcli

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/hashicorp/go-version"
)

// CLI is one terraform or tofu binary.
type CLI struct {
	Path     string
	OpenTofu bool
	Version  string // "1.13.3"
}

// Name is "OpenTofu" or "Terraform", as the CLI names itself.
func (c CLI) Name() string {
	if c.OpenTofu {
		return "OpenTofu"
	}
	return "Terraform"
}

// AtLeast says whether the CLI's version is least ("1.11") or newer, Terraform and OpenTofu
// alike (their version numbers are compared as they are: both have write-only attributes from
// 1.11, identities from 1.12). A version that does not parse is not new enough.
func (c CLI) AtLeast(least string) bool {
	v, err := version.NewVersion(c.Version)
	if err != nil {
		return false
	}
	return v.Core().GreaterThanOrEqual(version.Must(version.NewVersion(least)))
}

// RegistryHost is the host the CLI gives a source address without one ("rockitplay/rockit").
func (c CLI) RegistryHost() string {
	if c.OpenTofu {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

var (
	mu    sync.Mutex
	known = map[string]CLI{}
)

// Detect runs `<path> version -json` once per path: OpenTofu says so in its platform-independent
// text output ("OpenTofu v1.12.6"), and both print "terraform_version" in JSON.
func Detect(path string) (CLI, error) {
	mu.Lock()
	defer mu.Unlock()
	if c, ok := known[path]; ok {
		return c, nil
	}
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		return CLI{}, fmt.Errorf("%s version -json: %w", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return CLI{}, fmt.Errorf("%s version -json: %w", path, err)
	}
	text, err := exec.Command(path, "version").Output()
	if err != nil {
		return CLI{}, fmt.Errorf("%s version: %w", path, err)
	}
	c := CLI{Path: path, Version: v.Version, OpenTofu: strings.HasPrefix(string(text), "OpenTofu")}
	known[path] = c
	return c, nil
}
