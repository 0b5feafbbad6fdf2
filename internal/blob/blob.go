// Package blob is the content-addressed file store of aims' evidence
// (ISO/IEC 42001 7.5.3: documented information protected and available).
// A file is stored once under the SHA-256 digest of its bytes, at the key
// sha256/ab/cdef... (the first two hex digits make a folder), on a bucket
// that gocloud.dev opens: a folder in the data directory by default
// (file://), S3-compatible storage when AIMS_BLOB_URL names a bucket
// (s3://bucket?endpoint=...&region=...&use_path_style=true).
//
// Bytes are streamed, never held whole in memory: Put writes them to a
// temporary name while hashing and counting them, then moves them to their
// digest's key; a cut-off or refused upload removes the temporary object,
// so nothing is left behind. Open hashes while reading and withholds the
// last chunk until the digest matches, so a stored file whose bytes were
// changed is reported, never served as good.
//
// The package imports nothing of aims' store or services.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	_ "gocloud.dev/blob/s3blob" // s3:// URLs
	"gocloud.dev/gcerrors"
)

// The errors Put and Open answer; wrap-checked with errors.Is.
var (
	// ErrTooLarge: the bytes exceed the store's size limit; nothing is kept.
	ErrTooLarge = errors.New("the file is larger than the limit")
	// ErrDigestMismatch: the bytes do not hash to the digest the client gave.
	ErrDigestMismatch = errors.New("the file's SHA-256 digest does not match the one given")
	// ErrUnavailable: the blob store could not be reached or refused to
	// store or read; try again later.
	ErrUnavailable = errors.New("the file store is unavailable")
	// ErrCorrupt: a stored file's bytes no longer hash to its digest.
	ErrCorrupt = errors.New("the stored file does not match its digest")
	// ErrNotFound: no file is stored under the digest.
	ErrNotFound = errors.New("no file is stored under this digest")
	// ErrInterrupted: the upload ended before its last byte (the client
	// went away); nothing is kept.
	ErrInterrupted = errors.New("the upload was cut off")
)

// DefaultMaxBytes is the default size limit of one file (2 GiB).
const DefaultMaxBytes int64 = 2 << 30

// Store is a content-addressed blob store.
type Store struct {
	bucket   *blob.Bucket
	dir      string // the folder of a file:// store: uploads are a temp file renamed
	url      string
	maxBytes int64
}

// Options tune a store.
type Options struct {
	// MaxBytes is the size limit of one file; 0 means DefaultMaxBytes.
	MaxBytes int64
}

// Open opens the store at rawURL: file:///path (a folder, created when
// missing), s3://bucket?... (gocloud.dev s3blob options) or mem:// (tests).
func Open(ctx context.Context, rawURL string, o Options) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("blob store URL %q: %w", redact(rawURL), err)
	}
	s := &Store{url: redact(rawURL), maxBytes: o.MaxBytes}
	if s.maxBytes <= 0 {
		s.maxBytes = DefaultMaxBytes
	}
	switch u.Scheme {
	case "file":
		return OpenDir(u.Path, o)
	case "mem":
		s.bucket = memblob.OpenBucket(nil)
	case "s3":
		if s.bucket, err = blob.OpenBucket(ctx, rawURL); err != nil {
			return nil, fmt.Errorf("open blob store %s: %w", s.url, err)
		}
	default:
		return nil, fmt.Errorf("blob store URL %q: the scheme must be file, s3 or mem", redact(rawURL))
	}
	return s, nil
}

// OpenDir opens the folder dir as a store, creating it when missing.
func OpenDir(dir string, o Options) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(abs, tmpPrefix), 0o750); err != nil {
		return nil, fmt.Errorf("blob folder %s: %w", abs, err)
	}
	b, err := fileblob.OpenBucket(abs, &fileblob.Options{Metadata: fileblob.MetadataDontWrite, NoTempDir: true})
	if err != nil {
		return nil, fmt.Errorf("blob folder %s: %w", abs, err)
	}
	max := o.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	return &Store{bucket: b, dir: abs, url: "file://" + abs, maxBytes: max}, nil
}

// URL is where the store is, without credentials.
func (s *Store) URL() string { return s.url }

// MaxBytes is the size limit of one file.
func (s *Store) MaxBytes() int64 { return s.maxBytes }

// Close releases the bucket.
func (s *Store) Close() error { return s.bucket.Close() }

// tmpPrefix is where uploads are written before they are moved to their
// digest's key.
const tmpPrefix = "tmp"

// Key is the key of the file with the hex SHA-256 digest.
func Key(digest string) string { return "sha256/" + digest[:2] + "/" + digest[2:] }

