package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// dropLogGuards drops the triggers that keep the log append-only, as
// someone with direct access to the database can.
func dropLogGuards(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	var stmts []string
	if db.Dialect() == store.Postgres {
		for _, table := range []string{"log_leaves", "log_nodes", "log_tiles", "log_checkpoints"} {
			stmts = append(stmts, `DROP TRIGGER `+table+`_append_only ON `+table)
		}
	} else {
		for _, table := range []string{"log_leaves", "log_nodes", "log_tiles", "log_checkpoints"} {
			stmts = append(stmts, `DROP TRIGGER `+table+`_no_update`, `DROP TRIGGER `+table+`_no_delete`)
		}
	}
	for _, s := range stmts {
		if err := store.TamperForTest(ctx, db, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// deleteLog empties every table of the log of the organization, as an
// attacker who dropped the guards would, to have a forged audit trail
// sealed afresh.
func deleteLog(t *testing.T, db *store.DB, orgID string) {
	t.Helper()
	dropLogGuards(t, db)
	for _, table := range []string{"log_leaves", "log_nodes", "log_tiles", "log_checkpoints"} {
		q := `DELETE FROM ` + table + ` WHERE log_id IN (SELECT log_id FROM log_heads WHERE org_id = '` + orgID + `')`
		if err := store.TamperForTest(context.Background(), db, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := store.TamperForTest(context.Background(), db, `DELETE FROM log_heads WHERE org_id = '`+orgID+`'`); err != nil {
		t.Fatal(err)
	}
}

// TestDeletedLogIsNotRecreated: once an organization's log was opened, a
// write after its tables were emptied is refused as unavailable, naming
// 'aims log rebuild', instead of sealing the trail in a new log; another
// organization keeps writing; a brand-new organization still gets a log.
func TestDeletedLogIsNotRecreated(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		other := storetest.NewOrg(t, db, "globex")
		f.MustCreateSystem(t, db, storetest.System("Credit scoring", f.Admin.ID))
		deleteLog(t, db, f.Org.ID)

		err := db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateSystem(ctx, tx, f.Scope, storetest.System("Forged", f.Admin.ID))
		})
		if !aims.IsKind(err, aims.KindUnavailable) || !strings.Contains(err.Error(), "aims log rebuild") {
			t.Fatalf("write to an organization whose log was deleted: %v, want unavailable naming aims log rebuild", err)
		}
		if _, err := store.FindLogHead(ctx, db, f.Scope); !aims.IsKind(err, aims.KindNotFound) {
			t.Fatalf("a log head was created: %v", err)
		}
		// The mark went too: the events without a log are enough.
		if err := store.TamperForTest(ctx, db, `DELETE FROM log_marks WHERE org_id = '`+f.Org.ID+`'`); err != nil {
			t.Fatal(err)
		}
		err = db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateSystem(ctx, tx, f.Scope, storetest.System("Forged", f.Admin.ID))
		})
		if !aims.IsKind(err, aims.KindUnavailable) {
			t.Fatalf("write after the mark was deleted too: %v, want unavailable", err)
		}

		other.MustCreateSystem(t, db, storetest.System("Other", other.Admin.ID))
		checkLog(t, db, other.Scope)
		fresh := storetest.NewOrg(t, db, "initech")
		if head := checkLog(t, db, fresh.Scope); head.Size != 4 {
			t.Fatalf("new organization's log size %d, want 4 (organization, admin, membership, the admin's person)", head.Size)
		}

		facts, err := store.ReadLogFacts(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for _, lf := range facts {
			if lf.OrgID == f.Org.ID && (lf.Head != nil || lf.Mark != nil || !lf.AuditEvents) {
				t.Errorf("facts of the deleted log: %+v", lf)
			}
		}
	})
}

// TestRefusedLogTakesNoWrites: a log the service refused (DB.RefuseLog)
// takes no writes until allowed again.
func TestRefusedLogTakesNoWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		db.RefuseLog(f.Org.ID, "its key was changed")
		err := db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateSystem(ctx, tx, f.Scope, storetest.System("Refused", f.Admin.ID))
		})
		if !aims.IsKind(err, aims.KindUnavailable) || !strings.Contains(err.Error(), "its key was changed") {
			t.Fatalf("write to a refused log: %v", err)
		}
		db.AllowLog(f.Org.ID)
		f.MustCreateSystem(t, db, storetest.System("Allowed", f.Admin.ID))
	})
}

