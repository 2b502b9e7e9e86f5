package provider

import (
	"context"
	"testing"
)

// Logging costs nothing when its level is off (issue 29 item 1): with the provider's level
// "off" (what main.go sets when Terraform discards provider logs) a client log record
// allocates nothing, where masking the configured secrets used to build two contexts per
// record; at "warn" only debug records are free; with no level set every record is masked.
func TestClientLogRecordsCostNothingBelowTheLevel(t *testing.T) {
	ctx := context.Background()
	fields := map[string]any{"path": "/be/v1/roles"}
	allocs := func(level string, log func(l *tfLogger)) float64 {
		t.Setenv(envProviderLogLevel, level)
		l := newTFLogger("admin-token", "password")
		return testing.AllocsPerRun(200, func() { log(l) })
	}
	debug := func(l *tfLogger) { l.Debug(ctx, "request", fields) }
	warn := func(l *tfLogger) { l.Warn(ctx, "retrying", fields) }
	for _, c := range []struct {
		level       string
		debug, warn bool // whether the record is built (allocates)
	}{
		{"off", false, false},
		{"OFF", false, false},
		{"error", false, false},
		{"warn", false, true},
		{"debug", true, true},
		{"", true, true},
	} {
		if got := allocs(c.level, debug) > 0; got != c.debug {
			t.Errorf("level %q: a debug record allocates = %v, want %v", c.level, got, c.debug)
		}
		if got := allocs(c.level, warn) > 0; got != c.warn {
			t.Errorf("level %q: a warn record allocates = %v, want %v", c.level, got, c.warn)
		}
	}
}
