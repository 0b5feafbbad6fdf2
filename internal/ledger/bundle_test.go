package ledger_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/ledger"
)

// fixtureLog builds a log of n entries with a signed checkpoint at each of
// sizes, and returns it with its key.
func fixtureLog(t *testing.T, n int, sizes ...uint64) (*memLog, *ledger.OrgKey, [][]byte) {
	t.Helper()
	skey, err := ledger.GenerateMasterKey("test.example")
	if err != nil {
		t.Fatal(err)
	}
	mk, _ := ledger.ParseMasterKey(skey)
	key, err := mk.ForOrigin(mk.Origin("acme"))
	if err != nil {
		t.Fatal(err)
	}
	m := newMemLog()
	var cps [][]byte
	for i := 0; i < n; i++ {
		m.append(t, entry(i))
		for _, s := range sizes {
			if s == uint64(i+1) {
				app, _ := ledger.NewAppender(m.edge)
				c, err := ledger.Checkpoint{Origin: key.Signer.Name(), Size: s, Root: app.Root()}.Sign(key.Signer)
				if err != nil {
					t.Fatal(err)
				}
				cps = append(cps, c)
			}
		}
	}
	return m, key, cps
}

func exportFixture(t *testing.T, m *memLog, key *ledger.OrgKey, cps [][]byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bundle")
	err := ledger.WriteBundle(context.Background(), dir, ledger.Bundle{
		VerifierKey: key.VerifierKey, Checkpoints: cps, Size: m.edge.Size,
		Tree: ledger.NewReader("x", m.edge.Size, m, nil), Entries: m.entriesRange,
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBundleVerifies(t *testing.T) {
	t.Parallel()
	m, key, cps := fixtureLog(t, 70000, 1, 300, 65536, 69000, 70000)
	dir := exportFixture(t, m, key, cps)
	for _, full := range []bool{false, true} {
		rep, err := ledger.VerifyBundle(context.Background(), dir, key.Verifier, ledger.VerifyOptions{Full: full})
		if err != nil {
			t.Fatalf("full=%v: %v", full, err)
		}
		if rep.Size != 70000 || rep.Checkpoints != 5 {
			t.Errorf("report = %+v", rep)
		}
	}
}

// TestBundleFaults changes a bundle in each way the verifier must catch and
// checks that it fails naming what was changed.
func TestBundleFaults(t *testing.T) {
	t.Parallel()
	m, key, cps := fixtureLog(t, 1000, 10, 500, 1000)
	_, otherKey, _ := fixtureLog(t, 1)
	flip := func(name string, at int) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, filepath.FromSlash(name))
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if at < 0 {
				at += len(b)
			}
			b[at] ^= 0x01
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		name   string
		change func(t *testing.T, dir string)
		full   bool
		want   []string
	}{
		{"tampered entry", flip("tile/entries/001", 2+10), false, []string{"entry 256", "tile/entries/001", "altered"}},
		{"tampered entry, full", flip("tile/entries/003.p/232", 500), true, []string{"entry 7", "tile/entries/003.p/232"}},
		{"tampered full tile", flip("tile/0/002", 100), false, []string{"tile/0/002", "altered"}},
		{"tampered partial tile", flip("tile/0/003.p/232", 40), false, []string{"tile/0/003.p/232", "partial tiles"}},
		{"tampered checkpoint signature", flip("checkpoints/500", -5), false, []string{"checkpoints/500", "signature"}},
		{"tampered latest checkpoint", flip("checkpoint", -5), false, []string{"checkpoint:", "signature"}},
		{"inconsistent checkpoint", func(t *testing.T, dir string) {
			// A checkpoint properly signed, but of another tree of size 500:
			// the log would have shown two histories.
			forged, err := ledger.Checkpoint{Origin: key.Signer.Name(), Size: 500, Root: ledger.LeafHash([]byte("other"))}.Sign(key.Signer)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "checkpoints", "500"), forged, 0o644)
		}, false, []string{"checkpoints/500", "not consistent", "two different histories"}},
		{"checkpoint of another key", func(t *testing.T, dir string) {
			c, _ := ledger.Checkpoint{Origin: otherKey.Signer.Name(), Size: 10, Root: ledger.LeafHash(nil)}.Sign(otherKey.Signer)
			os.WriteFile(filepath.Join(dir, "checkpoints", "10"), c, 0o644)
		}, false, []string{"checkpoints/10", "signature"}},
		{"missing entry bundle", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "tile", "entries", "002"))
		}, false, []string{"tile/entries/002", "truncated"}},
		{"truncated entry bundle", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "tile", "entries", "000")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-7], 0o644)
		}, false, []string{"tile/entries/000", "truncated"}},
		{"truncated tile", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "tile", "0", "001")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:4096], 0o644)
		}, false, []string{"tile/0/001", "truncated"}},
		{"missing checkpoint", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "checkpoint"))
		}, false, []string{"checkpoint", "incomplete"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := exportFixture(t, m, key, cps)
			c.change(t, dir)
			_, err := ledger.VerifyBundle(context.Background(), dir, key.Verifier, ledger.VerifyOptions{Full: c.full})
			if err == nil {
				t.Fatal("the changed bundle verified")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestRecordProof(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, key, cps := fixtureLog(t, 300, 300)
	r := ledger.NewReader("x", 300, m, nil)
	hashes, err := r.InclusionProof(ctx, 42, 300)
	if err != nil {
		t.Fatal(err)
	}
	file, err := ledger.RecordProof{Index: 42, Hashes: hashes, Checkpoint: cps[0], Entry: entry(42)}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(file), "c2sp.org/tlog-proof@v1\nextra ") {
		t.Fatalf("not a tlog-proof: %q", file[:40])
	}
	if _, got, err := ledger.VerifyRecordProof(file, key.Verifier, nil); err != nil || string(got) != string(entry(42)) {
		t.Fatalf("proof with its own entry: %v", err)
	}
	if _, _, err := ledger.VerifyRecordProof(file, key.Verifier, entry(42)); err != nil {
		t.Fatalf("proof with the entry file: %v", err)
	}
	if _, _, err := ledger.VerifyRecordProof(file, key.Verifier, entry(43)); err == nil {
		t.Error("another entry verified")
	}
	noEntry, _ := ledger.RecordProof{Index: 42, Hashes: hashes, Checkpoint: cps[0]}.Marshal()
	if _, _, err := ledger.VerifyRecordProof(noEntry, key.Verifier, entry(41)); err == nil || !strings.Contains(err.Error(), "entry 42") {
		t.Errorf("the wrong entry: err = %v", err)
	}
	beyond, _ := ledger.RecordProof{Index: 300, Hashes: hashes, Checkpoint: cps[0], Entry: entry(1)}.Marshal()
	if _, _, err := ledger.VerifyRecordProof(beyond, key.Verifier, nil); err == nil || !strings.Contains(err.Error(), "beyond") {
		t.Errorf("index beyond the tree: err = %v", err)
	}
	tampered := []byte(strings.Replace(string(file), "index 42", "index 43", 1))
	if _, _, err := ledger.VerifyRecordProof(tampered, key.Verifier, nil); err == nil {
		t.Error("a proof with another index verified")
	}
}
