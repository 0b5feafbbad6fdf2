package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestStorageFaultsAreNamedAndRecover: a full database answers
// insufficient_storage and a read-only one unavailable, each saying so
// (not a generic internal error); WriteReady (which /readyz asks) reports
// the fault while writes fail, and clears by itself once they succeed again,
// without reopening the database.
func TestStorageFaultsAreNamedAndRecover(t *testing.T) {
	store.ProbeEveryForTest(0)
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		db := storetest.OpenSQLite(t)
		f := storetest.NewOrg(t, db, "acme")
		n := 0
		create := func() error {
			n++
			s := storetest.System(fmt.Sprintf("System %d", n), f.Admin.ID)
			s.Description = strings.Repeat("A long description. ", 900)
			return db.Transact(ctx, func(tx *store.Tx) error { return store.CreateSystem(ctx, tx, f.Scope, s) })
		}
		if err := db.WriteReady(ctx); err != nil {
			t.Fatalf("a fresh database: WriteReady = %v", err)
		}
		pages, err := store.PragmaForTest(ctx, db, "page_count")
		if err != nil {
			t.Fatal(err)
		}
		// The database may grow by 40 pages more: then it is full, as a
		// disk would be (SQLITE_FULL).
		if _, err := store.PragmaForTest(ctx, db, fmt.Sprintf("max_page_count = %d", pages+40)); err != nil {
			t.Fatal(err)
		}
		var full error
		for i := 0; i < 200 && full == nil; i++ {
			full = create()
		}
		if !aims.IsKind(full, aims.KindInsufficientStorage) || !strings.Contains(full.Error(), "full") {
			t.Fatalf("a write to a full database: err = %v (kind %s), want insufficient_storage saying it is full", full, aims.KindOf(full))
		}
		if err := db.WriteReady(ctx); !aims.IsKind(err, aims.KindInsufficientStorage) {
			t.Errorf("full: WriteReady = %v, want insufficient_storage", err)
		}
		if _, _, err := store.FindSystems(ctx, db, f.Scope, aims.SystemFilter{}); err != nil {
			t.Errorf("full: reading fails: %v", err)
		}
		// Space returns.
		if _, err := store.PragmaForTest(ctx, db, "max_page_count = 1073741823"); err != nil {
			t.Fatal(err)
		}
		if err := db.WriteReady(ctx); err != nil {
			t.Errorf("space returned: WriteReady = %v, want ready", err)
		}
		if err := create(); err != nil {
			t.Errorf("space returned: write = %v", err)
		}

		// Read-only.
		if err := store.TamperForTest(ctx, db, "PRAGMA query_only = 1"); err != nil {
			t.Fatal(err)
		}
		err = create()
		if !aims.IsKind(err, aims.KindUnavailable) || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("a write to a read-only database: err = %v (kind %s), want unavailable saying read-only", err, aims.KindOf(err))
		}
		if err := db.WriteReady(ctx); !aims.IsKind(err, aims.KindUnavailable) {
			t.Errorf("read-only: WriteReady = %v, want unavailable", err)
		}
		if err := store.TamperForTest(ctx, db, "PRAGMA query_only = 0"); err != nil {
			t.Fatal(err)
		}
		if err := db.WriteReady(ctx); err != nil {
			t.Errorf("writable again: WriteReady = %v, want ready", err)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		url := storetest.PostgresURL(t)
		if url == "" {
			t.Skip("no PostgreSQL")
		}
		rw, err := store.Open(ctx, store.Options{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		defer rw.Close()
		if _, err := rw.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		f := storetest.NewOrg(t, rw, "acme")
		// The same schema through sessions that are read-only, as on a
		// standby or a database set read-only by its operator (SQLSTATE
		// 25006).
		ro, err := store.Open(ctx, store.Options{DatabaseURL: url + "&default_transaction_read_only=on"})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		err = ro.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateSystem(ctx, tx, f.Scope, storetest.System("Read-only", f.Admin.ID))
		})
		if !aims.IsKind(err, aims.KindUnavailable) || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("a write in a read-only session: err = %v (kind %s), want unavailable saying read-only", err, aims.KindOf(err))
		}
		if err := ro.WriteReady(ctx); !aims.IsKind(err, aims.KindUnavailable) {
			t.Errorf("read-only: WriteReady = %v, want unavailable", err)
		}
		if _, _, err := store.FindSystems(ctx, ro, f.Scope, aims.SystemFilter{}); err != nil {
			t.Errorf("read-only: reading fails: %v", err)
		}
		if err := rw.WriteReady(ctx); err != nil {
			t.Errorf("read-write: WriteReady = %v, want ready", err)
		}
	})
}
