// Package witness speaks the C2SP witness protocols: c2sp.org/tlog-witness
// (a log submits each new checkpoint with a consistency proof from the last
// one the witness cosigned) and c2sp.org/tlog-cosignature (the witness
// answers with a timestamped Ed25519 cosignature/v1 signature line, which
// signed-note lets anyone append to the checkpoint). It holds both sides:
// the client aims uses to submit its organizations' checkpoints, and the
// server 'aims witness serve' runs. It imports no store: the service
// orchestrates submissions, and the witness keeps its own small state.
package witness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	tnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// MaxProofHashes is the longest consistency proof a request may carry: a
// tree of 2^64 leaves needs at most 63 (tlog-witness says the same).
const MaxProofHashes = 63

// maxBody bounds a request or answer: a checkpoint with its signatures and
// 63 hashes fit in a few KiB.
const maxBody = 64 << 10

// SizeContentType is the media type of a 409 answer: the size the witness
// has recorded for the log, in decimal.
const SizeContentType = "text/x.tlog.size"

// GenerateKey makes a witness key named name: a signer key
// (PRIVATE+KEY+name+hash+base64, Ed25519) and its verifier key in the
// cosignature/v1 form (type 0x04) that verifiers of cosignatures expect.
func GenerateKey(name string) (skey, vkey string, err error) {
	skey, plain, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", err
	}
	vkey, err = tnote.VKeyToCosignatureV1(plain)
	return skey, vkey, err
}

// NewSigner reads a witness signer key; it signs cosignature/v1.
func NewSigner(skey string) (*tnote.Signer, error) {
	s, err := tnote.NewSignerForCosignatureV1(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("the witness key is not a signed-note Ed25519 signer key (PRIVATE+KEY+name+hash+base64): %w", err)
	}
	return s, nil
}

// NewVerifier reads a witness's verifier key (name+hash+base64, of type
// 0x04 cosignature/v1, or a plain Ed25519 key, read as cosignature/v1).
func NewVerifier(vkey string) (note.Verifier, error) {
	v, err := tnote.NewVerifierForCosignatureV1(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("the witness key is not a verifier key name+hash+base64 (print it with 'aims witness key'): %w", err)
	}
	return v, nil
}

// VerifierKey returns the cosignature/v1 verifier key of a signer key.
func VerifierKey(skey string) (string, error) {
	if _, err := NewSigner(skey); err != nil {
		return "", err
	}
	f := strings.SplitN(strings.TrimSpace(skey), "+", 5)
	raw, err := base64.StdEncoding.DecodeString(f[4])
	if err != nil || len(raw) != 33 {
		return "", errors.New("the witness key is not an Ed25519 signer key")
	}
	// Derive the plain Ed25519 verifier key, then its cosignature/v1 form.
	_, plain, err := note.GenerateKey(bytes.NewReader(raw[1:]), f[2])
	if err != nil {
		return "", err
	}
	return tnote.VKeyToCosignatureV1(plain)
}

// Request is the body of POST /add-checkpoint: the size of the checkpoint
// the witness last cosigned for this log (as the log believes), a
// consistency proof from it to the new checkpoint, and the new checkpoint.
type Request struct {
	OldSize    uint64
	Proof      [][]byte
	Checkpoint []byte // a signed note
}

// Marshal writes the request as c2sp.org/tlog-witness lays it out:
// "old N", one base64 hash per line, an empty line, the checkpoint.
func (r Request) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", r.OldSize)
	for _, h := range r.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.Write(r.Checkpoint)
	return b.Bytes()
}

// ParseRequest reads an add-checkpoint body.
func ParseRequest(body []byte) (Request, error) {
	var r Request
	line, rest, ok := bytes.Cut(body, []byte("\n"))
	if !ok {
		return r, errors.New("the body has no old-size line")
	}
	n, found := strings.CutPrefix(string(line), "old ")
	size, err := strconv.ParseUint(n, 10, 64)
	if !found || err != nil || (len(n) > 1 && n[0] == '0') {
		return r, fmt.Errorf("the first line is %q, want \"old SIZE\"", line)
	}
	r.OldSize = size
	for {
		line, rest, ok = bytes.Cut(rest, []byte("\n"))
		if !ok {
			return r, errors.New("the proof is not followed by an empty line and the checkpoint")
		}
		if len(line) == 0 {
			break
		}
		if len(r.Proof) == MaxProofHashes {
			return r, fmt.Errorf("the proof has more than %d hashes", MaxProofHashes)
		}
		// Canonical base64 only: the decoder would skip CR and ignore
		// trailing bits, and then two bodies would mean one request.
		h, err := base64.StdEncoding.Strict().DecodeString(string(line))
		if err != nil || len(h) != 32 || base64.StdEncoding.EncodeToString(h) != string(line) {
			return r, fmt.Errorf("proof line %d is not a base64 SHA-256 hash", len(r.Proof)+1)
		}
		r.Proof = append(r.Proof, h)
	}
	if len(rest) == 0 {
		return r, errors.New("the body has no checkpoint")
	}
	r.Checkpoint = rest
	return r, nil
}

