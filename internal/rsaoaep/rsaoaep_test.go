package rsaoaep

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func pemOf(t *testing.T, typ string, der []byte) string {
	t.Helper()
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func TestEncryptDecryptRoundTrip(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	for name, p := range map[string]string{
		"PKIX":   pemOf(t, "PUBLIC KEY", der),
		"PKCS#1": pemOf(t, "RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&key.PublicKey)),
		"spaces": "\n  " + pemOf(t, "PUBLIC KEY", der) + "\n\n",
	} {
		pub, err := ParsePublicKey(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ct, err := Encrypt(pub, "s3cret-value")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(ct, "s3cret") {
			t.Fatalf("%s: ciphertext holds the clear text", name)
		}
		got, err := Decrypt(key, ct)
		if err != nil || got != "s3cret-value" {
			t.Fatalf("%s: decrypted %q, %v", name, got, err)
		}
	}
}

func TestParsePublicKeyRejects(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallDER, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	big, _ := rsa.GenerateKey(rand.Reader, 2048)
	bigDER, _ := x509.MarshalPKIXPublicKey(&big.PublicKey)
	for in, want := range map[string]string{
		"ssh-rsa AAAAB3Nza":                                            "not a PEM block",
		pemOf(t, "PUBLIC KEY", smallDER):                               "a 1024-bit RSA key, at least 2048 bits are needed",
		pemOf(t, "PUBLIC KEY", ecDER):                                  "not an RSA key",
		pemOf(t, "PRIVATE KEY", bigDER):                                `a "PRIVATE KEY" PEM block`,
		pemOf(t, "PUBLIC KEY", []byte("garbage")):                      "not a PKIX public key",
		pemOf(t, "PUBLIC KEY", bigDER) + "trailing":                    "text after the PEM block",
		"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n": "not a PKIX public key",
	} {
		_, err := ParsePublicKey(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePublicKey(%.30q) = %v, want an error containing %q", in, err, want)
		}
	}
}
