package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// modifyPlan runs a resource's ModifyPlan on a prior state and a planned (= configured) model
// (nil: null, a create or a destroy) and returns its diagnostics. Warnings are what `terraform plan` shows besides the plan, which
// the acceptance test framework cannot see, so the plan-time warnings are tested here.
func modifyPlan(t *testing.T, r resource.ResourceWithModifyPlan, state, plan any) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	st := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}
	pl := tfsdk.Plan{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}
	if state != nil {
		if d := st.Set(ctx, state); d.HasError() {
			t.Fatalf("state: %v", d)
		}
	}
	if plan != nil {
		if d := pl.Set(ctx, plan); d.HasError() {
			t.Fatalf("plan: %v", d)
		}
	}
	req := resource.ModifyPlanRequest{State: st, Plan: pl, Config: tfsdk.Config{Schema: sresp.Schema, Raw: pl.Raw}}
	resp := resource.ModifyPlanResponse{Plan: pl}
	r.ModifyPlan(ctx, req, &resp)
	return resp.Diagnostics
}

// warningsText joins the warnings' summaries and details.
func warningsText(diags diag.Diagnostics) string {
	var parts []string
	for _, d := range diags.Warnings() {
		parts = append(parts, d.Summary()+": "+d.Detail())
	}
	return strings.Join(parts, "\n")
}

func testOrganization(name string) organizationResourceModel {
	return organizationResourceModel{
		ID: types.StringValue(name), Name: types.StringValue(name), AdminUsername: types.StringValue("admin"),
		AdminEmail: types.StringNull(), PublicKeyPEM: types.StringNull(), Prune: types.BoolValue(false),
		DeletionProtection: types.BoolValue(false), AdminInitialPassword: types.StringValue("pw"),
		AdminInitialPasswordEncrypted: types.StringNull(),
	}
}

// A change of name replaces the organization: the plan warns what that deletes.
func TestOrganizationModifyPlan_renameWarnsWhatItDeletes(t *testing.T) {
	r := NewOrganizationResource().(resource.ResourceWithModifyPlan)
	diags := modifyPlan(t, r, testOrganization("Old_Org"), testOrganization("New_Org"))
	if diags.HasError() {
		t.Fatalf("unexpected error: %v", diags)
	}
	got := warningsText(diags)
	for _, want := range []string{
		"The organization will be replaced",
		`deletes the organization "Old_Org" with all its data (users, roles, apps with their builds, deployments, subscriptions) irreversibly`,
		"Set deletion_protection = true to make Terraform refuse this.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the warning does not say %q; warnings:\n%s", want, got)
		}
	}
	if w := modifyPlan(t, r, testOrganization("Same_Org"), testOrganization("Same_Org")).Warnings(); len(w) > 0 {
		t.Errorf("an unchanged organization warns: %v", w)
	}
}

func testApp(t *testing.T, deployments ...string) appResourceModel {
	t.Helper()
	return appResourceModel{
		appModel: appModel{
			Name: types.StringValue("Game_W"), Label: types.StringValue("W"), MaxBuilds: types.Int64Value(5),
			Deployments:  setOf(deployments...),
			CurrentBuild: types.Int64Value(0), SizeBytes: types.Int64Value(0), Processing: types.BoolValue(false),
			Created: types.StringValue("2026-01-01T00:00:00Z"), Updated: types.StringValue("2026-01-01T00:00:00Z"),
		},
		ID: types.StringValue("Game_W"), DeletionProtection: types.BoolValue(false),
	}
}

// Going from some deployments to none publishes the app to all of them: the plan warns,
// naming the app. Other changes of the deployments do not warn.
func TestAppModifyPlan_toAllDeploymentsWarns(t *testing.T) {
	r := NewAppResource().(resource.ResourceWithModifyPlan)
	got := warningsText(modifyPlan(t, r, testApp(t, "Origin_A", "Origin_B"), testApp(t)))
	for _, want := range []string{
		"The app will be published to all deployments",
		`The app "Game_W" is registered to Origin_A, Origin_B only.`,
		"which the API reads as ALL deployments of the organization",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the warning does not say %q; warnings:\n%s", want, got)
		}
	}
	for _, c := range []struct{ from, to []string }{{nil, nil}, {[]string{"Origin_A"}, []string{"Origin_B"}}, {nil, []string{"Origin_A"}}} {
		if w := modifyPlan(t, r, testApp(t, c.from...), testApp(t, c.to...)).Warnings(); len(w) > 0 {
			t.Errorf("%v -> %v warns: %v", c.from, c.to, w)
		}
	}
}
