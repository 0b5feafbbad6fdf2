package witness

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"

	"github.com/aimsproject/aims/internal/ledger"
)

// testLog is a log with its signing key: a Merkle tree and checkpoints.
type testLog struct {
	t      *testing.T
	origin string
	signer note.Signer
	vkey   string
	tree   *testonly.Tree
}

func newTestLog(t *testing.T, origin string, skey, vkey string) *testLog {
	t.Helper()
	if skey == "" {
		var err error
		if skey, vkey, err = note.GenerateKey(rand.Reader, origin); err != nil {
			t.Fatal(err)
		}
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return &testLog{t: t, origin: origin, signer: s, vkey: vkey, tree: testonly.New(rfc6962.DefaultHasher)}
}

func (l *testLog) grow(prefix string, n int) {
	for i := 0; i < n; i++ {
		l.tree.AppendData([]byte(fmt.Sprintf("%s entry %d", prefix, l.tree.Size())))
	}
}

func (l *testLog) checkpoint() []byte {
	l.t.Helper()
	b, err := ledger.Checkpoint{Origin: l.origin, Size: l.tree.Size(), Root: l.tree.Hash()}.Sign(l.signer)
	if err != nil {
		l.t.Fatal(err)
	}
	return b
}

func (l *testLog) request(old uint64) Request {
	l.t.Helper()
	var p [][]byte
	if old > 0 && old < l.tree.Size() {
		var err error
		if p, err = l.tree.ConsistencyProof(old, l.tree.Size()); err != nil {
			l.t.Fatal(err)
		}
	}
	return Request{OldSize: old, Proof: p, Checkpoint: l.checkpoint()}
}

func (l *testLog) verifier() note.Verifier {
	v, err := note.NewVerifier(l.vkey)
	if err != nil {
		l.t.Fatal(err)
	}
	return v
}

func newWitness(t *testing.T, dir string, logs ...*testLog) (*Server, note.Verifier) {
	t.Helper()
	skey, vkey, err := GenerateKey("witness.example")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := VerifierKey(skey); err != nil || got != vkey {
		t.Fatalf("VerifierKey = %q, %v; want %q", got, err, vkey)
	}
	srv := &Server{Signer: s, Logs: map[string]note.Verifier{}, Store: &FileStore{Path: filepath.Join(dir, StateFile)}}
	for _, l := range logs {
		srv.Logs[l.origin] = l.verifier()
	}
	return srv, v
}

func TestRequestRoundTripAndBadBodies(t *testing.T) {
	h := bytes.Repeat([]byte{7}, 32)
	r := Request{OldSize: 12, Proof: [][]byte{h, h}, Checkpoint: []byte("o\n20\nroot\n\n— o sig\n")}
	got, err := ParseRequest(r.Marshal())
	if err != nil || got.OldSize != 12 || len(got.Proof) != 2 || !bytes.Equal(got.Checkpoint, r.Checkpoint) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for name, body := range map[string]string{
		"no old line":       "",
		"not old":           "new 3\n\ncp\n",
		"leading zero":      "old 03\n\ncp\n",
		"negative":          "old -1\n\ncp\n",
		"bad hash":          "old 3\nnot-base64!\n\ncp\n",
		"short hash":        "old 3\nAAAA\n\ncp\n",
		"hash with a CR":    "old 3\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\r\n\ncp\n",
		"non-canonical":     "old 3\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwd=\n\ncp\n",
		"no blank line":     "old 3\n",
		"no checkpoint":     "old 3\n\n",
		"too many hashes":   "old 3\n" + strings.Repeat("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n", 64) + "\ncp\n",
		"proof never ended": "old 3\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
	} {
		if _, err := ParseRequest([]byte(body)); err == nil {
			t.Errorf("%s: parsed %q", name, body)
		}
	}
}

// TestWitnessCosignsOnlyConsistentCheckpoints walks a witness through the
// protocol's answers, and shows that a forked log (another tree under the
// same key) gets no cosignature, even after the witness restarts.
func TestWitnessCosignsOnlyConsistentCheckpoints(t *testing.T) {
	dir := t.TempDir()
	lg := newTestLog(t, "aims.example/log/acme", "", "")
	srv, wv := newWitness(t, dir, lg)

	lg.grow("a", 5)
	sig, err := srv.AddCheckpoint(lg.request(0))
	if err != nil {
		t.Fatalf("first checkpoint: %v", err)
	}
	if _, err := CheckCosignature(lg.checkpoint(), sig, wv); err != nil {
		t.Fatalf("cosignature: %v", err)
	}
	lg.grow("a", 300)
	if _, err := srv.AddCheckpoint(lg.request(5)); err != nil {
		t.Fatalf("grown checkpoint: %v", err)
	}

	// A fork: the same key signs a tree whose first entries differ.
	fork := newTestLog(t, lg.origin, "", lg.vkey)
	fork.signer = lg.signer
	fork.grow("b", 400)
	other := newTestLog(t, "other.example/log/x", "", "")
	other.grow("x", 3)
	badSig := lg.checkpoint()
	badSig[len(badSig)-5] ^= 1

	for _, tc := range []struct {
		name   string
		req    Request
		status int
		size   uint64
	}{
		{"old size the witness does not have", lg.request(5), http.StatusConflict, 305},
		{"fork, proof from the cosigned size", fork.request(305), http.StatusUnprocessableEntity, 0},
		{"fork at the same size", func() Request {
			f := newTestLog(t, lg.origin, "", lg.vkey)
			f.signer = lg.signer
			f.grow("c", 305)
			return f.request(305)
		}(), http.StatusConflict, 305},
		{"the same checkpoint again is cosigned again", lg.request(305), 0, 0},
		{"unknown log", other.request(0), http.StatusNotFound, 0},
		{"signature does not verify", Request{OldSize: 305, Checkpoint: badSig}, http.StatusForbidden, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.AddCheckpoint(tc.req)
			if tc.status == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tc.status || e.Size != tc.size {
				t.Fatalf("got %v (%+v), want status %d size %d", err, e, tc.status, tc.size)
			}
		})
	}

	// A restarted witness remembers what it cosigned.
	srv2 := &Server{Signer: srv.Signer, Logs: srv.Logs, Store: &FileStore{Path: filepath.Join(dir, StateFile)}}
	var e *Error
	if _, err := srv2.AddCheckpoint(fork.request(305)); !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity {
		t.Fatalf("restarted witness and the fork: %v", err)
	}
	if _, err := srv2.AddCheckpoint(fork.request(0)); !errors.As(err, &e) || e.Status != http.StatusConflict || e.Size != 305 {
		t.Fatalf("restarted witness and the fork from 0: %v", err)
	}
	lg.grow("a", 1)
	if _, err := srv2.AddCheckpoint(lg.request(305)); err != nil {
		t.Fatalf("restarted witness and the honest log: %v", err)
	}

	// Its operator forgets the log (it was rebuilt on purpose): the new
	// log is witnessed from its start, and only then.
	fs := &FileStore{Path: filepath.Join(dir, StateFile)}
	st, err := fs.Forget(lg.origin)
	if err != nil || st == nil || st.Size != 306 {
		t.Fatalf("Forget = %+v, %v; want the checkpoint of size 306", st, err)
	}
	if st, err := fs.Forget(lg.origin); err != nil || st != nil {
		t.Fatalf("forgetting twice = %+v, %v", st, err)
	}
	if _, err := srv2.AddCheckpoint(fork.request(0)); err != nil {
		t.Fatalf("the rebuilt log after Forget: %v", err)
	}
}

