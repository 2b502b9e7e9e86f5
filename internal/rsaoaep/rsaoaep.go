// Package rsaoaep holds the one encryption scheme the API and the provider use for secrets
// handed to a user's public key: RSA-OAEP with SHA-256, the ciphertext in standard base64.
// The mock uses it to encrypt an organization's initial password, the provider to encrypt the
// secrets it receives (initial passwords, API keys, subscription secrets) before they reach
// state, and the tests to decrypt them.
package rsaoaep

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// MinBits is the smallest RSA modulus accepted. Smaller keys are breakable, and a 1024-bit key
// with OAEP-SHA-256 could not hold a secret longer than 62 bytes.
const MinBits = 2048

// ParsePublicKey parses a PEM-encoded RSA public key: a PKIX `-----BEGIN PUBLIC KEY-----` block
// (what `openssl rsa -pubout` writes) or a PKCS#1 `-----BEGIN RSA PUBLIC KEY-----` block.
// Surrounding white space is allowed; anything else after the block is not.
func ParsePublicKey(p string) (*rsa.PublicKey, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(p)))
	if block == nil {
		return nil, errors.New("not a PEM block")
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, errors.New("text after the PEM block")
	}
	var key *rsa.PublicKey
	switch block.Type {
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("not a PKCS#1 RSA public key: %w", err)
		}
		key = k
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("not a PKIX public key: %w", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("a %T key, not an RSA key", k)
		}
		key = rk
	default:
		return nil, fmt.Errorf("a %q PEM block, not PUBLIC KEY or RSA PUBLIC KEY", block.Type)
	}
	if key.N.BitLen() < MinBits {
		return nil, fmt.Errorf("a %d-bit RSA key, at least %d bits are needed", key.N.BitLen(), MinBits)
	}
	return key, nil
}

// Encrypt encrypts a secret with RSA-OAEP SHA-256 and returns the ciphertext in base64.
func Encrypt(pub *rsa.PublicKey, secret string) (string, error) {
	ct, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, []byte(secret), nil)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// Decrypt reverses Encrypt with the private key (tests; users run openssl, see the guide).
func Decrypt(priv *rsa.PrivateKey, ciphertext string) (string, error) {
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", fmt.Errorf("not base64: %w", err)
	}
	plain, err := rsa.DecryptOAEP(sha256.New(), nil, priv, ct, nil)
	if err != nil {
		return "", err
	}
	return string(plain), nil
}