// ValidDigest reports whether d is a lowercase hex SHA-256 digest.
func ValidDigest(d string) bool {
	if len(d) != 64 {
		return false
	}
	for _, c := range d {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Stored says what Put kept.
type Stored struct {
	Digest string // hex SHA-256
	Size   int64
	// Existed is true when identical bytes were stored before (kept once).
	Existed bool
}

// Put streams r into the store and returns its digest and size. want, when
// not empty, is the digest the client says the bytes have: a mismatch is
// ErrDigestMismatch. More than MaxBytes is ErrTooLarge. A reader that fails
// before EOF (a cut-off upload) is ErrInterrupted. In every failure the
// temporary object is removed and nothing is stored.
func (s *Store) Put(ctx context.Context, r io.Reader, want string) (Stored, error) {
	if want != "" && !ValidDigest(want) {
		return Stored{}, fmt.Errorf("%w: %q is not a lowercase hex SHA-256 digest", ErrDigestMismatch, want)
	}
	if s.dir != "" {
		return s.putFile(ctx, r, want)
	}
	return s.putBucket(ctx, r, want)
}

// copyLimited copies r to w through h, refusing more than max bytes.
func copyLimited(w io.Writer, r io.Reader, max int64) (int64, error) {
	buf := make([]byte, 256<<10)
	n, err := io.CopyBuffer(w, io.LimitReader(r, max+1), buf)
	if err != nil {
		return n, err
	}
	if n > max {
		return n, ErrTooLarge
	}
	return n, nil
}

// readErr tells a failed read of the client's bytes (interrupted) from a
// failed write to the store (unavailable) and the size limit.
type readErr struct{ err error }

func (e readErr) Error() string { return e.err.Error() }
func (e readErr) Unwrap() error { return e.err }

type readSide struct{ r io.Reader }

func (r readSide) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = readErr{err}
	}
	return n, err
}

func classifyPut(err error) error {
	var re readErr
	switch {
	case errors.Is(err, ErrTooLarge):
		return ErrTooLarge
	case errors.As(err, &re):
		if errors.Is(re.err, ErrTooLarge) {
			return ErrTooLarge
		}
		return fmt.Errorf("%w: %v", ErrInterrupted, re.err)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%w: %v", ErrInterrupted, err)
	default:
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
}

func (s *Store) putFile(ctx context.Context, r io.Reader, want string) (Stored, error) {
	f, err := os.CreateTemp(filepath.Join(s.dir, tmpPrefix), "upload-*")
	if err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	tmp := f.Name()
	keep := false
	defer func() {
		if !keep {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	n, err := copyLimited(io.MultiWriter(f, h), readSide{ctxReader{ctx, r}}, s.maxBytes)
	if err != nil {
		return Stored{}, classifyPut(err)
	}
	digest := hex.EncodeToString(h.Sum(nil))
	if want != "" && want != digest {
		return Stored{}, ErrDigestMismatch
	}
	if err := f.Sync(); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if err := f.Close(); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	final := filepath.Join(s.dir, filepath.FromSlash(Key(digest)))
	if _, err := os.Stat(final); err == nil {
		return Stored{Digest: digest, Size: n, Existed: true}, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	keep = true
	return Stored{Digest: digest, Size: n}, nil
}

func (s *Store) putBucket(ctx context.Context, r io.Reader, want string) (Stored, error) {
	tmp := tmpPrefix + "/upload-" + randomName()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.bucket.NewWriter(wctx, tmp, &blob.WriterOptions{ContentType: "application/octet-stream", DisableContentTypeDetection: true})
	if err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	h := sha256.New()
	n, err := copyLimited(io.MultiWriter(w, h), readSide{r}, s.maxBytes)
	if err != nil {
		cancel() // the writer discards what it has: nothing is stored
		_ = w.Close()
		return Stored{}, classifyPut(err)
	}
	if err := w.Close(); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer func() { _ = s.bucket.Delete(context.WithoutCancel(ctx), tmp) }()
	digest := hex.EncodeToString(h.Sum(nil))
	if want != "" && want != digest {
		return Stored{}, ErrDigestMismatch
	}
	key := Key(digest)
	if ok, err := s.bucket.Exists(ctx, key); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	} else if ok {
		return Stored{Digest: digest, Size: n, Existed: true}, nil
	}
	if err := s.bucket.Copy(ctx, key, tmp, nil); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return Stored{Digest: digest, Size: n}, nil
}

// ctxReader stops reading when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func randomName() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Exists reports whether a file with digest is stored.
func (s *Store) Exists(ctx context.Context, digest string) (bool, error) {
	if !ValidDigest(digest) {
		return false, nil
	}
	ok, err := s.bucket.Exists(ctx, Key(digest))
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return ok, nil
}

// Ping checks that the store answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.dir != "" {
		if _, err := os.Stat(s.dir); err != nil {
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		return nil
	}
	if _, err := s.bucket.Exists(ctx, "sha256/ping"); err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return nil
}

// Delete removes the file with digest (a test's or an operator's act: the
// evidence register never deletes a file a revision names).
func (s *Store) Delete(ctx context.Context, digest string) error {
	if !ValidDigest(digest) {
		return ErrNotFound
	}
	err := s.bucket.Delete(ctx, Key(digest))
	if gcerrors.Code(err) == gcerrors.NotFound {
		return ErrNotFound
	}
	return err
}

// Writer writes raw bytes at digest's key, bypassing the hash: for tests
// that tamper with a stored file.
func (s *Store) Writer(ctx context.Context, digest string) (io.WriteCloser, error) {
	return s.bucket.NewWriter(ctx, Key(digest), nil)
}

// Orphans lists the temporary objects left behind (none, unless a process
// died mid-upload); tests check that a failed upload leaves none.
func (s *Store) Orphans(ctx context.Context) ([]string, error) {
	var out []string
	it := s.bucket.List(&blob.ListOptions{Prefix: tmpPrefix + "/"})
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		out = append(out, o.Key)
	}
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User("REDACTED")
	return u.String()
}

// isNotFound reports a missing object.
func isNotFound(err error) bool {
	return gcerrors.Code(err) == gcerrors.NotFound || errors.Is(err, os.ErrNotExist) ||
		strings.Contains(err.Error(), "NoSuchKey")
}
