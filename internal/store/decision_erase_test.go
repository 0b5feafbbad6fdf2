package store_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestErasedPayloadLeavesNoBytes erases the payloads of two decisions, one
// small and one spilling onto overflow pages: reads no longer return them
// and, on SQLite, after ScrubAfterErasure neither the database file nor its
// write-ahead log holds their bytes (before the erasure, they did). On
// PostgreSQL old row versions stay until VACUUM (docs/decisions.md).
func TestErasedPayloadLeavesNoBytes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "erase")
		sys := f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", f.Admin.ID))
		small := newDecision(sys.ID, "gw-1", 1, db.Now())
		large := newDecision(sys.ID, "gw-1", 2, db.Now())
		markers := []string{"patient-7f3a9c-small", "patient-7f3a9c-large"}
		small.D.Payload = []byte(`{"note":"` + markers[0] + `"}`)
		large.D.Payload = []byte(`{"note":"` + strings.Repeat(markers[1]+" ", 1000) + `"}`)
		for _, nd := range []*store.NewDecision{small, large} {
			nd.D.PayloadDigest = ledger.SaltedDigest(nd.D.Salt, nd.D.Payload)
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			return store.StoreDecisions(ctx, tx, f.Scope, []*store.NewDecision{small, large})
		}); err != nil {
			t.Fatal(err)
		}
		path := store.SQLitePathForTest(db)
		files := func() []byte {
			var all []byte
			for _, p := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(p)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			return all
		}
		if path != "" {
			for _, m := range markers {
				if !bytes.Contains(files(), []byte(m)) {
					t.Fatalf("%s is not in the database files before the erasure: the check below would prove nothing", m)
				}
			}
		}

		for _, nd := range []*store.NewDecision{small, large} {
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				before, err := store.FindDecisionByID(ctx, tx, f.Scope, sys.ID, nd.D.ID)
				if err != nil {
					return err
				}
				_, err = store.EraseDecisionPayload(ctx, tx, f.Scope, before, "admin: data subject request")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			got, err := store.FindDecisionByID(ctx, db, f.Scope, sys.ID, nd.D.ID)
			if err != nil || got.Payload != nil || got.Salt != nil || got.ErasedAt == nil {
				t.Fatalf("after the erasure: payload %q, salt %x, erased at %v (%v)", got.Payload, got.Salt, got.ErasedAt, err)
			}
		}
		if err := db.ScrubAfterErasure(ctx); err != nil {
			t.Fatal(err)
		}
		if path != "" {
			all := files()
			for _, m := range markers {
				if bytes.Contains(all, []byte(m)) {
					t.Errorf("%s is still in the database files after the erasure", m)
				}
			}
		}
	})
}
