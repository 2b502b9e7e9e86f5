// Package cliconfig reads the settings of the command-line tools (rockit-export,
// rockit-doctor) as the provider reads them: the same ROCKIT_* environment variables, with
// flags for the settings that are not secret. Secrets (ROCKIT_PASSWORD, ROCKIT_API_KEY,
// ROCKIT_ADMIN_TOKEN) come from the environment only, never from a flag, which other users of
// the machine could read in the process list.
package cliconfig

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// The environment variables, as the provider's (internal/provider/provider.go).
const (
	EnvEndpoint       = "ROCKIT_ENDPOINT"
	EnvOrgName        = "ROCKIT_ORG"
	EnvUsername       = "ROCKIT_USERNAME"
	EnvPassword       = "ROCKIT_PASSWORD"
	EnvAPIKey         = "ROCKIT_API_KEY"
	EnvAdminToken     = "ROCKIT_ADMIN_TOKEN"
	EnvCACertPEM      = "ROCKIT_CA_CERT_PEM"
	EnvInsecure       = "ROCKIT_INSECURE_SKIP_VERIFY"
	EnvAuthScheme     = "ROCKIT_AUTH_SCHEME"
	EnvRequestTimeout = "ROCKIT_REQUEST_TIMEOUT"
)

// Settings are the flags registered on a FlagSet, each defaulting to its variable.
type Settings struct {
	getenv                              func(string) string
	endpoint, org, username, authScheme *string
	insecure, timeout                   *string
}

// Register adds -endpoint, -org, -username, -auth-scheme, -insecure-skip-verify and
// -request-timeout to fs, each defaulting to its ROCKIT_* variable read with getenv
// (os.Getenv, or a map in tests).
func Register(fs *flag.FlagSet, getenv func(string) string) *Settings {
	flagOf := func(name, env, usage string) *string {
		return fs.String(name, getenv(env), usage+" (default $"+env+")")
	}
	return &Settings{
		getenv:     getenv,
		endpoint:   flagOf("endpoint", EnvEndpoint, "base URL of the ROCKIT Edge host, e.g. https://edge.example.com"),
		org:        flagOf("org", EnvOrgName, "organization the credentials act in"),
		username:   flagOf("username", EnvUsername, "backend user or machine user; its secret is $"+EnvPassword+" or $"+EnvAPIKey),
		authScheme: flagOf("auth-scheme", EnvAuthScheme, "login flow of a password: auto, 2025 or 2026 (empty: auto)"),
		insecure:   flagOf("insecure-skip-verify", EnvInsecure, "true: do not verify the host's TLS certificate (test hosts only)"),
		timeout:    flagOf("request-timeout", EnvRequestTimeout, "how long one HTTP attempt may take, e.g. 30s"),
	}
}

// Config returns the client configuration of the org-scoped credentials: the endpoint, the
// organization, the username and exactly one of ROCKIT_PASSWORD and ROCKIT_API_KEY are
// required; ROCKIT_ADMIN_TOKEN and ROCKIT_CA_CERT_PEM are read when set. Its errors name the
// flag or variable and the rule (a usage error).
func (s *Settings) Config(userAgent string) (client.Config, error) {
	cfg := client.Config{
		Endpoint:   strings.TrimSpace(*s.endpoint),
		OrgName:    *s.org,
		Username:   *s.username,
		Password:   s.getenv(EnvPassword),
		APIKey:     s.getenv(EnvAPIKey),
		AdminToken: s.getenv(EnvAdminToken),
		CACertPEM:  s.getenv(EnvCACertPEM),
		AuthScheme: strings.TrimSpace(*s.authScheme),
		UserAgent:  userAgent,
		MaxRetries: -1,
	}
	if cfg.Endpoint == "" || cfg.OrgName == "" || cfg.Username == "" || (cfg.Password == "") == (cfg.APIKey == "") {
		return cfg, fmt.Errorf("set %s (-endpoint), %s (-org), %s (-username) and exactly one of %s and %s",
			EnvEndpoint, EnvOrgName, EnvUsername, EnvPassword, EnvAPIKey)
	}
	if raw := strings.TrimSpace(*s.insecure); raw != "" {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return cfg, fmt.Errorf("-insecure-skip-verify (or %s) must be true or false, got %q", EnvInsecure, raw)
		}
		cfg.InsecureSkipVerify = b
	}
	if raw := strings.TrimSpace(*s.timeout); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			return cfg, fmt.Errorf("-request-timeout (or %s) must be a positive duration such as 30s, got %q", EnvRequestTimeout, raw)
		}
		cfg.Timeout = d
	}
	if _, err := client.ParseEndpoint(cfg.Endpoint); err != nil {
		return cfg, fmt.Errorf("-endpoint (or %s) %q: %w", EnvEndpoint, cfg.Endpoint, err)
	}
	return cfg, nil
}
