// Package export writes Terraform configuration for an existing organization: an import block
// and a resource block for each of its roles, users, machine users, deployments, apps and
// subscriptions, so that Terraform < 1.14 (which has no `terraform query`) can bring an
// organization under management. The blocks carry exactly the attributes that the provider's
// Read stores after an import, so the first plan imports them and changes nothing (except the
// secrets the API never returns, which come from variables). Split writes the same as one root
// module per type, reading the objects of other parts through data sources.
package export

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/permissions"
)

// builtInRole cannot be managed by rockit_role; it is never exported.
const builtInRole = "Administrators"

// Options change what is exported.
type Options struct {
	// Self is the username the export runs as. It is left out (a comment says so): managing
	// the credentials Terraform itself uses invites locking oneself out.
	Self string
	// WriteOnly writes the deployments' secrets as the write-only attributes
	// (`secret_access_key_wo`, `key_wo`, Terraform 1.11+), which state never keeps, instead of
	// `secret_access_key` and `key`, which state keeps.
	WriteOnly bool
	// Types, when not empty, are the types exported (names of TypeNames, see ParseTypes); the
	// others are not read. A reference to an object of a type not exported stays its name.
	Types []string
	// Warn, when set, is told about each type that could not be read (403) and is left out.
	Warn func(string)
}

// TypeNames are the types the export writes, in the order it writes them: the resource types
// without "rockit_". They are the values of -types and the parts of a split by type.
var TypeNames = []string{"role", "user", "machine_user", "deployment", "app", "subscription"}

// ParseTypes reads a comma-separated list of TypeNames ("rockit_" prefixes and plurals
// allowed); an unknown name fails naming the valid ones.
func ParseTypes(list string) ([]string, error) {
	var types []string
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		name := strings.TrimPrefix(t, "rockit_")
		if !slices.Contains(TypeNames, name) {
			name = strings.TrimSuffix(name, "s")
		}
		if !slices.Contains(TypeNames, name) {
			return nil, fmt.Errorf("unknown type %q; the types are %s", t, strings.Join(TypeNames, ", "))
		}
		if !slices.Contains(types, name) {
			types = append(types, name)
		}
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("no type given; the types are %s", strings.Join(TypeNames, ", "))
	}
	return types, nil
}

// SplitBy are the ways Split splits an export: by type, or by the prefix of the names (a team:
// Games_Space and games-admins are in the part "games"; see assignPrefixParts).
var SplitBy = []string{"type", "prefix"}

// sharedPart is the part of a split by prefix that holds what no team prefix claims.
const sharedPart = "shared"

// typePermissions are the permission resource ids the export needs Read of, per type.
var typePermissions = map[string]string{
	"roles": "roles", "users": "beUsers", "deployments": "deployments", "apps": "apps", "subscriptions": "subscriptions",
}

// organization is everything the export read.
type organization struct {
	roles       []client.Role
	users       []client.User
	deployments []client.Deployment
	apps        []client.App
	subs        []client.Subscription
	// skipped says, per type that answered 403, what could not be read.
	skipped []string
}

