package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// logSource reads a log's stored hashes for a ledger.Reader.
type logSource struct {
	db   *store.DB
	head *store.LogHead
}

func (s logSource) Hashes(ctx context.Context, level int, from, to uint64) ([][]byte, error) {
	return store.ReadLogHashes(ctx, s.db, s.head, level, from, to)
}

// tileSource is a logSource that also reads full tiles with their inner
// hashes, as the service does.
type tileSource struct{ logSource }

func (s tileSource) FullTile(ctx context.Context, level int, n uint64) ([][]byte, [][]byte, error) {
	return store.ReadLogTile(ctx, s.db, s.head, level, n)
}

// checkLog recomputes the organization's tree from its stored entries and
// checks it against the head, the stored hashes, and the audit trail.
func checkLog(t *testing.T, db *store.DB, scope aims.Scope) *store.LogHead {
	t.Helper()
	ctx := context.Background()
	head, err := store.FindLogHead(ctx, db, scope)
	if err != nil {
		t.Fatalf("find log: %v", err)
	}
	entries, err := store.ReadLogEntries(ctx, db, head, 0, head.Size)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(entries)) != head.Size {
		t.Fatalf("log has %d entries, head says %d", len(entries), head.Size)
	}
	app, _ := ledger.NewAppender(ledger.Edge{})
	for _, e := range entries {
		if err := app.Append(ledger.LeafHash(e)); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(app.Root(), head.Root) {
		t.Fatal("the root recomputed from the entries differs from the head's")
	}
	r := ledger.NewReader("t", head.Size, logSource{db, head}, nil)
	root, err := r.Root(ctx, head.Size)
	if err != nil || !bytes.Equal(root, head.Root) {
		t.Fatalf("the root from the stored tile hashes differs from the head's (%v)", err)
	}
	sealed, err := store.FindSealedAuditEvents(ctx, db, head, 0, head.Size)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sealed {
		if s.Event == nil {
			continue
		}
		want, err := ledger.EncodeAuditEvent(scope.OrgID(), s.Event)
		if err != nil || !bytes.Equal(want, s.Entry) {
			t.Fatalf("leaf %d does not seal audit event %s as stored:\n%s\n%s", s.Index, s.Ref, s.Entry, want)
		}
	}
	return head
}

