package export

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// seedTeams seeds roles, a user and a machine user holding them, a deployment and an app
// published to it, and a subscription: every reference the export writes.
func seedTeams(m *mockserver.Server, _ *client.Client) {
	m.SeedRole("Acme", "Developers", map[string]int{"apps": 6, "tasks": 18})
	m.SeedRole("Acme", "Nobody", map[string]int{})
	m.SeedUser("Acme", "alice", false, "Developers")
	m.SeedUser("Acme", "ci_bot", true, "Developers", "Administrators")
	m.SeedDeployment("Acme", "Origin[EU]")
	m.SeedApp("Acme", "Space_Game", "Space Game", 3, 2048, "Origin[EU]")
	m.SeedSubscription("Acme", "CI_Hook", "https://ci.example.com/rockit")
}

// split exports the organization split by (SplitBy), as "exporter", and returns the parts'
// names in their order and the parts by name. Each part must be valid HCL with its own
// required_providers and provider blocks, and the parts must import every object of the
// single file's export once.
func split(t *testing.T, opts Options, by string, seed func(m *mockserver.Server, c *client.Client)) ([]string, map[string]string) {
	t.Helper()
	_, c := seeded(t, seed, "Administrators")
	opts.Self = "exporter"
	parts, err := Split(context.Background(), c, opts, by)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	byName := map[string]string{}
	for _, p := range parts {
		order = append(order, p.Name)
		byName[p.Name] = string(p.Config)
		if _, diags := hclparse.NewParser().ParseHCL(p.Config, p.Name+"/main.tf"); diags.HasErrors() {
			t.Errorf("the part %q is not valid HCL: %s\n%s", p.Name, diags, p.Config)
		}
		for _, want := range []string{
			"terraform {\n  required_providers {\n    rockit = {\n      source = \"rockitplay/rockit\"\n    }\n  }\n}",
			"\nprovider \"rockit\" {\n}\n",
			`the part "` + p.Name + `" of a split`,
		} {
			if !strings.Contains(string(p.Config), want) {
				t.Errorf("the part %q lacks %q:\n%s", p.Name, want, p.Config)
			}
		}
	}

	// Nothing is imported twice, and the parts import what the single file imports.
	single, _ := exportOf(t, Options{Types: opts.Types}, seed, "Administrators")
	var imported, want []string
	for _, name := range order {
		for _, m := range importTo.FindAllStringSubmatch(byName[name], -1) {
			if slices.Contains(imported, m[1]) {
				t.Errorf("%s is imported twice", m[1])
			}
			imported = append(imported, m[1])
		}
	}
	for _, m := range importTo.FindAllStringSubmatch(single, -1) {
		want = append(want, m[1])
	}
	slices.Sort(imported)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(imported, want) {
		t.Errorf("the parts import %q, the single file %q", imported, want)
	}
	return order, byName
}

var importTo = regexp.MustCompile(`(?m)^\s+to\s+= (\S+)$`)

// A split by type: one part per type with objects, each a root module with its own
// required_providers and provider blocks; a user's roles and an app's deployments, imported
// by other parts, are data sources declared once in the referring part; every object is
// imported by exactly one part, the same objects as the single file imports (split).
func TestSplitByType(t *testing.T) {
	order, parts := split(t, Options{}, "type", seedTeams)
	if want := []string{"role", "user", "machine_user", "deployment", "app", "subscription"}; !slices.Equal(order, want) {
		t.Fatalf("parts %q, want %q", order, want)
	}

	for _, c := range []struct{ part, want string }{
		{"user", "data \"rockit_role\" \"Developers\" {\n  name = \"Developers\"\n}"},
		{"user", `roles     = [data.rockit_role.Developers.name]`},
		{"machine_user", "data \"rockit_role\" \"Developers\" {\n  name = \"Developers\"\n}"},
		// The built-in role is not exported: it stays a name.
		{"machine_user", `roles    = ["Administrators", data.rockit_role.Developers.name]`},
		{"machine_user", `The user "exporter" is left out`},
		{"app", "data \"rockit_deployment\" \"Origin_EU\" {\n  name = \"Origin[EU]\"\n}"},
		{"app", `deployments = [data.rockit_deployment.Origin_EU.name]`},
		{"role", `The role "Administrators" is left out`},
		{"deployment", `secret_access_key = var.deployment_Origin_EU_secret_access_key`},
		{"deployment", `variable "deployment_Origin_EU_secret_access_key" {`},
	} {
		if !strings.Contains(parts[c.part], c.want) {
			t.Errorf("the part %q lacks %q:\n%s", c.part, c.want, parts[c.part])
		}
	}
	for name, cfg := range parts {
		if n := strings.Count(cfg, `data "`); n > 1 {
			t.Errorf("the part %q declares %d data sources, want at most one (each once):\n%s", name, n, cfg)
		}
		for _, other := range order {
			if other != name && strings.Contains(cfg, `resource "rockit_`+other+`"`) {
				t.Errorf("the part %q holds a resource of the part %q:\n%s", name, other, cfg)
			}
		}
	}
	if n := strings.Count(strings.Join(slices.Collect(maps.Values(parts)), ""), "\nimport {"); n != 8 {
		t.Errorf("the parts import %d objects, want the 8 seeded", n)
	}
	if single, _ := exportOf(t, Options{}, seedTeams, "Administrators"); strings.Contains(single, "data \"") {
		t.Errorf("the single file declares a data source: its references stay names:\n%s", single)
	}
}

