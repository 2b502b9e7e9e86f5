package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tfLogger sends the client's records to Terraform's log, with every configured secret
// masked in case one ever reaches a message or field.
type tfLogger struct {
	secrets []string
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
	if len(l.secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	return tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
}

func (l *tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l *tfLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