// TestSubmitOverHTTP runs the client against the server: a cosignature
// comes back and verifies, a 409 carries the witness's size, a fork is a
// refusal the client reports as one.
func TestSubmitOverHTTP(t *testing.T) {
	lg := newTestLog(t, "aims.example/log/acme", "", "")
	srv, wv := newWitness(t, t.TempDir(), lg)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	ctx := context.Background()

	lg.grow("a", 10)
	line, err := Submit(ctx, hs.Client(), hs.URL, wv, lg.request(0))
	if err != nil {
		t.Fatal(err)
	}
	cosigned := AppendSignatures(lg.checkpoint(), line)
	if names, err := RequireCosignatures(cosigned, lg.verifier(), []note.Verifier{wv}, 1); err != nil || len(names) != 1 {
		t.Fatalf("RequireCosignatures = %v, %v", names, err)
	}
	if _, err := RequireCosignatures(lg.checkpoint(), lg.verifier(), []note.Verifier{wv}, 1); err == nil {
		t.Fatal("a checkpoint without cosignature satisfied the witness")
	}
	if !bytes.Equal(AppendSignatures(cosigned, line), cosigned) {
		t.Fatal("AppendSignatures added a line the note had")
	}

	lg.grow("a", 10)
	var ce *ConflictError
	if _, err := Submit(ctx, hs.Client(), hs.URL, wv, lg.request(0)); !errors.As(err, &ce) || ce.Size != 10 {
		t.Fatalf("stale old size: %v", err)
	}
	fork := newTestLog(t, lg.origin, "", lg.vkey)
	fork.signer = lg.signer
	fork.grow("b", 30)
	var re *RefusedError
	if _, err := Submit(ctx, hs.Client(), hs.URL, wv, fork.request(10)); !errors.As(err, &re) || !re.Fork() {
		t.Fatalf("fork: %v", err)
	}
	if _, err := Submit(ctx, hs.Client(), hs.URL, wv, lg.request(10)); err != nil {
		t.Fatalf("honest log after the fork was refused: %v", err)
	}
}

// FuzzParseRequest: any body either parses into a request that marshals
// back to the same bytes, or is refused; it never panics.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("old 0\n\naims.example/log/acme\n1\nAAAA\n\n— aims.example/log/acme sig\n"))
	f.Add([]byte("old 12\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\ncp\n"))
	f.Add([]byte("old 3\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseRequest(body)
		if err != nil {
			return
		}
		if len(r.Proof) > MaxProofHashes || len(r.Checkpoint) == 0 {
			t.Fatalf("parsed an out-of-bounds request: %d hashes, %d bytes of checkpoint", len(r.Proof), len(r.Checkpoint))
		}
		if got := r.Marshal(); !bytes.Equal(got, body) {
			t.Fatalf("Marshal(Parse(%q)) = %q", body, got)
		}
	})
}