// A split by prefix (teams): roles, deployments, apps and subscriptions go to the part of
// their name's prefix (lower-cased) or to "shared"; a user goes to the part of its roles when
// they agree, whatever its own name. A reference within a part is to the resource, across
// parts a data source.
func TestSplitByPrefix(t *testing.T) {
	order, parts := split(t, Options{}, "prefix", func(m *mockserver.Server, _ *client.Client) {
		m.SeedRole("Acme", "Games_Developers", map[string]int{"apps": 6})
		m.SeedRole("Acme", "games-leads", map[string]int{"apps": 6, "tasks": 2})
		m.SeedRole("Acme", "Shop_Developers", map[string]int{"apps": 2})
		m.SeedRole("Acme", "Release", map[string]int{"tasks": 18})
		m.SeedUser("Acme", "gina", false, "Games_Developers", "games-leads")
		m.SeedUser("Acme", "sam", false, "Shop_Developers", "Release")
		m.SeedUser("Acme", "shop_ci", true, "Games_Developers", "Administrators")
		m.SeedDeployment("Acme", "Origin[EU]")
		m.SeedApp("Acme", "Games_Space", "Space Game", 3, 2048, "Origin[EU]")
		m.SeedApp("Acme", "Shop-Store", "Store", 0, 0)
	})
	if want := []string{"games", "shared", "shop"}; !slices.Equal(order, want) {
		t.Fatalf("parts %q, want %q", order, want)
	}
	for _, c := range []struct{ part, want string }{
		{"games", `resource "rockit_role" "games-leads"`},
		{"games", `roles     = [rockit_role.Games_Developers.name, rockit_role.games-leads.name]`},
		// The machine user named shop_ci holds a games role only: it is the games team's.
		{"games", `roles    = ["Administrators", rockit_role.Games_Developers.name]`},
		{"games", "data \"rockit_deployment\" \"Origin_EU\" {\n  name = \"Origin[EU]\"\n}"},
		{"games", `deployments = [data.rockit_deployment.Origin_EU.name]`},
		// sam's roles are of two parts: shared.
		{"shared", `roles     = [rockit_role.Release.name, data.rockit_role.Shop_Developers.name]`},
		{"shared", `resource "rockit_deployment" "Origin_EU"`},
		{"shared", `variable "deployment_Origin_EU_secret_access_key"`},
		{"shared", `The role "Administrators" is left out`},
		{"shop", `resource "rockit_app" "Shop-Store"`},
	} {
		if !strings.Contains(parts[c.part], c.want) {
			t.Errorf("the part %q lacks %q:\n%s", c.part, c.want, parts[c.part])
		}
	}
	if strings.Contains(parts["games"], `data "rockit_role"`) {
		t.Errorf("the games part reads its own roles through data sources:\n%s", parts["games"])
	}
}

// -types: only the types named are read and written; a reference to a type not exported
// stays a name (no data source), and a part is written only for a type with objects.
func TestSplitTypesOnly(t *testing.T) {
	order, parts := split(t, Options{Types: []string{"user", "app"}}, "type", seedTeams)
	if !slices.Equal(order, []string{"user", "app"}) {
		t.Fatalf("parts %q, want user and app", order)
	}
	for _, c := range []struct{ part, want string }{
		{"user", `roles     = ["Developers"]`},
		{"app", `deployments = ["Origin[EU]"]`},
	} {
		if !strings.Contains(parts[c.part], c.want) {
			t.Errorf("the part %q lacks %q:\n%s", c.part, c.want, parts[c.part])
		}
	}
	for name, cfg := range parts {
		if strings.Contains(cfg, "data \"") || strings.Contains(cfg, "rockit_machine_user") {
			t.Errorf("the part %q reads a type not exported or holds a machine user:\n%s", name, cfg)
		}
	}

	mock, c := seeded(t, seedTeams, "Administrators")
	mock.ResetRequests()
	out := &strings.Builder{}
	if err := Write(context.Background(), c, Options{Self: "exporter", Types: []string{"role"}}, out); err != nil {
		t.Fatal(err)
	}
	for _, r := range mock.Requests() {
		if r.Path != "/be/v1/roles" && r.Path != "/be/v1/login" && r.Path != "/be/v1/auth" {
			t.Errorf("-types role read %s %s", r.Method, r.Path)
		}
	}
	if !hasResource(out.String(), "rockit_role", "Developers", "name", "Developers") || strings.Contains(out.String(), "rockit_user") {
		t.Errorf("-types role does not write the roles only:\n%s", out)
	}
}

// An unknown type fails naming the valid ones; "rockit_" prefixes and plurals are allowed;
// an unknown split fails naming the splits.
func TestParseTypesAndSplitBy(t *testing.T) {
	got, err := ParseTypes("rockit_role, users,machine_user,role")
	if err != nil || !slices.Equal(got, []string{"role", "user", "machine_user"}) {
		t.Errorf("ParseTypes = %q, %v", got, err)
	}
	for _, bad := range []string{"role,bogus", " , "} {
		_, err := ParseTypes(bad)
		if err == nil || !strings.Contains(err.Error(), "role, user, machine_user, deployment, app, subscription") {
			t.Errorf("ParseTypes(%q) = %v, want an error naming the types", bad, err)
		}
	}
	if _, err := ParseTypes("role,bogus"); err == nil || !strings.Contains(err.Error(), `unknown type "bogus"`) {
		t.Errorf("the error does not name the unknown type: %v", err)
	}
	mock, c := seeded(t, func(*mockserver.Server, *client.Client) {})
	mock.ResetRequests()
	if _, err := Split(context.Background(), c, Options{}, "team"); err == nil || err.Error() != `unknown split "team"; an export splits by type, prefix` {
		t.Errorf("Split by team = %v", err)
	}
	if n := len(mock.Requests()); n != 0 {
		t.Errorf("an unknown split sent %d requests", n)
	}
}