// ConflictError is a 409 answer: the witness has recorded another size for
// the log than the request's old size (or, at the same size, another
// root). Size is the witness's.
type ConflictError struct{ Size uint64 }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("the witness has cosigned the log at size %d", e.Size)
}

// RefusedError is any other refusal: Status is the HTTP status (403 a
// signature the witness does not accept, 404 a log it does not witness,
// 400 a malformed request, 422 a consistency proof that fails: a fork).
type RefusedError struct {
	Status  int
	Message string
}

func (e *RefusedError) Error() string {
	msg := strings.TrimSpace(e.Message)
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return fmt.Sprintf("the witness refused with %d %s: %s", e.Status, http.StatusText(e.Status), msg)
}

// Fork reports whether the refusal says the checkpoint is inconsistent
// with one the witness cosigned before.
func (e *RefusedError) Fork() bool { return e.Status == http.StatusUnprocessableEntity }

// Submit posts r to the witness at baseURL (its add-checkpoint endpoint is
// baseURL + "/add-checkpoint") and returns its cosignature lines, checked
// with the witness's verifier key v over r.Checkpoint.
func Submit(ctx context.Context, hc *http.Client, baseURL string, v note.Verifier, r Request) ([]byte, error) {
	u, err := url.JoinPath(baseURL, "add-checkpoint")
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(r.Marshal()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusConflict:
		if strings.HasPrefix(resp.Header.Get("Content-Type"), SizeContentType) {
			n, err := strconv.ParseUint(strings.TrimSpace(string(body)), 10, 64)
			if err == nil {
				return nil, &ConflictError{Size: n}
			}
		}
		return nil, &RefusedError{Status: resp.StatusCode, Message: string(body)}
	default:
		return nil, &RefusedError{Status: resp.StatusCode, Message: string(body)}
	}
	lines, err := CheckCosignature(r.Checkpoint, body, v)
	if err != nil {
		return nil, fmt.Errorf("the witness's answer: %w", err)
	}
	return lines, nil
}

// CheckCosignature checks that sigLines (signature lines "— name base64")
// hold a valid cosignature of the checkpoint by v, and returns that line.
func CheckCosignature(checkpoint, sigLines []byte, v note.Verifier) ([]byte, error) {
	text, _, _ := bytes.Cut(checkpoint, []byte("\n\n"))
	sc := bufio.NewScanner(bytes.NewReader(sigLines))
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		n, err := note.Open(append(append(append([]byte{}, text...), "\n\n"...), append(line, '\n')...), note.VerifierList(v))
		if err == nil && len(n.Sigs) == 1 {
			return append(append([]byte{}, line...), '\n'), nil
		}
	}
	return nil, fmt.Errorf("no valid cosignature by %s", v.Name())
}

// AppendSignatures adds signature lines to a signed note, skipping lines
// it already has (signed-note allows any number of signatures).
func AppendSignatures(signed []byte, lines ...[]byte) []byte {
	out := append([]byte{}, signed...)
	for _, l := range lines {
		l = bytes.TrimRight(l, "\n")
		if len(l) == 0 || bytes.Contains(out, append(append([]byte("\n"), l...), '\n')) {
			continue
		}
		out = append(append(out, l...), '\n')
	}
	return out
}

// Cosigners returns the names of the witnesses, among ws, whose
// cosignature of the signed checkpoint verifies; logV must verify the
// log's own signature.
func Cosigners(signed []byte, logV note.Verifier, ws []note.Verifier) ([]string, error) {
	if _, err := note.Open(signed, note.VerifierList(logV)); err != nil {
		return nil, fmt.Errorf("the checkpoint's own signature does not verify: %w", err)
	}
	var names []string
	for _, w := range ws {
		n, err := note.Open(signed, note.VerifierList(w))
		if err == nil && len(n.Sigs) == 1 {
			names = append(names, w.Name())
		}
	}
	return names, nil
}

// RequireCosignatures checks that at least min of the witnesses ws have
// cosigned the signed checkpoint, and names the missing ones otherwise.
func RequireCosignatures(signed []byte, logV note.Verifier, ws []note.Verifier, min int) ([]string, error) {
	names, err := Cosigners(signed, logV, ws)
	if err != nil {
		return nil, err
	}
	if len(names) >= min {
		return names, nil
	}
	var missing []string
	for _, w := range ws {
		found := false
		for _, n := range names {
			found = found || n == w.Name()
		}
		if !found {
			missing = append(missing, w.Name())
		}
	}
	return names, fmt.Errorf("%d valid cosignatures of the %d required (none verifies from %s)", len(names), min, strings.Join(missing, ", "))
}
