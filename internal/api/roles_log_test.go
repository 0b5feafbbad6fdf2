package api_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// anAuditEvent makes a record and returns its audit event's id: every write
// is sealed in the log, so the event has a proof.
func anAuditEvent(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
	t.Helper()
	s := o.mustSystem(t, e.db, o.Admin.ID)
	evs, _, err := store.FindAuditEvents(context.Background(), e.db, o.Scope, aims.AuditFilter{EntityID: s.ID})
	if err != nil || len(evs) == 0 {
		t.Fatalf("audit event of %s: %v", s.ID, err)
	}
	return map[string]string{"id": evs[0].ID}, nil
}

// anOpenAlert raises a tamper alert, as a check that found a mismatch would.
func anOpenAlert(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
	t.Helper()
	ctx := context.Background()
	a := &aims.LogAlert{RecordID: "audit event " + unique("x"), Detail: "the stored record does not match its leaf", Fingerprint: unique("finding")}
	if err := e.db.Transact(ctx, func(tx *store.Tx) error {
		_, err := store.RaiseLogAlert(ctx, tx, o.Scope, a)
		return err
	}); err != nil {
		t.Fatalf("raise alert: %v", err)
	}
	return map[string]string{"id": a.ID}, nil
}

func init() {
	addOpCases(map[string]opCase{
		// Every role may check the log: its proofs reveal hashes only.
		"get-inclusion-proof": {allowed: everyone, success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return map[string]string{query: "index=0&size=2"}, nil
		}},
		"get-consistency-proof": {allowed: everyone, success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return map[string]string{query: "old=1&new=2"}, nil
		}},
		"get-audit-event-proof": {allowed: everyone, prepare: anAuditEvent, success: 200},
		// Alerts name records and what was found wrong with them: those who
		// read the audit trail see them; acknowledging is a setting.
		"list-log-alerts":       {allowed: trail, prepare: noParams, success: 200},
		"acknowledge-log-alert": {allowed: admins, prepare: anOpenAlert, success: 200},
	})
}
