package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
	"github.com/rockitplay/terraform-provider-rockit/internal/schemajson"
)

// The docs are rendered from the schema file that internal/schemajson writes from the provider
// server (cmd/rockit-schema), not from `terraform providers schema -json`. This test proves that
// file says what Terraform itself says, for every part that the CLI here prints; what only
// Terraform 1.12+ prints (identity, list resources, actions) comes from the same code paths.
func TestSchemaJSONMatchesTerraformProvidersSchema_TF111(t *testing.T) {
	tf := terraformCLI(t)
	v := terraformVersion(t, tf)
	if v < 11 {
		t.Skipf("terraform 1.%d: the comparison needs 1.11+, which prints write-only attributes and ephemeral resources", v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	w := newWorkDir(t, tf, buildPlugin(t))
	w.write("main.tf", "terraform {\n  required_providers {\n    rockit = { source = \"rockitplay/rockit\" }\n  }\n}\n")
	// The JSON is stdout alone; stderr (the dev_overrides warning) stays in the buffer.
	cmd, stderr := w.command(ctx, "", "providers", "schema", "-json")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform providers schema -json: %v\n%s", err, stderr)
	}
	cliOut := stdout.Bytes()

	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := schemajson.Generate(ctx, server, "rockit")
	if err != nil {
		t.Fatal(err)
	}

	var cli, gen struct {
		FormatVersion string                    `json:"format_version"`
		Schemas       map[string]map[string]any `json:"provider_schemas"`
	}
	if err := json.Unmarshal(cliOut, &cli); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(ours, &gen); err != nil {
		t.Fatal(err)
	}
	if cli.FormatVersion != gen.FormatVersion {
		t.Errorf("format_version: terraform %q, ours %q", cli.FormatVersion, gen.FormatVersion)
	}
	c := detectCLI(t, tf)
	want := cli.Schemas[c.RegistryHost()+"/rockitplay/rockit"]
	got := gen.Schemas["rockit"]
	if want == nil || got == nil {
		t.Fatalf("provider schema missing: %s has %d providers, ours %d", c.Name(), len(cli.Schemas), len(gen.Schemas))
	}
	// What this CLI does not print yet: identities before 1.12 (Terraform and OpenTofu alike),
	// list resources and actions before Terraform 1.14 and in OpenTofu (1.12 has neither).
	// What it prints is compared.
	for key, since := range map[string]int{"resource_identity_schemas": 12, "list_resource_schemas": 14, "action_schemas": 14} {
		if v < since || (c.OpenTofu && key != "resource_identity_schemas") {
			delete(got, key)
		}
	}
	for key := range union(want, got) {
		if !reflect.DeepEqual(want[key], got[key]) {
			w, _ := json.MarshalIndent(want[key], "", " ")
			g, _ := json.MarshalIndent(got[key], "", " ")
			t.Errorf("%s differs from terraform providers schema -json:\nterraform: %.2000s\nours:      %.2000s", key, w, g)
		}
	}
	must := []string{"provider", "resource_schemas", "data_source_schemas"}
	if v >= 12 {
		must = append(must, "resource_identity_schemas")
	}
	for _, key := range must {
		if want[key] == nil {
			t.Errorf("terraform printed no %s: the comparison compared nothing", key)
		}
	}
}

func union(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// terraformVersion returns the minor version of a 1.x terraform binary.
func terraformVersion(t *testing.T, tf string) int {
	t.Helper()
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(v.Version, ".")
	if len(parts) < 2 || parts[0] != "1" {
		t.Fatalf("unexpected terraform version %q", v.Version)
	}
	minor := 0
	for _, c := range parts[1] {
		minor = minor*10 + int(c-'0')
	}
	return minor
}
