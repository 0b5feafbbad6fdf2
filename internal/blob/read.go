package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"gocloud.dev/blob"
)

// Reader reads a stored file and checks its digest as it goes. It holds
// back the last chunk it read until the next read succeeds or the file
// ends with the right digest: a changed file ends in ErrCorrupt before its
// last bytes are handed out, so a reader never gets the whole of a file
// that does not match.
type Reader struct {
	r      *blob.Reader
	digest string
	size   int64
	h      hash.Hash
	held   []byte // read, not yet handed out
	next   []byte
	out    []byte // being handed out
	err    error
	read   int64
}

// chunk is how much Reader reads ahead (and holds back).
const chunk = 256 << 10

// Open opens the file with digest for reading. A missing file is
// ErrNotFound; a store that does not answer is ErrUnavailable.
func (s *Store) Open(ctx context.Context, digest string) (*Reader, error) {
	if !ValidDigest(digest) {
		return nil, ErrNotFound
	}
	r, err := s.bucket.NewReader(ctx, Key(digest), nil)
	if err != nil {
		if isNotFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return &Reader{r: r, digest: digest, size: r.Size(), h: sha256.New(), next: make([]byte, chunk)}, nil
}

// Size is the stored file's size in bytes.
func (r *Reader) Size() int64 { return r.size }

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.fill()
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// fill reads the next chunk; the one held before is released once it
// succeeded, or at the end when the digest matches.
func (r *Reader) fill() {
	n, err := io.ReadFull(r.r, r.next)
	if n > 0 {
		r.h.Write(r.next[:n])
		r.read += int64(n)
		// Release what was held; hold what was just read.
		released := r.held
		r.held = append(r.held[:0:0], r.next[:n]...)
		r.out = released
	}
	switch {
	case err == nil:
		return
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if got := hex.EncodeToString(r.h.Sum(nil)); got != r.digest || r.read != r.size {
			r.err = fmt.Errorf("%w: sha256:%s reads back as sha256:%s (%d bytes)", ErrCorrupt, r.digest, got, r.read)
			r.held = nil
			return
		}
		r.out = append(r.out, r.held...)
		r.held = nil
		r.err = io.EOF
	default:
		r.err = fmt.Errorf("%w: %v", ErrUnavailable, err)
		r.held = nil
	}
}

// Close releases the reader.
func (r *Reader) Close() error { return r.r.Close() }

// Verify reads the whole file with digest and reports ErrCorrupt when its
// bytes no longer match (aims evidence verify).
func (s *Store) Verify(ctx context.Context, digest string) error {
	r, err := s.Open(ctx, digest)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err
}
