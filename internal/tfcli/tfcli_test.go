package tfcli

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// fakeCLI writes a shell script that prints what the given CLI prints for `version` and
// `version -json`.
func fakeCLI(t *testing.T, text, version string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("a shell script stands in for the CLI")
	}
	p := filepath.Join(t.TempDir(), "cli")
	script := "#!/bin/sh\nif [ \"$2\" = -json ]; then echo '{\"terraform_version\": \"" + version + "\", \"platform\": \"linux_amd64\"}'; else printf '%s\\non linux_amd64\\n' '" + text + "'; fi\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// Terraform and OpenTofu are told apart by the text output, and compared by the JSON version:
// a test gated on 1.11 runs under OpenTofu 1.12.6 (a pattern on "Terraform v" skipped it).
func TestDetectAndAtLeastUnderBothCLIs(t *testing.T) {
	for _, c := range []struct {
		text, version string
		tofu          bool
		at111, at114  bool
	}{
		{"Terraform v1.11.4", "1.11.4", false, true, false},
		{"OpenTofu v1.12.6", "1.12.6", true, true, false},
		{"Terraform v1.10.5", "1.10.5", false, false, false},
		{"Terraform v1.14.0-rc1", "1.14.0-rc1", false, true, true},
		{"Terraform v1.8.5", "1.8.5", false, false, false},
	} {
		cli, err := Detect(fakeCLI(t, c.text, c.version))
		if err != nil {
			t.Fatal(err)
		}
		if cli.OpenTofu != c.tofu || cli.Version != c.version {
			t.Errorf("%s: detected %+v", c.text, cli)
		}
		if cli.AtLeast("1.11") != c.at111 || cli.AtLeast("1.14") != c.at114 {
			t.Errorf("%s: AtLeast(1.11) = %t, AtLeast(1.14) = %t", c.text, cli.AtLeast("1.11"), cli.AtLeast("1.14"))
		}
	}
	if (CLI{Version: "not a version"}).AtLeast("1.0") {
		t.Error("a version that does not parse is new enough")
	}
}