func TestEveryAuditEventIsSealedInItsTransaction(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		// Creating the organization, its admin, membership and the admin's
		// person (7.2) made four events, each sealed.
		head := checkLog(t, db, f.Scope)
		_, total, _ := store.FindAuditEvents(ctx, db, f.Scope, aims.AuditFilter{})
		if head.Size != uint64(total) || total != 4 {
			t.Fatalf("log size %d, audit events %d, want 4 and 4", head.Size, total)
		}
		s := f.MustCreateSystem(t, db, storetest.System("Credit scoring", f.Admin.ID))
		head = checkLog(t, db, f.Scope)
		if head.Size != 5 {
			t.Fatalf("log size after a create = %d, want 5", head.Size)
		}
		evs, _, _ := store.FindAuditEvents(ctx, db, f.Scope, aims.AuditFilter{EntityID: s.ID})
		idx, entry, err := store.FindLogLeafByRef(ctx, db, head, evs[0].ID)
		if err != nil || idx != 4 {
			t.Fatalf("leaf of the create = %d, %v; want 4", idx, err)
		}
		h, _ := ledger.ParseEntryHeader(entry)
		if h.Type != ledger.AuditEventType || h.ID != evs[0].ID {
			t.Errorf("entry header = %+v", h)
		}

		// A transaction that fails after recording writes neither its
		// event nor its leaf.
		boom := errors.New("boom")
		err = db.Transact(ctx, func(tx *store.Tx) error {
			if err := store.CreateSystem(ctx, tx, f.Scope, storetest.System("Rolled back", f.Admin.ID)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if head := checkLog(t, db, f.Scope); head.Size != 5 {
			t.Fatalf("a rolled-back write left a leaf: size %d", head.Size)
		}

		// The log's own API (for records other than audit events) appends
		// in the same transaction and gives the first index.
		var first uint64
		err = db.Transact(ctx, func(tx *store.Tx) error {
			if err := store.CreateSystem(ctx, tx, f.Scope, storetest.System("Chatbot", f.Admin.ID)); err != nil {
				return err
			}
			first, err = store.AppendLeaves(ctx, tx, f.Scope, []store.Leaf{
				{Entry: []byte(`{"type":"test.decision","v":1,"n":1}`)},
				{Entry: []byte(`{"type":"test.decision","v":1,"n":2}`), Ref: "decision-2"},
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		head = checkLog(t, db, f.Scope)
		if first != 5 || head.Size != 8 {
			t.Fatalf("appended at %d, size %d; want 5 and 8 (the create's event sealed at commit)", first, head.Size)
		}
		if idx, _, err := store.FindLogLeafByRef(ctx, db, head, "decision-2"); err != nil || idx != 6 {
			t.Errorf("leaf of decision-2 = %d, %v", idx, err)
		}
		// A record is sealed once.
		err = db.Transact(ctx, func(tx *store.Tx) error {
			_, err := store.AppendLeaves(ctx, tx, f.Scope, []store.Leaf{{Entry: []byte(`{}`), Ref: "decision-2"}})
			return err
		})
		if err == nil {
			t.Fatal("a record was sealed twice")
		}

		// Organizations have logs of their own.
		g := storetest.NewOrg(t, db, "globex")
		if head := checkLog(t, db, g.Scope); head.Size != 4 || head.LogID == checkLog(t, db, f.Scope).LogID {
			t.Fatalf("second organization's log: size %d", head.Size)
		}
	})
}

func TestEventsBeforeTheLogAreSealedFirst(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "aims.db")
	old, err := store.Open(ctx, store.Options{SQLitePath: path, Unsealed: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := storetest.NewOrg(t, old, "legacy")
	f.MustCreateSystem(t, old, storetest.System("Old system", f.Admin.ID))
	// Migration 00065 marks each organization of a database from before
	// the log as waiting for its log (opened_at NULL).
	if err := store.TamperForTest(ctx, old, `INSERT INTO log_marks (org_id) VALUES ('`+f.Org.ID+`')`); err != nil {
		t.Fatal(err)
	}
	old.Close()

	db, err := store.Open(ctx, store.Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	orgs, err := store.OrganizationsWithoutLog(ctx, db)
	if err != nil || len(orgs) != 1 {
		t.Fatalf("organizations without log = %v, %v", orgs, err)
	}
	f.MustCreateSystem(t, db, storetest.System("New system", f.Admin.ID))
	head := checkLog(t, db, f.Scope)
	if head.Size != 6 {
		t.Fatalf("log size = %d, want the 5 earlier events (the admin's person among them) and the new one", head.Size)
	}
	if orgs, _ := store.OrganizationsWithoutLog(ctx, db); len(orgs) != 0 {
		t.Errorf("organizations still without log: %v", orgs)
	}
}

// TestReplicasAppendToOneLog runs two database handles (two replicas'
// pools) on one PostgreSQL schema, appending concurrently to one
// organization's log; the head lock keeps it one consistent tree.
func TestReplicasAppendToOneLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	open := func() *store.DB {
		db, err := store.Open(ctx, store.Options{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	a, b := open(), open()
	f := storetest.NewOrg(t, a, "shared")
	const writers, perWriter = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers*perWriter)
	for i, db := range []*store.DB{a, b, a, b, a, b, a, b}[:2*writers] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perWriter {
				err := db.Transact(ctx, func(tx *store.Tx) error {
					if j%2 == 0 {
						_, err := store.AppendLeaves(ctx, tx, f.Scope, []store.Leaf{{Entry: []byte(fmt.Sprintf(`{"w":%d,"j":%d}`, i, j))}})
						return err
					}
					return store.CreateSystem(ctx, tx, f.Scope, storetest.System(fmt.Sprintf("System %d-%d", i, j), f.Admin.ID))
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	head := checkLog(t, b, f.Scope)
	// The fixture's organization, admin account, membership and person.
	if want := uint64(4 + 2*writers*perWriter); head.Size != want {
		t.Fatalf("log size = %d, want %d", head.Size, want)
	}
}

// TestLogTilesAreStoredWhole appends enough leaves to fill level-0 and
// level-1 tiles, in batches that do not line up with tiles, and checks
// tiles and proofs read back against a reference tree.
func TestLogTilesAreStoredWhole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "tiles")
		ref := testonly.New(rfc6962.DefaultHasher)
		head := checkLog(t, db, f.Scope)
		entries, _ := store.ReadLogEntries(ctx, db, head, 0, head.Size)
		ref.AppendData(entries...)
		const total = 66000
		for n := int(head.Size); n < total; {
			batch := min(1+n%1777, total-n)
			leaves := make([]store.Leaf, batch)
			for i := range leaves {
				leaves[i].Entry = []byte(fmt.Sprintf(`{"type":"test","v":1,"n":%d}`, n+i))
				ref.AppendData(leaves[i].Entry)
			}
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				_, err := store.AppendLeaves(ctx, tx, f.Scope, leaves)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			n += batch
		}
		head = checkLog(t, db, f.Scope)
		if head.Size != total || !bytes.Equal(head.Root, ref.Hash()) {
			t.Fatalf("size %d; root matches the reference: %v", head.Size, bytes.Equal(head.Root, ref.Hash()))
		}
		// A full tile read whole equals its hashes read one by one.
		for _, tl := range []struct {
			level int
			n     uint64
		}{{0, 0}, {0, 100}, {0, 256}, {1, 0}} {
			whole, err := store.ReadLogHashes(ctx, db, head, tl.level, tl.n*256, tl.n*256+256)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range whole {
				one, err := store.ReadLogHashes(ctx, db, head, tl.level, tl.n*256+uint64(i), tl.n*256+uint64(i)+1)
				if err != nil || !bytes.Equal(one[0], h) {
					t.Fatalf("tile %d/%d hash %d differs from its row (%v)", tl.level, tl.n, i, err)
				}
			}
		}
		// Proofs from hashes alone, and from tiles stored with their inner
		// hashes, both check against the reference tree.
		for _, src := range []ledger.HashSource{logSource{db, head}, tileSource{logSource{db, head}}} {
			r := ledger.NewReader("t", head.Size, src, nil)
			for _, idx := range []uint64{0, 255, 256, 65535, 65536, total - 1} {
				p, err := r.InclusionProof(ctx, idx, total)
				if err != nil {
					t.Fatal(err)
				}
				if err := ledger.VerifyInclusion(idx, total, ref.LeafHash(idx), p, ref.Hash()); err != nil {
					t.Fatalf("inclusion of %d (%T): %v", idx, src, err)
				}
			}
			p, err := r.ConsistencyProof(ctx, 1000, total)
			if err != nil {
				t.Fatal(err)
			}
			if err := ledger.VerifyConsistency(1000, total, p, ref.HashAt(1000), ref.Hash()); err != nil {
				t.Fatalf("consistency (%T): %v", src, err)
			}
		}
		if h, inner, err := store.ReadLogTile(ctx, db, head, 0, 3); err != nil || len(h) != 256 || len(inner) != 255 {
			t.Fatalf("stored tile 0/3: %d hashes, %d inner, %v", len(h), len(inner), err)
		}
	})
}

// A large batch (COPY on PostgreSQL) that would seal a record twice fails
// whole, with the same error as a small one (a multi-row INSERT).
func TestSealingARecordTwiceFailsTheWholeBatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "twice")
		appendBatch := func(n int, refs ...string) error {
			leaves := make([]store.Leaf, n)
			for i := range leaves {
				leaves[i].Entry = []byte(fmt.Sprintf(`{"type":"test","v":1,"n":%d}`, i))
				if i < len(refs) {
					leaves[i].Ref = refs[i]
				}
			}
			return db.Transact(ctx, func(tx *store.Tx) error {
				_, err := store.AppendLeaves(ctx, tx, f.Scope, leaves)
				return err
			})
		}
		if err := appendBatch(3, "record-1"); err != nil {
			t.Fatal(err)
		}
		before := checkLog(t, db, f.Scope)
		for _, n := range []int{2, 500} {
			err := appendBatch(n, "record-2", "record-1")
			if err == nil || !strings.Contains(err.Error(), "already sealed") {
				t.Fatalf("batch of %d sealing record-1 again: %v, want an error saying it is already sealed", n, err)
			}
			if after := checkLog(t, db, f.Scope); after.Size != before.Size || !bytes.Equal(after.Root, before.Root) {
				t.Fatalf("batch of %d: the log grew from %d to %d leaves", n, before.Size, after.Size)
			}
		}
	})
}
