package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

// `rockit-edge-mock -h` tells how to accept an invitation on an invitation host, so that a
// person can finish the two-apply bootstrap of the guide by hand.
func TestHelpSaysHowToAcceptAnInvitation(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	runErr := run([]string{"-h"})
	os.Stderr = stderr
	_ = w.Close()
	out, _ := io.ReadAll(r)
	if !errors.Is(runErr, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", runErr)
	}
	if !strings.Contains(string(out), "-org-invitations") || !strings.Contains(string(out), "curl -X POST <url>/_mock/orgs/<name>/accept-invitation") {
		t.Errorf("-h does not say how to accept an invitation:\n%s", out)
	}
}