// TestRebuildLogRecordsTheBreak: a rebuild starts a new log whose first
// entry records the break and what was left of the old log, then seals
// the audit trail (the rebuild's own event included) again; writes go on.
func TestRebuildLogRecordsTheBreak(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		f.MustCreateSystem(t, db, storetest.System("Credit scoring", f.Admin.ID))
		old := checkLog(t, db, f.Scope)
		deleteLog(t, db, f.Org.ID)

		var rebuild *aims.LogRebuild
		err := db.Transact(ctx, func(tx *store.Tx) error {
			var err error
			_, rebuild, err = store.RebuildLog(ctx, tx, f.Scope, func(r *aims.LogRebuild, prev *ledger.PreviousLog) ([]byte, error) {
				if prev != nil {
					t.Errorf("previous log %+v, want nothing left", prev)
				}
				r.Reason, r.Origin = "log tables emptied", "aims.test/log/acme/rebuilt-2"
				return ledger.EncodeLogRebuilt(ledger.LogRebuilt{ID: r.ID, Generation: r.Generation, OrgID: f.Org.ID, Reason: r.Reason, Time: tx.Now()})
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if rebuild.Generation != 2 {
			t.Errorf("generation %d, want 2", rebuild.Generation)
		}
		head := checkLog(t, db, f.Scope)
		if head.LogID == old.LogID {
			t.Errorf("the new log took the old log's id %d", old.LogID)
		}
		_, events, _ := store.FindAuditEvents(ctx, db, f.Scope, aims.AuditFilter{})
		if head.Size != uint64(events)+1 || events != 6 {
			t.Fatalf("new log size %d with %d audit events, want the break and 6 events (the admin's person among them)", head.Size, events)
		}
		first, err := store.ReadLogEntries(ctx, db, head, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		h, err := ledger.ParseEntryHeader(first[0])
		if err != nil || h.Type != ledger.LogRebuiltType || h.ID != rebuild.ID || !strings.Contains(string(first[0]), `"reason":"log tables emptied"`) {
			t.Fatalf("first entry %s (%v)", first[0], err)
		}
		marks, err := store.FindLogMarks(ctx, db)
		if err != nil || marks[f.Org.ID] == nil || marks[f.Org.ID].LogID != head.LogID || marks[f.Org.ID].Generation != 2 {
			t.Fatalf("mark after the rebuild: %+v, %v", marks[f.Org.ID], err)
		}
		f.MustCreateSystem(t, db, storetest.System("After", f.Admin.ID))
		if h := checkLog(t, db, f.Scope); h.Size != head.Size+1 {
			t.Fatalf("log size after a write %d, want %d", h.Size, head.Size+1)
		}
	})
}

// TestRebuildLogResealsDecisions: a rebuild of a log that still has its
// head sets the old log aside and seals every decision again: each
// decision, and its key (what a gateway resending it is answered), names
// its new leaf, which holds the decision's entry.
func TestRebuildLogResealsDecisions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		sys := f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", f.Admin.ID))
		at := db.Now()
		var ds []*store.NewDecision
		for seq := range int64(5) {
			ds = append(ds, newDecision(sys.ID, "gw-a", seq, at))
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.StoreDecisions(ctx, tx, f.Scope, ds) }); err != nil {
			t.Fatal(err)
		}
		old := checkLog(t, db, f.Scope)
		err := db.Transact(ctx, func(tx *store.Tx) error {
			_, _, err := store.RebuildLog(ctx, tx, f.Scope, func(r *aims.LogRebuild, prev *ledger.PreviousLog) ([]byte, error) {
				if prev == nil || prev.Size != old.Size {
					t.Errorf("previous log %+v, want the old head's size %d", prev, old.Size)
				}
				return ledger.EncodeLogRebuilt(ledger.LogRebuilt{ID: r.ID, Generation: r.Generation, OrgID: f.Org.ID, Previous: prev, Reason: "test", Time: tx.Now()})
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		head := checkLog(t, db, f.Scope)
		got, total, err := store.FindDecisions(ctx, db, f.Scope, sys.ID, aims.DecisionFilter{Page: aims.Page{Limit: 100}})
		if err != nil || total != 5 {
			t.Fatalf("decisions: %d, %v", total, err)
		}
		for _, d := range got {
			entries, err := store.ReadLogEntries(ctx, db, head, d.LogIndex, d.LogIndex+1)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ledger.EncodeDecision(f.Org.ID, d)
			if string(entries[0]) != string(want) {
				t.Errorf("decision %s: leaf %d holds %s", d.ID, d.LogIndex, entries[0])
			}
		}
		again := []*store.NewDecision{newDecision(sys.ID, "gw-a", 3, at)}
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.StoreDecisions(ctx, tx, f.Scope, again) }); err != nil {
			t.Fatal(err)
		}
		for _, d := range got {
			if d.Seq == 3 && (!again[0].Duplicate || again[0].D.LogIndex != d.LogIndex) {
				t.Errorf("resent decision: duplicate %v at leaf %d, want leaf %d", again[0].Duplicate, again[0].D.LogIndex, d.LogIndex)
			}
		}
	})
}
