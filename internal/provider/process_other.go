//go:build !unix

package provider

// processAlive cannot tell on this system: every writer counts as alive (old runs are removed
// by age).
func processAlive(int) bool { return true }
