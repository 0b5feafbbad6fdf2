package ledger

import (
	"bytes"
	"errors"
	"fmt"

	tlogproof "github.com/transparency-dev/formats/proof"
	"golang.org/x/mod/sumdb/note"
)

// RecordProof is one record's proof (c2sp.org/tlog-proof): its index, the
// inclusion hashes, and a signed checkpoint whose tree holds it. aims puts
// the entry itself in the proof's extra data, so that the file alone names
// what it proves; the entry is trusted only once its hash is proven.
type RecordProof struct {
	Index      uint64
	Hashes     [][]byte
	Checkpoint []byte // the signed note, verbatim
	Entry      []byte
}

// Marshal writes the proof in c2sp.org/tlog-proof@v1 form.
func (p RecordProof) Marshal() ([]byte, error) {
	tp := tlogproof.TLogProof{Index: p.Index, Checkpoint: p.Checkpoint, ExtraData: p.Entry}
	for i, h := range p.Hashes {
		if len(h) != HashSize {
			return nil, fmt.Errorf("proof hash %d has %d bytes", i, len(h))
		}
		tp.Hashes = append(tp.Hashes, [HashSize]byte(h))
	}
	return tp.Marshal(), nil
}

// ParseRecordProof reads a c2sp.org/tlog-proof@v1 file.
func ParseRecordProof(b []byte) (RecordProof, error) {
	// The format's lines end in LF; a CR (a file saved on Windows) would be
	// kept in the checkpoint's text by the parser and lost when written
	// again, so the file would not read back as itself (found by
	// FuzzRecordProof).
	if bytes.IndexByte(b, '\r') >= 0 {
		return RecordProof{}, errors.New("the file has CR characters: a tlog-proof file has LF line endings (convert it, e.g. with dos2unix)")
	}
	var tp tlogproof.TLogProof
	if err := tp.Unmarshal(b); err != nil {
		return RecordProof{}, err
	}
	p := RecordProof{Index: tp.Index, Checkpoint: tp.Checkpoint, Entry: tp.ExtraData}
	for _, h := range tp.Hashes {
		p.Hashes = append(p.Hashes, bytes.Clone(h[:]))
	}
	return p, nil
}

// VerifyRecordProof checks a tlog-proof file against the log's verifier
// key: the checkpoint's signature, and the inclusion of entry (or, when
// entry is nil, of the entry carried in the proof) at the proof's index.
// It returns the checkpoint and the entry proven.
func VerifyRecordProof(file []byte, v note.Verifier, entry []byte) (Checkpoint, []byte, error) {
	p, err := ParseRecordProof(file)
	if err != nil {
		return Checkpoint{}, nil, fmt.Errorf("not a tlog-proof file: %w", err)
	}
	cp, err := OpenCheckpoint(p.Checkpoint, v)
	if err != nil {
		return Checkpoint{}, nil, fmt.Errorf("the proof's checkpoint does not verify with key %s: %w", v.Name(), err)
	}
	if p.Index >= cp.Size {
		return cp, nil, fmt.Errorf("proof index %d is beyond the checkpoint's tree of %d entries", p.Index, cp.Size)
	}
	switch {
	case entry == nil && p.Entry == nil:
		return cp, nil, fmt.Errorf("the proof carries no entry: give the entry file")
	case entry == nil:
		entry = p.Entry
	case p.Entry != nil && !bytes.Equal(entry, p.Entry):
		return cp, nil, fmt.Errorf("the entry file differs from the entry the proof carries")
	}
	if err := VerifyInclusion(p.Index, cp.Size, LeafHash(entry), p.Hashes, cp.Root); err != nil {
		return cp, nil, fmt.Errorf("entry %d is not included in the checkpoint of size %d: the entry or the proof was altered (%v)", p.Index, cp.Size, plainProofError(err))
	}
	return cp, entry, nil
}
