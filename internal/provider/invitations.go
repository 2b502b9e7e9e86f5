package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// A host of the invitation generation answers an organization's create without an initial
// password. The provider configuration fed from that password (the bootstrap alias) runs in
// another provider process, which cannot see the answer: the organization's create leaves a
// record of it in the crash journal's directory (journalDir: the Terraform working directory's
// data directory, shared by every provider process of the run and of later runs), and the
// alias's missing-password message reads it, so that it names the invitation as the cause
// instead of listing every reason a password can be null. The record holds no secret: host,
// organization, administrator, the address the invitation went to and when. It is removed when
// the organization is deleted; a record without its organization only changes a message.

// invitationRecord is what the organization's create saw.
type invitationRecord struct {
	Endpoint string    `json:"endpoint"`
	Org      string    `json:"org"`
	Admin    string    `json:"admin_username"`
	Email    string    `json:"admin_email,omitempty"`
	Created  time.Time `json:"created"`
}

// invitationPath is the file of the record for one organization and administrator on a host.
func invitationPath(endpoint, org, admin string) string {
	sum := sha256.Sum256([]byte(endpoint + "\x00" + org + "\x00" + admin))
	return filepath.Join(journalDir(), "invitations", hex.EncodeToString(sum[:16])+".json")
}

// noteInvitation records an invitation answer. A failure to write only costs the message its
// precision, so it is logged, not reported.
func noteInvitation(ctx context.Context, rec invitationRecord) {
	p := invitationPath(rec.Endpoint, rec.Org, rec.Admin)
	raw, err := json.Marshal(rec)
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(p), 0o700); err == nil {
			err = os.WriteFile(p, raw, 0o600)
		}
	}
	if err != nil {
		tflog.Debug(ctx, "could not record the invitation answer", map[string]any{"path": p, "error": err.Error()})
	}
}

// pendingInvitation returns the record of an invitation answer for this organization and
// administrator on this host, if there is one.
func pendingInvitation(endpoint, org, admin string) (invitationRecord, bool) {
	if endpoint == "" || org == "" || admin == "" {
		return invitationRecord{}, false
	}
	raw, err := os.ReadFile(invitationPath(endpoint, org, admin))
	if err != nil {
		return invitationRecord{}, false
	}
	var rec invitationRecord
	if json.Unmarshal(raw, &rec) != nil || rec.Org != org || rec.Admin != admin || rec.Endpoint != endpoint {
		return invitationRecord{}, false
	}
	return rec, true
}

// forgetInvitation removes the record of an organization that was deleted.
func forgetInvitation(endpoint, org, admin string) {
	_ = os.Remove(invitationPath(endpoint, org, admin))
}
