package ledger_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/fuzzseed"
	"github.com/aimsproject/aims/internal/ledger"
)

// The fuzz targets of the log's file formats: what an auditor's tool or
// `aims log verify` reads from a bundle or a proof someone handed over. Each
// must refuse bad input with an error, never panic, and read back what it
// writes. CI runs each for a few seconds (.ci/run); the seeds are real
// files made here (fuzzseed).

// fuzzMasterKey is a key for tests only, so that the seed checkpoints
// verify on every run.
const fuzzMasterKey = "PRIVATE+KEY+fuzz.test+76f66492+AdWHyX/0lMmp017pwae5TItN3VrFeOdLGQ4LqpBojywI"

func fuzzOrgKey(f *testing.F) *ledger.OrgKey {
	f.Helper()
	mk, err := ledger.ParseMasterKey(fuzzMasterKey)
	if err != nil {
		f.Fatal(err)
	}
	key, err := mk.ForOrigin(mk.Origin("acme"))
	if err != nil {
		f.Fatal(err)
	}
	return key
}

// fuzzLog is a small log with a signed checkpoint and an inclusion proof
// file, the seeds of several targets.
func fuzzLog(f *testing.F) (key *ledger.OrgKey, checkpoint, proof []byte, m *memLog) {
	f.Helper()
	key = fuzzOrgKey(f)
	m = newMemLog()
	for i := 0; i < 300; i++ {
		m.append(f, entry(i))
	}
	app, err := ledger.NewAppender(m.edge)
	if err != nil {
		f.Fatal(err)
	}
	checkpoint, err = ledger.Checkpoint{Origin: key.Signer.Name(), Size: 300, Root: app.Root()}.Sign(key.Signer)
	if err != nil {
		f.Fatal(err)
	}
	hashes, err := ledger.NewReader("x", 300, m, nil).InclusionProof(context.Background(), 42, 300)
	if err != nil {
		f.Fatal(err)
	}
	proof, err = ledger.RecordProof{Index: 42, Hashes: hashes, Checkpoint: checkpoint, Entry: entry(42)}.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	return key, checkpoint, proof, m
}

func FuzzOpenCheckpoint(f *testing.F) {
	key, cp, _, _ := fuzzLog(f)
	fuzzseed.Add(f, "signed", cp)
	fuzzseed.Add(f, "unsigned", []byte(strings.SplitAfterN(string(cp), "\n\n", 2)[0]))
	fuzzseed.Add(f, "extension-line", bytes.Replace(cp, []byte("\n\n"), []byte("\nextra\n\n"), 1))
	fuzzseed.Add(f, "empty", []byte{})
	f.Fuzz(func(t *testing.T, signed []byte) {
		c, err := ledger.OpenCheckpoint(signed, key.Verifier)
		if err != nil {
			return
		}
		if c.Origin != key.Verifier.Name() || len(c.Root) != ledger.HashSize {
			t.Fatalf("accepted checkpoint %+v for key %s", c, key.Verifier.Name())
		}
		again, err := c.Sign(key.Signer)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := ledger.OpenCheckpoint(again, key.Verifier)
		if err != nil || c2.Size != c.Size || !bytes.Equal(c2.Root, c.Root) {
			t.Fatalf("round trip: %+v, %v; want %+v", c2, err, c)
		}
	})
}

func FuzzParseTilePath(f *testing.F) {
	for _, p := range []string{
		ledger.TilePath(0, 0, 256), ledger.TilePath(0, 1234567, 7), ledger.TilePath(2, 5, 256),
		ledger.TilePath(ledger.EntriesLevel, 1, 256), ledger.TilePath(ledger.EntriesLevel, 1000, 3),
		"tile/data/000", "tile/0/x001/234.p/0", "tile/0/-1", "tile/64/000", "tile/0/01",
	} {
		fuzzseed.Add(f, strings.NewReplacer("/", "_", ".", "_").Replace(p), p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		level, n, w, err := ledger.ParseTilePath(path)
		if err != nil {
			return
		}
		if w < 1 || w > 256 || level < ledger.EntriesLevel {
			t.Fatalf("%q: level %d width %d accepted", path, level, w)
		}
		if again := ledger.TilePath(level, n, w); again != path {
			t.Fatalf("%q reads as tile %d/%d/%d, which is spelled %q: one tile, two paths", path, level, n, w, again)
		}
	})
}

func FuzzParseBundle(f *testing.F) {
	var entries [][]byte
	for i := 0; i < 5; i++ {
		entries = append(entries, entry(i))
	}
	b, err := ledger.MarshalBundle(entries)
	if err != nil {
		f.Fatal(err)
	}
	fuzzseed.Add(f, "five", b, uint8(5))
	fuzzseed.Add(f, "wrong-count", b, uint8(4))
	fuzzseed.Add(f, "truncated", b[:len(b)-3], uint8(5))
	fuzzseed.Add(f, "empty-entry", []byte{0, 0}, uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, want uint8) {
		entries, err := ledger.ParseBundle(b, int(want))
		if err != nil {
			return
		}
		if len(entries) != int(want) {
			t.Fatalf("%d entries, want %d", len(entries), want)
		}
		again, err := ledger.MarshalBundle(entries)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("round trip differs: %v", err)
		}
	})
}

