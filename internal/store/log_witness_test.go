package store_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestLogWitnessesCosignaturesAndSettings: witnesses are per organization
// (another's id is not found), audited, unique by name; their status is
// kept apart; cosignatures are kept once per checkpoint and witness key,
// and cannot be changed or deleted; log settings default to private.
func TestLogWitnessesCosignaturesAndSettings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := storetest.NewOrg(t, db, "wit-a")
		b := storetest.NewOrg(t, db, "wit-b")
		w := &aims.LogWitness{Name: "witness.example", URL: "https://witness.example", VerifierKey: "witness.example+01234567+BAAA"}
		err := db.Transact(ctx, func(tx *store.Tx) error {
			if err := store.CreateLogWitness(ctx, tx, a.Scope, w); err != nil {
				return err
			}
			if tx.EventsRecorded() != 1 {
				t.Errorf("adding a witness recorded %d audit events, want 1", tx.EventsRecorded())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		dup := *w
		err = db.Transact(ctx, func(tx *store.Tx) error { return store.CreateLogWitness(ctx, tx, a.Scope, &dup) })
		if !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("the same witness name twice: %v, want a conflict", err)
		}
		if _, err := store.FindLogWitnessByID(ctx, db, b.Scope, w.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization's witness: %v, want not found", err)
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteLogWitness(ctx, tx, b.Scope, w.ID) }); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("deleting another organization's witness: %v, want not found", err)
		}

		head, err := store.FindLogHead(ctx, db, a.Scope)
		if err != nil {
			t.Fatal(err)
		}
		line := []byte("— witness.example AAAA\n")
		for range 2 {
			if err := db.Transact(ctx, func(tx *store.Tx) error {
				if err := store.SaveLogCosignature(ctx, tx, head, 3, w.VerifierKey, line); err != nil {
					return err
				}
				return store.SetLogWitnessStatus(ctx, tx, a.Org.ID, w.ID, "", false, 0)
			}); err != nil {
				t.Fatal(err)
			}
		}
		sigs, err := store.FindLogCosignatures(ctx, db, head, 0, 10)
		if err != nil || len(sigs) != 1 || len(sigs[3]) != 1 || string(sigs[3][0].Line) != string(line) {
			t.Fatalf("cosignatures = %v, %v; want one at size 3", sigs, err)
		}
		if n, err := store.LatestCosignedSize(ctx, db, head, w.VerifierKey); err != nil || n != 3 {
			t.Errorf("LatestCosignedSize = %d, %v; want 3", n, err)
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			return store.SetLogWitnessStatus(ctx, tx, a.Org.ID, w.ID, "refused: fork", true, 3)
		}); err != nil {
			t.Fatal(err)
		}
		ws, err := store.FindLogWitnesses(ctx, db, a.Scope)
		if err != nil || len(ws) != 1 || ws[0].Status == nil || ws[0].Status.CosignedSize != 3 || !ws[0].Status.Refused ||
			ws[0].Status.RefusedFrom != 3 || ws[0].Status.Error != "refused: fork" {
			t.Fatalf("witnesses = %+v, %v", ws, err)
		}
		if ws, _ := store.FindLogWitnesses(ctx, db, b.Scope); len(ws) != 0 {
			t.Errorf("organization B sees %d witnesses of A", len(ws))
		}
		all, err := store.FindAllLogWitnesses(ctx, db)
		if err != nil || len(all[a.Org.ID]) != 1 || len(all[b.Org.ID]) != 0 {
			t.Errorf("all witnesses = %v, %v", all, err)
		}

		for _, q := range []string{`UPDATE log_cosignatures SET line = 'x'`, `DELETE FROM log_cosignatures`} {
			if err := store.TamperForTest(ctx, db, q); err == nil {
				t.Errorf("%s: allowed, want the append-only trigger to refuse", q)
			}
		}

		if s, err := store.FindLogSettings(ctx, db, a.Org.ID); err != nil || s.PublicCheckpoints {
			t.Errorf("default settings = %+v, %v; want private", s, err)
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			return store.SaveLogSettings(ctx, tx, a.Scope, &aims.LogSettings{PublicCheckpoints: true})
		}); err != nil {
			t.Fatal(err)
		}
		if s, _ := store.FindLogSettings(ctx, db, a.Org.ID); !s.PublicCheckpoints {
			t.Error("the setting was not saved")
		}
		if s, _ := store.FindLogSettings(ctx, db, b.Org.ID); s.PublicCheckpoints {
			t.Error("organization B's checkpoints became public with A's")
		}

		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteLogWitness(ctx, tx, a.Scope, w.ID) }); err != nil {
			t.Fatal(err)
		}
		if sigs, _ := store.FindLogCosignatures(ctx, db, head, 0, 10); len(sigs[3]) != 1 {
			t.Error("removing the witness removed its cosignatures")
		}
	})
}
