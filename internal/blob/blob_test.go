package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/blob"
)

// stores opens every kind of store the tests run on: the data-directory
// folder, an in-memory bucket, and, when AIMS_TEST_S3_URL names a bucket
// (CI starts SeaweedFS's S3 gateway), that bucket. With
// AIMS_TEST_REQUIRE_S3=1 a missing URL fails instead of skipping.
func stores(t *testing.T, max int64) map[string]*blob.Store {
	t.Helper()
	ctx := context.Background()
	out := map[string]*blob.Store{}
	dir, err := blob.OpenDir(t.TempDir(), blob.Options{MaxBytes: max})
	if err != nil {
		t.Fatal(err)
	}
	out["folder"] = dir
	mem, err := blob.Open(ctx, "mem://", blob.Options{MaxBytes: max})
	if err != nil {
		t.Fatal(err)
	}
	out["memory"] = mem
	if u := os.Getenv("AIMS_TEST_S3_URL"); u != "" {
		s3, err := blob.Open(ctx, u, blob.Options{MaxBytes: max})
		if err != nil {
			t.Fatal(err)
		}
		out["s3"] = s3
	} else if os.Getenv("AIMS_TEST_REQUIRE_S3") == "1" {
		t.Fatal("AIMS_TEST_REQUIRE_S3=1 but AIMS_TEST_S3_URL is not set")
	}
	for _, s := range out {
		t.Cleanup(func() { s.Close() })
	}
	return out
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// unique makes bytes no other test (nor run, on a shared S3 bucket) stores.
func unique(t *testing.T, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	copy(b, []byte(t.Name()+randomSuffix()))
	return b
}

func randomSuffix() string {
	var b [8]byte
	f, _ := os.Open("/dev/urandom")
	if f != nil {
		_, _ = io.ReadFull(f, b[:])
		f.Close()
	}
	return hex.EncodeToString(b[:])
}

func readAll(t *testing.T, s *blob.Store, digest string) ([]byte, error) {
	t.Helper()
	r, err := s.Open(context.Background(), digest)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func TestPutStoresOnceAndReadsBack(t *testing.T) {
	for name, s := range stores(t, 0) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			data := unique(t, 700<<10) // several read chunks
			got, err := s.Put(ctx, bytes.NewReader(data), "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Digest != digestOf(data) || got.Size != int64(len(data)) || got.Existed {
				t.Fatalf("Put = %+v, want digest %s size %d, new", got, digestOf(data), len(data))
			}
			again, err := s.Put(ctx, bytes.NewReader(data), digestOf(data))
			if err != nil || !again.Existed || again.Digest != got.Digest {
				t.Fatalf("second Put = %+v, %v; want the same digest, existed", again, err)
			}
			back, err := readAll(t, s, got.Digest)
			if err != nil || !bytes.Equal(back, data) {
				t.Fatalf("read back %d bytes, %v; want %d equal bytes", len(back), err, len(data))
			}
			if err := s.Verify(ctx, got.Digest); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if o, err := s.Orphans(ctx); err != nil || len(o) != 0 {
				t.Fatalf("temporary objects left: %v, %v", o, err)
			}
		})
	}
}

// failingReader gives n bytes, then fails as a connection that was cut.
type failingReader struct {
	r io.Reader
	n int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func TestFailedUploadsStoreNothing(t *testing.T) {
	for name, s := range stores(t, 1<<20) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			data := unique(t, 600<<10)
			cases := []struct {
				name   string
				r      io.Reader
				want   string
				digest string
				err    error
			}{
				{"cut off mid-stream", &failingReader{r: bytes.NewReader(data), n: 300 << 10}, "", digestOf(data), blob.ErrInterrupted},
				{"over the size limit", bytes.NewReader(append(unique(t, 1<<20), 'x')), "", "", blob.ErrTooLarge},
				{"digest given does not match", bytes.NewReader(data), digestOf([]byte("other")), digestOf(data), blob.ErrDigestMismatch},
				{"digest not hex", bytes.NewReader(data), "sha256:zz", digestOf(data), blob.ErrDigestMismatch},
			}
			for _, c := range cases {
				_, err := s.Put(ctx, c.r, c.want)
				if !errors.Is(err, c.err) {
					t.Errorf("%s: Put error %v, want %v", c.name, err, c.err)
				}
				if c.digest != "" {
					if ok, err := s.Exists(ctx, c.digest); err != nil || ok {
						t.Errorf("%s: the bytes are stored (%v, %v)", c.name, ok, err)
					}
				}
			}
			if o, err := s.Orphans(ctx); err != nil || len(o) != 0 {
				t.Fatalf("temporary objects left: %v, %v", o, err)
			}
		})
	}
}

func TestTamperedFileIsNotServed(t *testing.T) {
	for name, s := range stores(t, 0) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for _, size := range []int{100, 700 << 10} {
				data := unique(t, size)
				st, err := s.Put(ctx, bytes.NewReader(data), "")
				if err != nil {
					t.Fatal(err)
				}
				// Same size, one byte changed at the end.
				bad := bytes.Clone(data)
				bad[len(bad)-1] ^= 0xff
				w, err := s.Writer(ctx, st.Digest)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Write(bad); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				got, err := readAll(t, s, st.Digest)
				if !errors.Is(err, blob.ErrCorrupt) {
					t.Fatalf("size %d: read error %v, want ErrCorrupt", size, err)
				}
				if len(got) >= len(data) {
					t.Fatalf("size %d: %d bytes handed out of a corrupt file: its end must be withheld", size, len(got))
				}
				if err := s.Verify(ctx, st.Digest); !errors.Is(err, blob.ErrCorrupt) {
					t.Fatalf("Verify = %v, want ErrCorrupt", err)
				}
				_ = s.Delete(ctx, st.Digest)
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	for name, s := range stores(t, 0) {
		t.Run(name, func(t *testing.T) {
			if _, err := readAll(t, s, digestOf([]byte(t.Name()+randomSuffix()))); !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("read of a missing file: %v, want ErrNotFound", err)
			}
			if _, err := readAll(t, s, "../../etc/passwd"); !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("read of a bad digest: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestUnreachableStoreIsUnavailable(t *testing.T) {
	ctx := context.Background()
	s, err := blob.Open(ctx, "s3://nobucket?endpoint=http://127.0.0.1:1&region=us-east-1&use_path_style=true&anonymous=true", blob.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Put(ctx, strings.NewReader("evidence"), ""); !errors.Is(err, blob.ErrUnavailable) {
		t.Fatalf("Put on a dead store: %v, want ErrUnavailable", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, blob.ErrUnavailable) {
		t.Fatalf("Ping on a dead store: %v, want ErrUnavailable", err)
	}
}

func TestKeyAndDigest(t *testing.T) {
	d := digestOf([]byte("abc"))
	if got, want := blob.Key(d), "sha256/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Fatalf("Key = %s, want %s", got, want)
	}
	for _, c := range []struct {
		d  string
		ok bool
	}{{d, true}, {strings.ToUpper(d), false}, {d[:63], false}, {"", false}, {d[:62] + "/x", false}} {
		if blob.ValidDigest(c.d) != c.ok {
			t.Errorf("ValidDigest(%q) = %v", c.d, !c.ok)
		}
	}
}