// read lists every type of types (nil: all). A 403 leaves that type out (skipped); any other
// error ends the export.
func read(ctx context.Context, c *client.Client, types []string) (*organization, error) {
	o := &organization{}
	wanted := func(ts ...string) bool {
		return len(types) == 0 || slices.ContainsFunc(ts, func(t string) bool { return slices.Contains(types, t) })
	}
	var err error
	if wanted("role") {
		if o.roles, err = listOrSkip(ctx, o, "roles", c.ListRoles); err != nil {
			return nil, err
		}
	}
	if wanted("user", "machine_user") {
		listUsers := func(ctx context.Context) ([]client.User, error) { return c.ListUsers(ctx, client.ListUsersOptions{}) }
		if o.users, err = listOrSkip(ctx, o, "users", listUsers); err != nil {
			return nil, err
		}
	}
	if wanted("deployment") {
		if o.deployments, err = listOrSkip(ctx, o, "deployments", c.ListDeployments); err != nil {
			return nil, err
		}
	}
	if wanted("app") {
		if o.apps, err = listOrSkip(ctx, o, "apps", c.ListApps); err != nil {
			return nil, err
		}
	}
	if wanted("subscription") {
		if o.subs, err = listOrSkip(ctx, o, "subscriptions", c.ListSubscriptions); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func listOrSkip[T any](ctx context.Context, o *organization, what string, list func(context.Context) ([]T, error)) ([]T, error) {
	items, err := list(ctx)
	switch {
	case client.IsForbidden(err):
		o.skipped = append(o.skipped, fmt.Sprintf("The %s could not be read, so none is exported: the export's user lacks "+
			"the `%s` read permission (%s).", what, typePermissions[what], err))
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("listing %s: %w", what, err)
	}
	return items, nil
}

// Write reads the organization through c and writes the configuration to w, formatted. A type
// the user may not read (403) is left out with a comment at the top (and Options.Warn).
func Write(ctx context.Context, c *client.Client, opts Options, w io.Writer) error {
	parts, err := generate(ctx, c, opts, "")
	if err != nil {
		return err
	}
	_, err = w.Write(parts[0].Config)
	return err
}

// Part is one root module of a split export.
type Part struct {
	// Name is the part's name (the type, or the prefix): the directory it goes to.
	Name string
	// Config is its configuration, formatted.
	Config []byte
}

// Split is Write for an organization split into root modules, by (one of SplitBy): one part
// per type, or per name prefix, that has objects. Each part has its own terraform and provider
// blocks; a reference to an object that another part imports is a data source of that object,
// so that each part plans on its own, and one to an object of the same part is a reference to
// its resource. Nothing is in two parts.
func Split(ctx context.Context, c *client.Client, opts Options, by string) ([]Part, error) {
	if !slices.Contains(SplitBy, by) {
		return nil, fmt.Errorf("unknown split %q; an export splits by %s", by, strings.Join(SplitBy, ", "))
	}
	return generate(ctx, c, opts, by)
}

// generate reads the organization and writes one part, or split by (SplitBy) the parts.
func generate(ctx context.Context, c *client.Client, opts Options, by string) ([]Part, error) {
	o, err := read(ctx, c, opts.Types)
	if err != nil {
		return nil, err
	}
	for _, s := range o.skipped {
		if opts.Warn != nil {
			opts.Warn(s)
		}
	}
	g := &generator{files: map[string]*hclwrite.File{}, labels: map[string]string{}, data: map[string]bool{},
		pending: map[string][]string{}, by: by, parts: map[string]string{}, types: opts.Types, skipped: o.skipped, org: c.OrgName()}
	if by == "" {
		g.body("")
	}

	slices.SortFunc(o.roles, func(a, b client.Role) int { return strings.Compare(a.Name, b.Name) })
	roleNames := []string{}
	for _, r := range o.roles {
		if r.Name != builtInRole {
			roleNames = append(roleNames, r.Name)
		}
	}
	g.assignLabels("rockit_role", roleNames)

	slices.SortFunc(o.users, func(a, b client.User) int { return strings.Compare(a.Username, b.Username) })
	var humans, machines []string
	for _, u := range o.users {
		switch {
		case u.Username == opts.Self:
		case u.Type == client.UserTypeMachine:
			machines = append(machines, u.Username)
		default:
			humans = append(humans, u.Username)
		}
	}
	g.assignLabels("rockit_user", humans)
	g.assignLabels("rockit_machine_user", machines)
	g.assignLabels("rockit_deployment", names(o.deployments, func(d client.Deployment) string { return d.Name }))
	g.assignLabels("rockit_app", names(o.apps, func(a client.App) string { return a.Name }))
	g.assignLabels("rockit_subscription", names(o.subs, func(s client.Subscription) string { return s.Name }))
	if by == "prefix" {
		g.assignPrefixParts(o)
	}

	for _, r := range o.roles {
		if r.Name == builtInRole {
			g.leftOut("rockit_role", r.Name, fmt.Sprintf("The role %q is left out: every organization has it built in, and rockit_role cannot\n"+
				"manage it (read it with the rockit_role data source).", r.Name))
			continue
		}
		b := g.resource("rockit_role", r.Name)
		b.SetAttributeValue("name", cty.StringVal(r.Name))
		b.SetAttributeValue("permissions", permissionsValue(r.Permissions))
	}

	for _, u := range o.users {
		typ := "rockit_user"
		if u.Type == client.UserTypeMachine {
			typ = "rockit_machine_user"
		}
		if u.Username == opts.Self {
			g.leftOut(typ, u.Username, fmt.Sprintf("The user %q is left out: the export ran as it, and Terraform should not manage\nits own credentials.", u.Username))
			continue
		}
		if !g.wanted(typ) {
			continue
		}
		if u.Type == client.UserTypeMachine {
			b := g.resource(typ, u.Username)
			b.SetAttributeValue("username", cty.StringVal(u.Username))
			b.SetAttributeValue("label", cty.StringVal(u.Label))
			g.references(b, typ, u.Username, "roles", "rockit_role", u.Roles)
			continue
		}
		b := g.resource(typ, u.Username)
		b.SetAttributeValue("username", cty.StringVal(u.Username))
		b.SetAttributeValue("email", cty.StringVal(u.Email))
		b.SetAttributeValue("firstname", cty.StringVal(u.Firstname))
		b.SetAttributeValue("surname", cty.StringVal(u.Surname))
		if u.Title != "" {
			b.SetAttributeValue("title", cty.StringVal(u.Title))
		}
		g.references(b, typ, u.Username, "roles", "rockit_role", u.Roles)
	}

	for _, d := range o.deployments {
		g.deployment(d, opts.WriteOnly)
	}

	for _, a := range o.apps {
		b := g.resource("rockit_app", a.Name)
		b.SetAttributeValue("name", cty.StringVal(a.Name))
		b.SetAttributeValue("label", cty.StringVal(a.Label))
		b.SetAttributeValue("max_builds", cty.NumberIntVal(a.MaxBuilds))
		if len(a.Deployments) > 0 {
			g.references(b, "rockit_app", a.Name, "deployments", "rockit_deployment", a.Deployments)
		}
	}

	for _, s := range o.subs {
		b := g.resource("rockit_subscription", s.Name)
		b.SetAttributeValue("name", cty.StringVal(s.Name))
		b.SetAttributeValue("type", cty.StringVal(s.Type))
		b.SetAttributeValue("url", cty.StringVal(s.URL))
		if len(s.Events) > 0 {
			events := make([]cty.Value, 0, len(s.Events))
			for _, e := range s.Events {
				events = append(events, cty.ObjectVal(map[string]cty.Value{
					"type": cty.StringVal(e.Type), "event": cty.StringVal(e.Event),
				}))
			}
			b.SetAttributeValue("events", cty.ListVal(events))
		}
	}

	parts := make([]Part, 0, len(g.order))
	for _, name := range g.order {
		parts = append(parts, Part{Name: name, Config: hclwrite.Format(g.files[name].Bytes())})
	}
	return parts, nil
}

// deployment writes a deployment; its secrets come from sensitive variables, as the
// attributes state keeps or, with writeOnly, as the write-only ones with version 1.
func (g *generator) deployment(d client.Deployment, writeOnly bool) {
	label := g.labels["rockit_deployment."+d.Name]
	b := g.resource("rockit_deployment", d.Name)
	b.SetAttributeValue("name", cty.StringVal(d.Name))
	if writeOnly {
		g.comment(b, "The API never returns secrets: the first apply sends the values of these variables. They are\n"+
			"write-only (Terraform 1.11+): never stored in state; change a _wo_version to send one again.")
	} else {
		g.comment(b, "The API never returns secrets: the first apply sends the values of these variables, and state\n"+
			"keeps them (rockit-export -write-only writes the write-only attributes instead).")
	}
	secret := func(attr, variable, description string) []hclwrite.ObjectAttrTokens {
		ref := hclwrite.TokensForTraversal(g.secret(g.partOf("rockit_deployment", d.Name), variable, description, writeOnly))
		if !writeOnly {
			return []hclwrite.ObjectAttrTokens{attrTokens(attr, ref)}
		}
		return []hclwrite.ObjectAttrTokens{
			attrTokens(attr+"_wo", ref),
			attrTokens(attr+"_wo_version", hclwrite.TokensForValue(cty.NumberIntVal(1))),
		}
	}
	origin := []hclwrite.ObjectAttrTokens{}
	if d.Origin.Type != "" {
		origin = append(origin, attrTokens("type", hclwrite.TokensForValue(cty.StringVal(d.Origin.Type))))
	}
	origin = append(origin,
		attrTokens("endpoint", hclwrite.TokensForValue(cty.StringVal(d.Origin.Endpoint))),
		attrTokens("bucket", hclwrite.TokensForValue(cty.StringVal(d.Origin.Bucket))),
		attrTokens("prefix", hclwrite.TokensForValue(cty.StringVal(d.Origin.Prefix))),
		attrTokens("access_key_id", hclwrite.TokensForValue(cty.StringVal(d.Origin.AccessKeyID))),
	)
	origin = append(origin, secret("secret_access_key", "deployment_"+label+"_secret_access_key",
		fmt.Sprintf("Secret access key of the origin of the deployment %q.", d.Name))...)
	b.SetAttributeRaw("origin", hclwrite.TokensForObject(origin))
	if d.DownloadAuth != nil {
		auth := []hclwrite.ObjectAttrTokens{attrTokens("provider", hclwrite.TokensForValue(cty.StringVal(d.DownloadAuth.Provider)))}
		auth = append(auth, secret("key", "deployment_"+label+"_download_auth_key",
			fmt.Sprintf("Download authentication key of the deployment %q.", d.Name))...)
		b.SetAttributeRaw("download_auth", hclwrite.TokensForObject(auth))
	}
}

// names maps items to their names.
func names[T any](items []T, name func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

type generator struct {
	files   map[string]*hclwrite.File // part -> its file ("" when not split)
	order   []string                  // the parts in the order they were started
	labels  map[string]string         // "type.name" -> its label (assignLabels)
	data    map[string]bool           // "part type.name" -> the part declares the data source
	pending map[string][]string       // part -> comments for it written when it starts
	by      string                    // the split (SplitBy), "" for one file
	parts   map[string]string         // split by prefix: "type.name" -> its part (assignPrefixParts)
	types   []string                  // Options.Types
	skipped []string                  // the organization's skipped types
	org     string
}

// partOf is the part the object name of the resource type typ goes to.
func (g *generator) partOf(typ, name string) string {
	switch g.by {
	case "":
		return ""
	case "type":
		return strings.TrimPrefix(typ, "rockit_")
	}
	if part, ok := g.parts[typ+"."+name]; ok {
		return part
	}
	return sharedPart
}

// teamPrefix matches a name that starts with a team prefix: letters and digits, then _ or -.
var teamPrefix = regexp.MustCompile(`^([A-Za-z0-9]+)[_-].`)

// assignPrefixParts gives every exported object its part for a split by prefix. A role,
// deployment, app or subscription goes to the part of its name's prefix, lower-cased (up to
// the first _ or -: Games_Space and games-admins are in "games"), or to "shared" when its name
// has none. A user or machine user goes to the part of its roles when all of them that are
// exported are in one part other than "shared" (usernames seldom carry a team, and john_doe is
// no team), else to "shared".
func (g *generator) assignPrefixParts(o *organization) {
	byName := func(typ, name string) {
		if _, exported := g.labels[typ+"."+name]; !exported {
			return
		}
		g.parts[typ+"."+name] = sharedPart
		if m := teamPrefix.FindStringSubmatch(name); m != nil {
			g.parts[typ+"."+name] = strings.ToLower(m[1])
		}
	}
	for _, r := range o.roles {
		byName("rockit_role", r.Name)
	}
	for _, d := range o.deployments {
		byName("rockit_deployment", d.Name)
	}
	for _, a := range o.apps {
		byName("rockit_app", a.Name)
	}
	for _, s := range o.subs {
		byName("rockit_subscription", s.Name)
	}
	for _, u := range o.users {
		typ := "rockit_user"
		if u.Type == client.UserTypeMachine {
			typ = "rockit_machine_user"
		}
		if _, exported := g.labels[typ+"."+u.Username]; !exported {
			continue
		}
		part := ""
		for _, r := range u.Roles {
			if p, ok := g.parts["rockit_role."+r]; ok {
				if p == sharedPart || part != "" && p != part {
					part = ""
					break
				}
				part = p
			}
		}
		g.parts[typ+"."+u.Username] = cmp.Or(part, sharedPart)
	}
}

// wanted tells whether the resource type typ is exported (Options.Types).
func (g *generator) wanted(typ string) bool {
	return len(g.types) == 0 || slices.Contains(g.types, strings.TrimPrefix(typ, "rockit_"))
}

// body is the body of the part's file, started (with the comment at the top, the terraform
// and the provider blocks) when first asked for.
func (g *generator) body(part string) *hclwrite.Body {
	if f, ok := g.files[part]; ok {
		return f.Body()
	}
	f := hclwrite.NewEmptyFile()
	g.files[part] = f
	g.order = append(g.order, part)
	body := f.Body()
	header := fmt.Sprintf("Generated by rockit-export for the organization %q. Review it, set the variables of\n"+
		"the secrets the API never returns, then `terraform plan`: it imports every object.", g.org)
	if part != "" {
		header = fmt.Sprintf("Generated by rockit-export for the organization %q: the part %q of a split, a root module\n"+
			"of its own. It reads the objects of other parts through data sources, so it plans on its own.\n"+
			"Set the variables of the secrets the API never returns, then `terraform plan`: it imports every object.", g.org, part)
	}
	g.comment(body, header)
	for _, s := range g.skipped {
		g.comment(body, "NOT EXPORTED: "+s)
	}
	tf := body.AppendNewBlock("terraform", nil).Body()
	tf.AppendNewBlock("required_providers", nil).Body().SetAttributeValue("rockit", cty.ObjectVal(map[string]cty.Value{
		"source": cty.StringVal("rockitplay/rockit"),
	}))
	body.AppendNewline()
	g.comment(body, "Configured from the environment (ROCKIT_ENDPOINT, ROCKIT_ORG, ROCKIT_USERNAME, ROCKIT_PASSWORD or\nROCKIT_API_KEY), as the export was.")
	body.AppendNewBlock("provider", []string{"rockit"})
	for _, text := range g.pending[part] {
		body.AppendNewline()
		g.comment(body, text)
	}
	delete(g.pending, part)
	return body
}

// leftOut is a comment on the object name of the type typ, which is not exported. Split, it
// waits for its part to start: a part is written only for objects it imports.
func (g *generator) leftOut(typ, name, text string) {
	if !g.wanted(typ) {
		return
	}
	part := g.partOf(typ, name)
	if _, ok := g.files[part]; !ok {
		g.pending[part] = append(g.pending[part], text)
		return
	}
	body := g.body(part)
	body.AppendNewline()
	g.comment(body, text)
}

// references sets attr of the resource b (the object name of the type typ) to the names of
// objects of the type to. Split, the name of an object that another part imports is read from
// a data source of it declared in this part (once), so this part plans on its own; an object of
// the same part is a reference to its resource. Any other name (not split, or an object not
// exported) is written as it is.
func (g *generator) references(b *hclwrite.Body, typ, name, attr, to string, names []string) {
	part := g.partOf(typ, name)
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	var elems []hclwrite.Tokens
	refs := false
	for _, ref := range sorted {
		label, exported := g.labels[to+"."+ref]
		if g.by == "" || !exported {
			elems = append(elems, hclwrite.TokensForValue(cty.StringVal(ref)))
			continue
		}
		refs = true
		traversal := hcl.Traversal{hcl.TraverseRoot{Name: to}, hcl.TraverseAttr{Name: label}, hcl.TraverseAttr{Name: "name"}}
		if other := g.partOf(to, ref); other != part {
			if key := part + " " + to + "." + ref; !g.data[key] {
				g.data[key] = true
				body := g.body(part)
				body.AppendNewline()
				g.comment(body, fmt.Sprintf("Imported by the part %q.", other))
				body.AppendNewBlock("data", []string{to, label}).Body().SetAttributeValue("name", cty.StringVal(ref))
			}
			traversal = append(hcl.Traversal{hcl.TraverseRoot{Name: "data"}, hcl.TraverseAttr{Name: to}}, traversal[1:]...)
		}
		elems = append(elems, hclwrite.TokensForTraversal(traversal))
	}
	if !refs {
		b.SetAttributeValue(attr, stringList(names))
		return
	}
	b.SetAttributeRaw(attr, hclwrite.TokensForTuple(elems))
}

// resource appends an import block and a resource block for the object name to its type's
// part and returns the resource's body.
func (g *generator) resource(typ, name string) *hclwrite.Body {
	label := g.labels[typ+"."+name]
	body := g.body(g.partOf(typ, name))
	body.AppendNewline()
	imp := body.AppendNewBlock("import", nil).Body()
	imp.SetAttributeTraversal("to", hcl.Traversal{hcl.TraverseRoot{Name: typ}, hcl.TraverseAttr{Name: label}})
	imp.SetAttributeValue("id", cty.StringVal(name))
	body.AppendNewline()
	return body.AppendNewBlock("resource", []string{typ, label}).Body()
}

var notInLabel = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// validLabel tells whether a name can be a resource label as it is.
func validLabel(s string) bool {
	return s != "" && hclsyntax.ValidIdentifier(s) && (s[0] < '0' || s[0] > '9')
}

// assignLabels gives every name of a type a resource label unique within the type. A name
// that is a valid label keeps it; only then are the others made into labels: characters a
// label cannot hold become "_" (Origin[EU] -> Origin_EU), a leading digit gets a "_", and a
// label already taken gets "_2", "_3", ... So the deployment named Origin_EU is always
// rockit_deployment.Origin_EU, whatever other names there are.
func (g *generator) assignLabels(typ string, names []string) {
	taken := map[string]bool{}
	for _, name := range names {
		if validLabel(name) {
			g.labels[typ+"."+name] = name
			taken[name] = true
		}
	}
	for _, name := range names {
		if validLabel(name) {
			continue
		}
		base := strings.Trim(notInLabel.ReplaceAllString(name, "_"), "_")
		if !validLabel(base) {
			base = "_" + base
		}
		label := base
		for i := 2; taken[label]; i++ {
			label = fmt.Sprintf("%s_%d", base, i)
		}
		g.labels[typ+"."+name] = label
		taken[label] = true
	}
}

// secret declares a sensitive variable in the part (ephemeral too when it feeds a write-only
// attribute) and returns the reference to it.
func (g *generator) secret(part, name, description string, ephemeral bool) hcl.Traversal {
	body := g.body(part)
	body.AppendNewline()
	v := body.AppendNewBlock("variable", []string{name}).Body()
	v.SetAttributeValue("description", cty.StringVal(description))
	v.SetAttributeTraversal("type", hcl.Traversal{hcl.TraverseRoot{Name: "string"}})
	v.SetAttributeValue("sensitive", cty.True)
	if ephemeral {
		v.SetAttributeValue("ephemeral", cty.True)
	}
	return hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: name}}
}

// attrTokens is one attribute of an object expression.
func attrTokens(name string, value hclwrite.Tokens) hclwrite.ObjectAttrTokens {
	return hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForIdentifier(name), Value: value}
}

// comment appends "# ..." lines.
func (g *generator) comment(body *hclwrite.Body, text string) {
	for _, line := range strings.Split(text, "\n") {
		body.AppendUnstructuredTokens(hclwrite.Tokens{
			{Type: hclsyntax.TokenComment, Bytes: []byte("# " + line + "\n")},
		})
	}
}

// permissionsValue is the permissions attribute of rockit_role: resource id -> operations,
// granted resources only (as Read stores it).
func permissionsValue(perms map[string]int) cty.Value {
	m := map[string]cty.Value{}
	for res, bits := range perms {
		if ops := permissions.FromBits(bits); len(ops) > 0 {
			m[res] = stringList(ops)
		}
	}
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// stringList is a sorted list of strings (the sets of the schema), [] for none.
func stringList(items []string) cty.Value {
	sorted := slices.Clone(items)
	slices.Sort(sorted)
	if len(sorted) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, 0, len(sorted))
	for _, s := range sorted {
		vals = append(vals, cty.StringVal(s))
	}
	return cty.ListVal(vals)
}
