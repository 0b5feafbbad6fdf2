package ledger_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
)

// memLog is a log kept in memory the way the store keeps it: leaf hashes,
// tile-level hashes from the appender, and the edge.
type memLog struct {
	entries [][]byte
	levels  map[int][][]byte
	edge    ledger.Edge
}

func newMemLog() *memLog { return &memLog{levels: map[int][][]byte{}} }

func (m *memLog) append(t testing.TB, entries ...[]byte) {
	t.Helper()
	app, err := ledger.NewAppender(m.edge)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		h := ledger.LeafHash(e)
		if err := app.Append(h); err != nil {
			t.Fatal(err)
		}
		m.entries = append(m.entries, e)
		m.levels[0] = append(m.levels[0], h)
	}
	for _, n := range app.TakeNodes() {
		if uint64(len(m.levels[n.Level])) != n.Index {
			t.Fatalf("node %d/%d out of order (have %d)", n.Level, n.Index, len(m.levels[n.Level]))
		}
		m.levels[n.Level] = append(m.levels[n.Level], n.Hash)
	}
	m.edge = app.Edge()
	// The edge must survive its storage form.
	if e, err := ledger.ParseEdge(m.edge.Size, m.edge.Marshal()); err != nil || e.Size != m.edge.Size {
		t.Fatalf("edge round trip: %v", err)
	}
}

func (m *memLog) Hashes(_ context.Context, level int, from, to uint64) ([][]byte, error) {
	l := m.levels[level]
	if to > uint64(len(l)) {
		return nil, fmt.Errorf("level %d has %d hashes, asked [%d,%d)", level, len(l), from, to)
	}
	return l[from:to], nil
}

func (m *memLog) entriesRange(_ context.Context, from, to uint64) ([][]byte, error) {
	return m.entries[from:to], nil
}

func entry(i int) []byte { return []byte(fmt.Sprintf(`{"i":%d,"type":"test","v":1}`, i)) }

