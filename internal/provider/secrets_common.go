package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/rsaoaep"
	"github.com/rockitplay/terraform-provider-rockit/internal/validators"
)

// This file holds what rockit_user, rockit_machine_user and rockit_subscription share for the
// secret the API issues them (initial password, API key, subscription secret): the optional
// public_key_pem, the provider's default key, and the one decision where an arrived secret
// goes: into the clear attribute, or encrypted into the _encrypted attribute.

// providerData is what the provider's Configure hands to resources and data sources.
type providerData struct {
	client *client.Client
	// mem is the run memory of this configuration (run_memory.go): plan book, what state holds.
	mem *runMemory
	// secretsKey is the provider-level secrets_public_key_pem.
	secretsKey secretsKey
}

// secretsKey is a public key setting: a PEM, none (""), or unknown until apply.
type secretsKey struct {
	pem     string
	unknown bool
}

// getSecretsKey reads the provider-level default key from the provider data.
func getSecretsKey(data any) secretsKey {
	if pd, ok := data.(*providerData); ok {
		return pd.secretsKey
	}
	return secretsKey{}
}

// effectiveSecretsKey is the key a resource encrypts with: its own public_key_pem when set,
// else the provider's default.
func effectiveSecretsKey(own types.String, def secretsKey) secretsKey {
	switch {
	case own.IsUnknown():
		return secretsKey{unknown: true}
	case !own.IsNull():
		return secretsKey{pem: own.ValueString()}
	}
	return def
}

// clearTextUse is, per issued secret, an example of why one would keep it in clear text.
var clearTextUse = map[string]string{
	"API key":          "e.g. a machine user whose key feeds an aliased provider",
	"initial password": "e.g. an initial password handed on through a sensitive output",
	"secret":           "e.g. a secret that another resource of the same configuration passes to the webhook's receiver",
}

// publicKeyAttribute is the public_key_pem attribute of a resource whose secret is issued by
// the API; secret names it and clear / encrypted are its attributes.
func publicKeyAttribute(secret, clearAttr, encrypted, rotation string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "PEM-encoded RSA public key (at least 2048 bits, `-----BEGIN PUBLIC KEY-----`). When set, the " +
			"provider encrypts the " + secret + " the moment the API returns it (RSA-OAEP with SHA-256, base64, as " +
			"`rockit_organization` does) and keeps only the ciphertext, in `" + encrypted + "`; `" + clearAttr + "` stays null, " +
			"so the clear " + secret + " never reaches state, plan output or the log. Overrides the provider's " +
			"`secrets_public_key_pem`; set it to `\"\"` to keep the " + secret + " in clear text despite that default " +
			"(" + clearTextUse[secret] + "). Changing or removing the key changes nothing on the server and makes no API call: " +
			rotation + " uses the key configured then, and a removed key does not bring a clear " + secret + " back. " +
			"Setting a key while `" + clearAttr + "` holds a value moves that value into `" + encrypted + "`, also without an API call.",
		Optional:   true,
		Validators: []validator.String{validators.RSAPublicKeyPEM(true)},
	}
}

// encryptedSecretAttribute is the _encrypted twin of an issued secret's clear attribute.
func encryptedSecretAttribute(secret string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "The " + secret + " encrypted with `public_key_pem` (or the provider's `secrets_public_key_pem`): " +
			"base64 of the RSA-OAEP SHA-256 ciphertext. Null without a key. Decrypt it with the private key: " +
			"`terraform output -raw <name> | base64 -d | openssl pkeyutl -decrypt -inkey private.pem " +
			"-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256`.",
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// storeIssuedSecret is the one place that decides where a secret from the API goes: with a key
// it is encrypted into encrypted and clear is null, without one it goes into clear and
// encrypted is null. Every path that receives a secret calls it: create, rotation, and a
// create adopted after a lost answer (whose secret arrives from the reset or resubscribe).
// An empty secret (the answer carried none) changes nothing but unknown values, which become
// null. An error leaves both attributes null: the secret is then lost, never stored in clear.
func storeIssuedSecret(secret string, key secretsKey, plain, encrypted *types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if secret == "" {
		for _, v := range []*types.String{plain, encrypted} {
			if v.IsUnknown() {
				*v = types.StringNull()
			}
		}
		return nil
	}
	if key.pem == "" {
		*plain, *encrypted = types.StringValue(secret), types.StringNull()
		return nil
	}
	*plain, *encrypted = types.StringNull(), types.StringNull()
	pub, err := rsaoaep.ParsePublicKey(key.pem)
	if err == nil {
		var ct string
		if ct, err = rsaoaep.Encrypt(pub, secret); err == nil {
			*encrypted = types.StringValue(ct)
			return nil
		}
	}
	diags.AddAttributeError(path.Root("public_key_pem"), "Cannot encrypt the issued secret",
		fmt.Sprintf("The secret the API issued could not be encrypted with the public key (%s), so it was dropped rather "+
			"than stored in clear text. Fix public_key_pem (or the provider's secrets_public_key_pem) and issue a new "+
			"secret (rotation, or replace the resource).", err))
	return diags
}

// checkSecretsKey fails before any API call when the key a create or rotation will use is not
// a usable public key (a key unknown at plan time skipped the validator).
func checkSecretsKey(key secretsKey, diags *diag.Diagnostics) bool {
	if key.pem == "" {
		return true
	}
	if err := validators.CheckRSAPublicKeyPEM(key.pem); err != nil {
		diags.AddAttributeError(path.Root("public_key_pem"), "Invalid public key",
			"The key public_key_pem (or the provider's secrets_public_key_pem) "+err.Error()+". Nothing was sent to the API.")
		return false
	}
	return true
}

// sealKeptSecret moves a clear secret kept from state into its encrypted attribute when a key is
// now configured (no API call). It is what an update without a new secret does.
func sealKeptSecret(key secretsKey, plain, encrypted *types.String) diag.Diagnostics {
	if key.pem == "" || plain.IsNull() || plain.IsUnknown() {
		return nil
	}
	return storeIssuedSecret(plain.ValueString(), key, plain, encrypted)
}

// issuedSecretAttrs names the attributes of one issued secret, for planIssuedSecret.
type issuedSecretAttrs struct {
	version   string // the rotation attribute, "" for none
	clear     string
	encrypted string
}

// planIssuedSecret plans the clear and encrypted attribute of an issued secret so that the plan
// says where the secret will go: on create and on a rotation the side the key selects is
// unknown and the other null (both unknown while the key is); an update that seals a clear
// secret kept from state plans the clear side null.
func planIssuedSecret(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, attrs issuedSecretAttrs, def secretsKey) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var own types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("public_key_pem"), &own)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := effectiveSecretsKey(own, def)
	arrives := req.State.Raw.IsNull()
	if !arrives && attrs.version != "" {
		var planned, prior types.Int64
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(attrs.version), &planned)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attrs.version), &prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
		rotate, diags := rotationRequested(ctx, planned, prior, req.Private)
		resp.Diagnostics.Append(diags...)
		arrives = rotate
	}
	clearValue, encryptedValue := types.StringUnknown(), types.StringUnknown()
	switch {
	case arrives && key.unknown:
	case arrives && key.pem != "":
		clearValue = types.StringNull()
	case arrives:
		encryptedValue = types.StringNull()
	default:
		var kept types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attrs.clear), &kept)...)
		if kept.IsNull() || (key.pem == "" && !key.unknown) {
			return // nothing to seal: both stay as they are (UseStateForUnknown)
		}
		if key.pem != "" {
			clearValue = types.StringNull()
		}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attrs.clear), clearValue)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attrs.encrypted), encryptedValue)...)
}
