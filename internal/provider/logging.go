package provider

import (
	"context"
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tfLogger sends the client's records to Terraform's log, with every configured secret
// masked in case one ever reaches a message or field.
//
// Logging costs nothing when its level is off (issue 29): masking builds two contexts (copies
// of terraform-plugin-log's options) per record, about 15% of the provider's allocations in a
// large apply, even when the logger then drops the record. So a record below the provider's
// level, known once from TF_LOG_PROVIDER_ROCKIT (main.go sets it to "off" when Terraform
// discards provider logs), returns before anything is built.
type tfLogger struct {
	mu      sync.Mutex
	secrets []string
	// debugOff, warnOff: the provider's log level drops these records.
	debugOff, warnOff bool
}

// envProviderLogLevel names the level of this provider's logger as terraform-plugin-log reads it for
// a provider named rockit; "" when it is not set (then nothing is skipped here).
const envProviderLogLevel = "TF_LOG_PROVIDER_ROCKIT"

// dropsLevels reports which of the client's levels the provider's log level drops.
func dropsLevels() (debugOff, warnOff bool) {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(envProviderLogLevel))) {
	case "off", "error":
		return true, true
	case "warn", "info":
		return true, false
	}
	return false, false
}

// AddSecret masks a secret the client obtained at run time (a session or auth token) from
// here on; see client.SecretMasker.
func (l *tfLogger) AddSecret(s string) {
	if s == "" {
		return
	}
	l.mu.Lock()
	l.secrets = append(l.secrets, s)
	l.mu.Unlock()
}

func newTFLogger(secrets ...string) *tfLogger {
	l := &tfLogger{}
	l.debugOff, l.warnOff = dropsLevels()
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
	return l
}

func (l *tfLogger) mask(ctx context.Context) context.Context {
	l.mu.Lock()
	secrets := append([]string(nil), l.secrets...)
	l.mu.Unlock()
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	return tflog.MaskAllFieldValuesStrings(ctx, secrets...)
}

func (l *tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	if l.debugOff {
		return
	}
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l *tfLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	if l.warnOff {
		return
	}
	tflog.Warn(l.mask(ctx), msg, fields)
}
