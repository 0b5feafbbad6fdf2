package authn

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// A client secret is kept either sealed with the instance's secret key
// (AES-256-GCM, "enc:v1:" + base64 of nonce and ciphertext) or as a
// reference "env:NAME" to an environment variable of the server, which the
// organization's admin sets outside aims. Neither form is ever shown again.

const sealedPrefix = "enc:v1:"

var envRef = regexp.MustCompile(`^env:[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// IsEnvRef tells whether s is a reference to an environment variable.
func IsEnvRef(s string) bool { return envRef.MatchString(s) }

// SecretKeyLen is the length of the instance's secret key.
const SecretKeyLen = 32

// Seal encrypts plain with key; label binds the sealed text to its place
// (an organization's id), so that it cannot be moved to another.
func Seal(key []byte, label, plain string) (string, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := gcm.Seal(nonce, nonce, []byte(plain), []byte(label))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// ErrSecretUnreadable answers a stored secret that the key cannot open: the
// key changed, or the value was altered.
var ErrSecretUnreadable = errors.New("the stored client secret cannot be read with this instance's secret key (was AIMS_SECRET_KEY or the data directory's secret.key changed?): enter the secret again")

// Open returns the secret stored as stored: an env: reference is read from
// the environment, a sealed value is decrypted with key.
func Open(key []byte, label, stored string) (string, error) {
	switch {
	case stored == "":
		return "", nil
	case IsEnvRef(stored):
		v, ok := os.LookupEnv(strings.TrimPrefix(stored, "env:"))
		if !ok {
			return "", fmt.Errorf("the client secret refers to the environment variable %s, which is not set on the server", strings.TrimPrefix(stored, "env:"))
		}
		return v, nil
	case strings.HasPrefix(stored, sealedPrefix):
		raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(stored, sealedPrefix))
		if err != nil {
			return "", ErrSecretUnreadable
		}
		gcm, err := newGCM(key)
		if err != nil {
			return "", err
		}
		if len(raw) < gcm.NonceSize() {
			return "", ErrSecretUnreadable
		}
		plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], []byte(label))
		if err != nil {
			return "", ErrSecretUnreadable
		}
		return string(plain), nil
	}
	return "", ErrSecretUnreadable
}

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != SecretKeyLen {
		return nil, fmt.Errorf("the secret key must be %d bytes, not %d", SecretKeyLen, len(key))
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// SecretKeyFile is the instance's secret key in the data directory, made
// at the first start when AIMS_SECRET_KEY is not set.
const SecretKeyFile = "secret.key"

// ParseSecretKey reads a secret key written as base64 (standard or URL
// alphabet) or hex of SecretKeyLen bytes.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString, hex.DecodeString} {
		if b, err := dec(s); err == nil && len(b) == SecretKeyLen {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not a secret key: give %d random bytes as base64 or hex (e.g. openssl rand -base64 32)", SecretKeyLen)
}

// LoadOrCreateSecretKey reads dir's secret key file, or makes one (mode
// 0600) when there is none; created says which.
func LoadOrCreateSecretKey(dir string) (key []byte, created bool, err error) {
	path := filepath.Join(dir, SecretKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := ParseSecretKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	k := make([]byte, SecretKeyLen)
	if _, err := rand.Read(k); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateSecretKey(dir) // another process made it first
	}
	if err != nil {
		return nil, false, err
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n"); err != nil {
		f.Close()
		return nil, false, err
	}
	return k, true, f.Close()
}
