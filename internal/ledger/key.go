package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"golang.org/x/mod/sumdb/note"
)

// KeyFile is the file in the data directory that holds the deployment's
// log key when AIMS_LOG_KEY is not set.
const KeyFile = "log-signing.key"

// MasterKey is the deployment's log key: a signed-note signer key
// ("PRIVATE+KEY+name+hash+base64") whose name is the origin prefix of every
// organization's log. Each organization signs with its own Ed25519 key,
// derived from the master key and its origin, named by its origin as
// c2sp.org/tlog-checkpoint recommends; a verifier key therefore vouches
// for one organization's log only.
type MasterKey struct {
	name string
	seed []byte
}

// ParseMasterKey reads a signer key as note.GenerateKey writes it.
func ParseMasterKey(skey string) (*MasterKey, error) {
	skey = strings.TrimSpace(skey)
	if _, err := note.NewSigner(skey); err != nil {
		return nil, errors.New("the log key is not a signed-note signer key (PRIVATE+KEY+name+hash+base64): make one with 'aims log keygen'")
	}
	f := strings.SplitN(skey, "+", 5) // the key data may hold "+"
	key, err := base64.StdEncoding.DecodeString(f[4])
	if err != nil || len(key) != 33 || key[0] != 1 {
		return nil, errors.New("the log key is not an Ed25519 signer key: make one with 'aims log keygen'")
	}
	return &MasterKey{name: f[2], seed: key[1:]}, nil
}

// GenerateMasterKey makes a new signer key named name (a host name such as
// aims.example.com) and returns it in signer-key form.
func GenerateMasterKey(name string) (string, error) {
	skey, _, err := note.GenerateKey(rand.Reader, KeyName(name))
	return skey, err
}

// KeyName turns a host name into a valid key name: no spaces, no '+'.
func KeyName(host string) string {
	host = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '+' || r == '/' {
			return '-'
		}
		return r
	}, strings.TrimSpace(host))
	if host == "" {
		return "aims"
	}
	return host
}

// LoadOrCreateKeyFile reads the master key from dir/KeyFile, creating it
// (readable by the owner only) on first start. name names a new key.
func LoadOrCreateKeyFile(dir, name string) (key *MasterKey, created bool, err error) {
	path := filepath.Join(dir, KeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, false, fmt.Errorf("create data directory: %w", err)
		}
		skey, err := GenerateMasterKey(name)
		if err != nil {
			return nil, false, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateKeyFile(dir, name) // another process made it first
		}
		if err != nil {
			return nil, false, fmt.Errorf("create log key: %w", err)
		}
		_, err = f.WriteString(skey + "\n")
		if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
			return nil, false, fmt.Errorf("write log key %s: %w", path, err)
		}
		k, err := ParseMasterKey(skey)
		return k, true, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("read log key: %w", err)
	}
	k, err := ParseMasterKey(string(b))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return k, false, nil
}

// Name is the master key's name: the origin prefix of every log.
func (k *MasterKey) Name() string { return k.name }

// Origin is the checkpoint origin of an organization's log, by its slug:
// "<key name>/log/<slug>", the log's URL prefix without its scheme as
// c2sp.org/tlog-tiles recommends when the key is named after the host.
func (k *MasterKey) Origin(slug string) string { return k.name + "/log/" + slug }

// OrgKey is the signing key of one organization's log.
type OrgKey struct {
	Signer      note.Signer
	Verifier    note.Verifier
	VerifierKey string // name+hash+base64, for people and for aims log verify
}

// ForOrigin derives the key of the log with the given origin: its Ed25519
// seed is HKDF-SHA256 of the master seed, with the origin as info, so every
// replica holding the master key derives the same key.
func (k *MasterKey) ForOrigin(origin string) (*OrgKey, error) {
	seed, err := hkdf.Key(sha256.New, k.seed, []byte("aims log key v1"), origin, 32)
	if err != nil {
		return nil, err
	}
	skey, vkey, err := note.GenerateKey(bytes.NewReader(seed), origin)
	if err != nil {
		return nil, fmt.Errorf("derive the key of %s: %w", origin, err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	return &OrgKey{Signer: s, Verifier: v, VerifierKey: vkey}, nil
}

// ParseVerifierKey reads a verifier key (name+hash+base64).
func ParseVerifierKey(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("the verifier key is not name+hash+base64 (get it with 'aims log key --org SLUG'): %w", err)
	}
	return v, nil
}

// Public is the master key's Ed25519 public key.
func (k *MasterKey) Public() []byte {
	return ed25519.NewKeyFromSeed(k.seed).Public().(ed25519.PublicKey)
}
