package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// What the secrets guide says of the local backend: after a public_key_pem is added to a
// resource whose issued secret is in state in clear text, the apply moves it into the
// _encrypted attribute, but terraform.tfstate.backup (the state from before that apply) still
// holds it in clear text, and applies that change nothing leave it there (issue 23 item 9).
func TestAddedKeyLeavesClearSecretInStateBackup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	mock, w := orgWorkDir(t, "Acme")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// The key pair the secrets guide's recipe makes.
	w.write("key.pub.pem", string(docsKeyFiles(ctx, t, root)["secrets_key.pub.pem"]))
	config := func(keyLine string) string {
		return `
terraform {
  required_providers {
    rockit = {
      source = "rockitplay/rockit"
    }
  }
}

resource "rockit_user" "sam" {
  username  = "sam"
  email     = "sam@example.com"
  firstname = "Sam"
  surname   = "Sato"
  ` + keyLine + `
}
`
	}
	apply := func() {
		t.Helper()
		if out, code := w.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
			t.Fatalf("apply failed (%d):\n%s", code, out)
		}
	}
	holds := func(file, secret string) bool {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(w.dir, file))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Contains(b, []byte(secret))
	}

	w.write("main.tf", config(""))
	apply()
	secret, ok := mock.UserPassword("Acme", "sam")
	if !ok || !holds("terraform.tfstate", secret) {
		t.Fatal("without a key the initial password is not in state in clear text: the test's premise fails")
	}
	w.write("main.tf", config(`public_key_pem = file("key.pub.pem")`))
	apply()
	if holds("terraform.tfstate", secret) {
		t.Error("the state still holds the clear initial password after the key was added")
	}
	if !holds("terraform.tfstate.backup", secret) {
		t.Error("terraform.tfstate.backup does not hold the clear initial password: the secrets guide says it does")
	}
	// Runs that change nothing do not write state, so the backup stays (the guide says to
	// delete the file).
	if out, code := w.terraform(ctx, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply -refresh-only failed (%d):\n%s", code, out)
	}
	apply()
	if !holds("terraform.tfstate.backup", secret) {
		t.Error("an apply without changes replaced terraform.tfstate.backup: the secrets guide says it stays")
	}
}
