package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/rockitplay/terraform-provider-rockit/internal/rsaoaep"
)

// publicKeyRule is the rule RSAPublicKeyPEM checks, as its error message states it.
const publicKeyRule = "must be a PEM-encoded RSA public key of at least 2048 bits " +
	"(-----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----)"

// RSAPublicKeyPEM validates a public key that secrets are encrypted with (RSA-OAEP SHA-256):
// it must parse as an RSA public key of at least rsaoaep.MinBits bits. With allowEmpty the
// empty string passes too (a resource's way to say "no key", overriding a default). The
// message quotes only the start of the value: a PEM block is long and not worth repeating.
func RSAPublicKeyPEM(allowEmpty bool) validator.String {
	return publicKeyValidator{allowEmpty: allowEmpty}
}

type publicKeyValidator struct{ allowEmpty bool }

func (publicKeyValidator) Description(context.Context) string         { return publicKeyRule }
func (publicKeyValidator) MarkdownDescription(context.Context) string { return publicKeyRule }

func (v publicKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || (v.allowEmpty && req.ConfigValue.ValueString() == "") {
		return
	}
	if err := CheckRSAPublicKeyPEM(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid public key", fmt.Sprintf("Attribute %s %s", req.Path, err))
	}
}

// CheckRSAPublicKeyPEM returns the rule and what is wrong when value is no usable public key,
// for callers that check a value from elsewhere (an environment variable).
func CheckRSAPublicKeyPEM(value string) error {
	if _, err := rsaoaep.ParsePublicKey(value); err != nil {
		start := value
		if len(start) > 30 {
			start = start[:30] + "..."
		}
		return fmt.Errorf("%s, got %q: %w", publicKeyRule, start, err)
	}
	return nil
}
