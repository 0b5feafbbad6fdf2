package ledger_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aimsproject/aims/internal/ledger"
)

// BenchmarkVerifyBundleFull verifies (--full) an exported log of
// AIMS_BENCH_LEAVES entries (default 100,000) of about 430 bytes each.
func BenchmarkVerifyBundleFull(b *testing.B) {
	n := 100_000
	if s := os.Getenv("AIMS_BENCH_LEAVES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	skey, _ := ledger.GenerateMasterKey("bench.example")
	mk, _ := ledger.ParseMasterKey(skey)
	key, _ := mk.ForOrigin(mk.Origin("acme"))
	m := newMemLog()
	pad := fmt.Sprintf("%0400d", 0)
	entries := make([][]byte, n)
	for i := range entries {
		entries[i] = []byte(fmt.Sprintf(`{"i":%d,"pad":"%s","type":"bench","v":1}`, i, pad))
	}
	m.append(b, entries...)
	app, _ := ledger.NewAppender(m.edge)
	cp, _ := ledger.Checkpoint{Origin: key.Signer.Name(), Size: m.edge.Size, Root: app.Root()}.Sign(key.Signer)
	dir := filepath.Join(b.TempDir(), "bundle")
	err := ledger.WriteBundle(context.Background(), dir, ledger.Bundle{VerifierKey: key.VerifierKey, Checkpoints: [][]byte{cp},
		Size: m.edge.Size, Tree: ledger.NewReader("x", m.edge.Size, m, nil), Entries: m.entriesRange})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := ledger.VerifyBundle(context.Background(), dir, key.Verifier, ledger.VerifyOptions{Full: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
