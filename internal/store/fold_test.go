package store_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestNamesAreUniqueFolded: names are unique in their NFKC casefold, and
// the migration rewrites keys stored by plain lowercasing, keeping both
// keys where two existing names fold to one.
func TestNamesAreUniqueFolded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		create := func(name string) error {
			return db.Transact(ctx, func(tx *store.Tx) error {
				return store.CreateSystem(ctx, tx, f.Scope, storetest.System(name, f.Admin.ID))
			})
		}
		if err := create("Setpoint optimizer"); err != nil {
			t.Fatal(err)
		}
		for _, lookalike := range []string{"ＳＥＴＰＯＩＮＴ optimizer", "setpoint optimizer", "Setpoint optimizer"} {
			err := create(lookalike)
			var ae *aims.Error
			if !aims.IsKind(err, aims.KindConflict) || !asAims(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].Field != "name" {
				t.Errorf("create %q: err = %v, want a conflict naming the field name", lookalike, err)
			}
		}
		if n := countSystems(t, db, f.Scope, "ｓｅｔｐｏｉｎｔ"); n != 1 {
			t.Errorf("a search in fullwidth finds %d systems, want 1", n)
		}

		// Keys written before the fold: a fullwidth name lowercased only,
		// and two names that differ lowercased but fold to one.
		for _, name := range []string{"Ｐｕｍｐ control", "Straße sensor"} {
			if err := create(name); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.TamperForTest(ctx, db, `UPDATE ai_systems SET name_key = 'ｐｕｍｐ control' WHERE name = 'Ｐｕｍｐ control'`); err != nil {
			t.Fatal(err)
		}
		if err := store.TamperForTest(ctx, db, `UPDATE ai_systems SET name_key = 'straße sensor' WHERE name = 'Straße sensor'`); err != nil {
			t.Fatal(err)
		}
		if err := create("STRASSE sensor"); err != nil {
			t.Fatal(err)
		}
		if err := create("pump control"); err != nil {
			t.Fatalf("before the migration an old key lets a lookalike in: %v", err)
		}
		if err := store.FoldKeysForTest(ctx, db); err != nil {
			t.Fatalf("migration: %v", err)
		}
		// "Ｐｕｍｐ control" and "pump control" now collide: both keep their
		// keys, and the rest is refolded.
		if err := store.TamperForTest(ctx, db, `DELETE FROM ai_systems WHERE name = 'pump control'`); err != nil {
			t.Fatal(err)
		}
		if err := store.FoldKeysForTest(ctx, db); err != nil {
			t.Fatalf("migration: %v", err)
		}
		if err := create("PUMP CONTROL"); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("after the migration: err = %v, want a conflict with Ｐｕｍｐ control", err)
		}
		if n := countSystems(t, db, f.Scope, "sensor"); n != 2 {
			t.Errorf("systems named sensor = %d, want both kept", n)
		}
	})
}

func asAims(err error, target **aims.Error) bool {
	e, ok := err.(*aims.Error)
	if ok {
		*target = e
	}
	return ok
}

func countSystems(t *testing.T, db *store.DB, scope aims.Scope, q string) int {
	t.Helper()
	_, n, err := store.FindSystems(context.Background(), db, scope, aims.SystemFilter{Search: q})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
