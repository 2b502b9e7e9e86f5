package provider

import (
	"sync"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
)

// The tests that drive ModifyPlan directly build their Client themselves; testMemories gives
// such a Client the run memory Configure would have made for it (test setup only: the provider
// keeps its run memory in its provider data, run_memory.go).
var testMemories sync.Map // *client.Client -> *runMemory

// enablePlanChecks gives c a run memory, with a plan book when on, as Configure would.
func enablePlanChecks(c *client.Client, on bool) {
	testMemories.Store(c, newRunMemory(c, on))
}

// memoryOf is the run memory enablePlanChecks gave c, nil if none.
func memoryOf(c *client.Client) *runMemory {
	m, _ := testMemories.Load(c)
	rm, _ := m.(*runMemory)
	return rm
}

// configuredMemory is c's run memory for a resource's Configure: the one enablePlanChecks gave
// it, else a new one with plan checks off (as Configure makes for plan_checks = false).
func configuredMemory(c *client.Client) *runMemory {
	m, _ := testMemories.LoadOrStore(c, newRunMemory(c, false))
	return m.(*runMemory)
}

// bookFor is the plan book of c's run memory, nil if none.
func bookFor(c *client.Client) *planBook {
	return memoryOf(c).planBook()
}
