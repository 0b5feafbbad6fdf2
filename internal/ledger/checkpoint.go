package ledger

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"

	tlogfmt "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is a tree head: the log's origin, its size and its root hash
// (c2sp.org/tlog-checkpoint).
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
}

// Text is the checkpoint's note text: origin, size and base64 root, each on
// its own line.
func (c Checkpoint) Text() []byte {
	return tlogfmt.Checkpoint{Origin: c.Origin, Size: c.Size, Hash: c.Root}.Marshal()
}

// String names the checkpoint in messages.
func (c Checkpoint) String() string {
	return fmt.Sprintf("checkpoint %s size %d root %s", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root))
}

// Sign returns the checkpoint as a signed note.
func (c Checkpoint) Sign(s note.Signer) ([]byte, error) {
	if c.Origin != s.Name() {
		return nil, fmt.Errorf("checkpoint origin %q differs from the key name %q", c.Origin, s.Name())
	}
	return note.Sign(&note.Note{Text: string(c.Text())}, s)
}

// OpenCheckpoint checks a signed checkpoint against the log's verifier key
// (whose name is the log's origin) and returns the tree head it signs.
func OpenCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	cp, rest, _, err := tlogfmt.ParseCheckpoint(signed, v.Name(), v)
	if err != nil {
		return Checkpoint{}, err
	}
	if len(rest) > 0 {
		return Checkpoint{}, fmt.Errorf("checkpoint has extension lines, which aims does not write")
	}
	if len(cp.Hash) != HashSize {
		return Checkpoint{}, fmt.Errorf("checkpoint root hash is %d bytes, want %d", len(cp.Hash), HashSize)
	}
	return Checkpoint{Origin: cp.Origin, Size: cp.Size, Root: cp.Hash}, nil
}

// CheckExtends checks that next extends prev: same origin, not smaller,
// and (with the consistency proof p between them) the same tree grown.
// A log must never sign a checkpoint that fails this against one it signed
// before.
func CheckExtends(prev, next Checkpoint, p [][]byte) error {
	switch {
	case prev.Origin != next.Origin:
		return fmt.Errorf("origin %q differs from %q", next.Origin, prev.Origin)
	case next.Size < prev.Size:
		return fmt.Errorf("size %d is smaller than the earlier %d", next.Size, prev.Size)
	case next.Size == prev.Size && !bytes.Equal(next.Root, prev.Root):
		return fmt.Errorf("root differs from the earlier checkpoint of the same size %d", prev.Size)
	}
	if err := VerifyConsistency(prev.Size, next.Size, p, prev.Root, next.Root); err != nil {
		return fmt.Errorf("not consistent with the earlier checkpoint of size %d: %w", prev.Size, plainProofError(err))
	}
	return nil
}

// plainProofError words merkle's root mismatch (which prints byte slices)
// for people.
func plainProofError(err error) error {
	var mismatch proof.RootMismatchError
	if errors.As(err, &mismatch) {
		return errors.New("the proof does not lead to the checkpoint's root")
	}
	return err
}