func FuzzRecordProof(f *testing.F) {
	key, _, proof, _ := fuzzLog(f)
	fuzzseed.Add(f, "proof", proof)
	fuzzseed.Add(f, "other-index", bytes.Replace(proof, []byte("index 42"), []byte("index 43"), 1))
	fuzzseed.Add(f, "huge-index", bytes.Replace(proof, []byte("index 42"), []byte("index 18446744073709551615"), 1))
	fuzzseed.Add(f, "header-only", []byte("c2sp.org/tlog-proof@v1\n"))
	f.Fuzz(func(t *testing.T, file []byte) {
		p, err := ledger.ParseRecordProof(file)
		if err == nil {
			again, err := p.Marshal()
			if err != nil {
				t.Fatalf("a parsed proof does not marshal: %v", err)
			}
			p2, err := ledger.ParseRecordProof(again)
			if err != nil || p2.Index != p.Index || len(p2.Hashes) != len(p.Hashes) ||
				!bytes.Equal(p2.Checkpoint, p.Checkpoint) || !bytes.Equal(p2.Entry, p.Entry) {
				t.Fatalf("round trip: %+v, %v; want %+v", p2, err, p)
			}
		}
		cp, got, err := ledger.VerifyRecordProof(file, key.Verifier, nil)
		if err != nil {
			return
		}
		if p.Index >= cp.Size || !bytes.Equal(got, p.Entry) {
			t.Fatalf("verified entry %d of a %d-entry log", p.Index, cp.Size)
		}
	})
}

func FuzzParseKeys(f *testing.F) {
	key := fuzzOrgKey(f)
	fuzzseed.Add(f, "signer", fuzzMasterKey)
	fuzzseed.Add(f, "verifier", key.VerifierKey)
	fuzzseed.Add(f, "spaces", "  "+key.VerifierKey+"\n")
	fuzzseed.Add(f, "plus-in-name", "PRIVATE+KEY+a+b+c")
	fuzzseed.Add(f, "empty", "")
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := ledger.ParseVerifierKey(s); err == nil && v.Name() == "" {
			t.Fatalf("verifier key %q without a name", s)
		}
		mk, err := ledger.ParseMasterKey(s)
		if err != nil {
			return
		}
		k, err := mk.ForOrigin(mk.Origin("acme"))
		if err != nil {
			return
		}
		v, err := ledger.ParseVerifierKey(k.VerifierKey)
		if err != nil || v.Name() != k.Signer.Name() {
			t.Fatalf("a derived verifier key %q does not read back: %v", k.VerifierKey, err)
		}
	})
}

func FuzzParseEdge(f *testing.F) {
	_, _, _, m := fuzzLog(f)
	fuzzseed.Add(f, "edge-300", m.edge.Size, m.edge.Marshal())
	fuzzseed.Add(f, "empty-tree", uint64(0), []byte{})
	fuzzseed.Add(f, "short", m.edge.Size, m.edge.Marshal()[1:])
	f.Fuzz(func(t *testing.T, size uint64, b []byte) {
		e, err := ledger.ParseEdge(size, b)
		if err != nil {
			return
		}
		if e.Size != size || !bytes.Equal(e.Marshal(), b) {
			t.Fatalf("edge of %d leaves does not read back", size)
		}
		if _, err := ledger.NewAppender(e); err != nil {
			return
		}
	})
}

func FuzzParseEntryHeader(f *testing.F) {
	fuzzseed.Add(f, "entry", entry(7))
	fuzzseed.Add(f, "no-version", []byte(`{"type":"audit"}`))
	fuzzseed.Add(f, "not-json", []byte(`{"type":`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ledger.ParseEntryHeader(b)
		if err == nil && (h.Type == "" || h.V < 1) {
			t.Fatalf("header %+v accepted", h)
		}
	})
}

// FuzzVerifyBundleFile replaces one file of an exported bundle (a hash
// tile, an entry bundle, a checkpoint, the key) with the input and verifies
// the bundle: never a panic, and a tile that differs from the one exported
// never verifies.
func FuzzVerifyBundleFile(f *testing.F) {
	key, _, _, m := fuzzLog(f)
	var cps [][]byte
	for _, size := range []uint64{100, 300} {
		tree := newMemLog()
		tree.append(f, m.entries[:size]...)
		app, err := ledger.NewAppender(tree.edge)
		if err != nil {
			f.Fatal(err)
		}
		c, err := ledger.Checkpoint{Origin: key.Signer.Name(), Size: size, Root: app.Root()}.Sign(key.Signer)
		if err != nil {
			f.Fatal(err)
		}
		cps = append(cps, c)
	}
	dir := filepath.Join(f.TempDir(), "bundle")
	err := ledger.WriteBundle(context.Background(), dir, ledger.Bundle{
		VerifierKey: key.VerifierKey, Checkpoints: cps, Size: m.edge.Size,
		Tree: ledger.NewReader("x", m.edge.Size, m, nil), Entries: m.entriesRange,
	})
	if err != nil {
		f.Fatal(err)
	}
	files := []string{"checkpoint", "checkpoints/100", "checkpoints/300", "tile/0/000", "tile/0/001.p/44",
		"tile/1/000.p/1", "tile/entries/000", "tile/entries/001.p/44", "verifier.key"}
	original := map[string][]byte{}
	for i, name := range files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			f.Fatal(err)
		}
		original[name] = b
		seedName := strings.NewReplacer("/", "_", ".", "_").Replace(name)
		fuzzseed.Add(f, seedName, uint8(i), b)
		if len(b) > 40 {
			fuzzseed.Add(f, seedName+"-truncated", uint8(i), b[:len(b)-33])
		}
	}
	if _, err := ledger.VerifyBundle(context.Background(), dir, key.Verifier, ledger.VerifyOptions{}); err != nil {
		f.Fatalf("the exported bundle does not verify: %v", err)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := files[int(which)%len(files)]
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(path, original[name], 0o644)
		_, err := ledger.VerifyBundle(context.Background(), dir, key.Verifier, ledger.VerifyOptions{Full: which >= 128})
		if err == nil && strings.HasPrefix(name, "tile/") && !bytes.Equal(data, original[name]) {
			t.Fatalf("a bundle with another %s verifies", name)
		}
	})
}
