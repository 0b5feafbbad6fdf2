package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/witness"
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

// aWitnessKey makes a new witness key and returns its verifier key.
func aWitnessKey(t *testing.T) string {
	t.Helper()
	_, vkey, err := witness.GenerateKey(strings.ReplaceAll(unique("witness"), " ", "-"))
	if err != nil {
		t.Fatal(err)
	}
	return vkey
}

// aWitness configures a witness of the organization's log.
func aWitness(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
	t.Helper()
	ctx := context.Background()
	vkey := aWitnessKey(t)
	w := &aims.LogWitness{Name: strings.SplitN(vkey, "+", 2)[0], URL: "http://127.0.0.1:9/", VerifierKey: vkey}
	if err := e.db.Transact(ctx, func(tx *store.Tx) error { return store.CreateLogWitness(ctx, tx, o.Scope, w) }); err != nil {
		t.Fatalf("add witness: %v", err)
	}
	return map[string]string{"id": w.ID}, nil
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
		// Witnesses and publishing are settings: every role sees them, admins change them.
		"list-log-witnesses": {allowed: everyone, prepare: noParams, success: 200},
		"add-log-witness": {allowed: admins, success: 201, prepare: func(t *testing.T, _ *apiEnv, _ *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"url": "http://127.0.0.1:9/", "verifier_key": aWitnessKey(t)}
		}},
		"remove-log-witness": {allowed: admins, prepare: aWitness, success: 204},
		"get-log-settings":   {allowed: everyone, prepare: noParams, success: 200},
		"set-log-settings": {allowed: admins, success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"public_checkpoints": false}
		}},
	})
}
