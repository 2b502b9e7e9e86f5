package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tfLogger sends the client's records to Terraform's log, with every configured secret
// masked in case one ever reaches a message or field.
type tfLogger struct {
	mu      sync.Mutex
	secrets []string
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
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l *tfLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