func TestProofsMatchReferenceTree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ref := testonly.New(rfc6962.DefaultHasher)
	m := newMemLog()
	// Appends in uneven batches so that tiles fill across batches.
	for i := 0; i < 70000; {
		batch := 1 + (i*7919)%997
		var es [][]byte
		for j := 0; j < batch && i < 70000; j, i = j+1, i+1 {
			es = append(es, entry(i))
		}
		m.append(t, es...)
		ref.AppendData(es...)
	}
	r := ledger.NewReader("t", m.edge.Size, m, ledger.NewCache(64))
	app, _ := ledger.NewAppender(m.edge)
	if got := app.Root(); !bytes.Equal(got, ref.Hash()) {
		t.Fatalf("appender root differs from the reference tree's")
	}
	for _, size := range []uint64{1, 2, 3, 255, 256, 257, 65535, 65536, 65537, 69999, 70000} {
		root, err := r.Root(ctx, size)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(root, ref.HashAt(size)) {
			t.Fatalf("root at %d differs from the reference", size)
		}
		for _, index := range []uint64{0, 1, size / 2, size - 1} {
			if index >= size {
				continue
			}
			p, err := r.InclusionProof(ctx, index, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := ledger.VerifyInclusion(index, size, ref.LeafHash(index), p, root); err != nil {
				t.Fatalf("inclusion %d in %d: %v", index, size, err)
			}
		}
		for _, old := range []uint64{1, size / 3, size - 1} {
			if old == 0 || old > size {
				continue
			}
			p, err := r.ConsistencyProof(ctx, old, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := ledger.VerifyConsistency(old, size, p, ref.HashAt(old), root); err != nil {
				t.Fatalf("consistency %d→%d: %v", old, size, err)
			}
		}
	}
	// Tiles: level 1 of a 70000-leaf tree has 273 hashes: one full tile and
	// a partial one of width 17 (the example of c2sp.org/tlog-tiles).
	if w := r.TileWidth(1, 1); w != 17 {
		t.Errorf("width of tile 1/1 = %d, want 17", w)
	}
	if w := r.TileWidth(2, 0); w != 1 {
		t.Errorf("width of tile 2/0 = %d, want 1", w)
	}
	if w := r.TileWidth(0, 273); w != 112 {
		t.Errorf("width of tile 0/273 = %d, want 112", w)
	}
	if _, err := r.InclusionProof(ctx, 70000, 70000); err == nil {
		t.Error("a proof for an index beyond the tree was given")
	}
}

func TestTilePaths(t *testing.T) {
	t.Parallel()
	cases := []struct {
		level int
		n     uint64
		w     int
		path  string
	}{
		{0, 0, 256, "tile/0/000"},
		{0, 1234067, 256, "tile/0/x001/x234/067"},
		{1, 3, 17, "tile/1/003.p/17"},
		{ledger.EntriesLevel, 48, 256, "tile/entries/048"},
		{ledger.EntriesLevel, 1000, 5, "tile/entries/x001/000.p/5"},
	}
	for _, c := range cases {
		if got := ledger.TilePath(c.level, c.n, c.w); got != c.path {
			t.Errorf("TilePath(%d,%d,%d) = %q, want %q", c.level, c.n, c.w, got, c.path)
		}
		l, n, w, err := ledger.ParseTilePath(c.path)
		if err != nil || l != c.level || n != c.n || w != c.w {
			t.Errorf("ParseTilePath(%q) = %d,%d,%d,%v", c.path, l, n, w, err)
		}
	}
	for _, bad := range []string{"tile/0/1", "tile/0/000.p/256", "tile/0/000.p/0", "tile/8/0/000", "tile/data/000", "tile/64/000", "tile/0/x000/001"} {
		if _, _, _, err := ledger.ParseTilePath(bad); err == nil {
			t.Errorf("ParseTilePath(%q) accepted a malformed path", bad)
		}
	}
}

func TestAuditEventEncodingIsCanonical(t *testing.T) {
	t.Parallel()
	ev := &aims.AuditEvent{
		ID: "0190-ev", OccurredAt: time.Date(2025, 3, 4, 5, 6, 7, 8000, time.FixedZone("x", 3600)),
		Actor:  aims.Actor{Kind: aims.ActorUser, UserID: "u1", Label: "ana@example.com <ops>"},
		Action: aims.ActionUpdate, EntityType: aims.EntityAISystem, EntityID: "s1", EntityLabel: "Credit & risk",
		Before: []byte(`{"a":1}`), After: []byte(`{"a":2}`), RequestID: "r1",
	}
	got, err := ledger.EncodeAuditEvent("org1", ev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"update","actor":{"kind":"user","label":"ana@example.com <ops>","token_id":"","user_id":"u1"},` +
		`"after":"sha256:` + ledger.Digest([]byte(`{"a":2}`))[7:] + `","before":"` + ledger.Digest([]byte(`{"a":1}`)) + `",` +
		`"entity":{"id":"s1","label":"Credit & risk","type":"ai_system"},"id":"0190-ev","org":"org1","request_id":"r1",` +
		`"time":"2025-03-04T04:06:07.000008Z","type":"aims.audit_event","v":1}`
	if string(got) != want {
		t.Fatalf("entry =\n%s\nwant\n%s", got, want)
	}
	h, err := ledger.ParseEntryHeader(got)
	if err != nil || h.Type != ledger.AuditEventType || h.V != 1 || h.ID != "0190-ev" {
		t.Errorf("header = %+v, %v", h, err)
	}
	ev.Before = nil
	got, _ = ledger.EncodeAuditEvent("org1", ev)
	if !strings.Contains(string(got), `"before":null`) {
		t.Errorf("a create's before is not null: %s", got)
	}
}

func TestDerivedKeysAndCheckpoints(t *testing.T) {
	t.Parallel()
	skey, err := ledger.GenerateMasterKey("aims.example.com")
	if err != nil {
		t.Fatal(err)
	}
	mk, err := ledger.ParseMasterKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	origin := mk.Origin("demo")
	if origin != "aims.example.com/log/demo" {
		t.Errorf("origin = %q", origin)
	}
	k1, err := mk.ForOrigin(origin)
	if err != nil {
		t.Fatal(err)
	}
	mk2, _ := ledger.ParseMasterKey(skey)
	k2, _ := mk2.ForOrigin(origin)
	if k1.VerifierKey != k2.VerifierKey {
		t.Fatal("the same master key derived two different organization keys")
	}
	other, _ := mk.ForOrigin(mk.Origin("acme"))
	if other.VerifierKey == k1.VerifierKey {
		t.Fatal("two organizations got the same key")
	}
	if !strings.HasPrefix(k1.VerifierKey, origin+"+") {
		t.Errorf("verifier key %q is not named by the origin", k1.VerifierKey)
	}
	cp := ledger.Checkpoint{Origin: origin, Size: 5, Root: ledger.LeafHash([]byte("x"))}
	signed, err := cp.Sign(k1.Signer)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ledger.ParseVerifierKey(k1.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	// Checked with sumdb/note directly, as any third party would.
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil || !strings.HasPrefix(n.Text, origin+"\n5\n") {
		t.Fatalf("note.Open: %v", err)
	}
	got, err := ledger.OpenCheckpoint(signed, v)
	if err != nil || got.Size != 5 || !bytes.Equal(got.Root, cp.Root) {
		t.Fatalf("OpenCheckpoint = %v, %v", got, err)
	}
	if _, err := ledger.OpenCheckpoint(signed, other.Verifier); err == nil {
		t.Error("a checkpoint verified with another organization's key")
	}
	bad := bytes.Replace(signed, []byte("\n5\n"), []byte("\n6\n"), 1)
	if _, err := ledger.OpenCheckpoint(bad, v); err == nil {
		t.Error("an altered checkpoint verified")
	}
}
