package provider

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// Run memory: what one provider configuration learns about Terraform's side during one run (one
// provider process: one walk of plan or apply). It lives here, in the provider data that
// Configure hands to every resource and data source, because it is about state and plan; the
// client (internal/client) knows HTTP and the API, and asks the provider when it needs one of
// these facts (client.Config.KnownOrganization). One runMemory per configuration, no global map:
//
//   - the plan book of the plan checks (plan_checks.go), nil when plan_checks is off;
//   - the objects a Read of this run found in state, or settled as someone else's (evidence.go):
//     a create of the same name planned later is the create half of a replacement, or a name
//     whose state is saved only by an apply, not a name taken by someone else
//     (plan_checks_taken.go);
//   - the organizations a rockit_organization of this configuration holds in state, so that an
//     organization found missing says it existed (readiness.go).
//
// What this run sent is the client's own knowledge of its requests (client.Client.SentCreate).
type runMemory struct {
	book *planBook // nil: plan checks off

	mu      sync.Mutex
	inState map[string]bool // "roles/name": objects a Read of this run found in state
	orgs    map[string]bool // organization names a rockit_organization of this run holds
}

// newRunMemory makes the run memory of a new provider configuration; planChecks gives it a
// plan book on c.
func newRunMemory(c *client.Client, planChecks bool) *runMemory {
	m := &runMemory{inState: map[string]bool{}, orgs: map[string]bool{}}
	if planChecks {
		m.book = newPlanBook(c)
	}
	return m
}

// planBook is the plan book, nil when plan checks are off (or m is nil).
func (m *runMemory) planBook() *planBook {
	if m == nil {
		return nil
	}
	return m.book
}

// noteInState records that a resource of this run holds the object of the collection coll in
// state (its Read found it): a create of the same name planned later in this run is the
// create half of its replacement (Terraform plans a tainted object's replacement as a create,
// with no prior state and no private state), not a name taken by someone else.
func (m *runMemory) noteInState(coll, name string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inState[coll+"/"+name] = true
}

// noteSettledNotOurs records that a Read of this run removed the object from state as someone
// else's (its create had an unknown outcome): the Read warned with the import block, and the
// state without it is saved only by an apply, so the plan must not fail on the name.
func (m *runMemory) noteSettledNotOurs(coll, name string) {
	m.noteInState(coll, name)
}

// heldInState reports whether noteInState recorded the object.
func (m *runMemory) heldInState(coll, name string) bool {
	if m == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.inState[coll+"/"+name]
}

// noteOrganization records that the state holds the organization name (a rockit_organization
// read or planned by this provider configuration), so that a login that finds it missing says
// it was deleted outside Terraform (and how to create it again), rather than that org_name may
// be wrong only. An unknown or null name records nothing.
func (m *runMemory) noteOrganization(name types.String) {
	if m == nil || name.IsNull() || name.IsUnknown() {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.orgs[name.ValueString()] = true
}

// organizationInState reports whether noteOrganization recorded name; it is the client's
// Config.KnownOrganization.
func (m *runMemory) organizationInState(name string) bool {
	if m == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.orgs[name]
}

// getMemory reads the run memory from the provider data handed to Configure (nil before the
// provider is configured).
func getMemory(data any) *runMemory {
	if pd, ok := data.(*providerData); ok {
		return pd.mem
	}
	return nil
}
