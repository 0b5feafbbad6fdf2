package api_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

var decisionSeq atomic.Int64

// decisionEvent is a valid decision event of a gateway, with a new seq.
func decisionEvent(modelVersion string) map[string]any {
	return map[string]any{
		"model_version": modelVersion, "source": "gw-test", "seq": decisionSeq.Add(1),
		"source_time": time.Now().UTC().Format(time.RFC3339Nano),
		"inputs":      map[string]any{"TT-101 torque": 41.2, "FT-201 flow": 12.5},
		"output":      map[string]any{"value": 43.1, "unit": "%"},
	}
}

// mustDecision records one decision of system as the host's operator and
// returns its id.
func (o *orgEnv) mustDecision(t testing.TB, svc *service.Service, systemID string) string {
	t.Helper()
	ctx := service.OperatorContext(context.Background(), o.Org, "test")
	body := fmt.Sprintf(`{"model_version":"1.0","source":"gw-fixture","seq":%d,"source_time":%q,"inputs":{"TT-101 torque":40},"output":{"value":42,"unit":"%%"}}`,
		decisionSeq.Add(1), time.Now().UTC().Format(time.RFC3339Nano))
	ack, err := svc.RecordDecision(ctx, systemID, []byte(body), service.ViaCLI)
	if err != nil {
		t.Fatalf("record decision: %v", err)
	}
	return ack.ID
}

// aDecision makes a system with one decision.
func aDecision(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		s := o.mustSystem(t, e.db, o.Admin.ID)
		return map[string]string{"id": s.ID, "decision_id": o.mustDecision(t, e.svc, s.ID)}, body
	}
}

// suspendedOwnSystem makes a system owned by the caller and suspends it.
func suspendedOwnSystem(t *testing.T, e *apiEnv, o *orgEnv, caller *aims.Member) (map[string]string, any) {
	s := o.mustSystem(t, e.db, caller.ID)
	ctx := service.OperatorContext(context.Background(), o.Org, "test")
	if _, err := e.svc.SuspendSystem(ctx, s.ID, aims.NewSuspension{Reason: "drift"}); err != nil {
		t.Fatalf("suspend: %v", err)
	}
	return map[string]string{"id": s.ID}, map[string]any{"note": "retrained"}
}

func init() {
	addOpCases(map[string]opCase{
		// Decisions are posted by whoever runs a system (a gateway's
		// token is a member's, limited by scopes); auditors and viewers
		// write nothing.
		"record-decisions": {allowed: writers, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return map[string]string{"id": o.mustSystem(t, e.db, o.Admin.ID).ID}, decisionEvent("1.0")
		}},
		"list-decisions":       {allowed: everyone, prepare: anySystem, success: 200},
		"export-decisions":     {allowed: exporters, prepare: anySystem, success: 200},
		"get-decision":         {allowed: everyone, prepare: aDecision(nil), success: 200},
		"get-decision-payload": {allowed: everyone, prepare: aDecision(nil), success: 200},
		// The log's proofs reveal hashes only: every role may check them.
		"get-decision-proof": {allowed: everyone, prepare: aDecision(nil), success: 200},
		// Erasing personal data destroys a record's content: admins only.
		"erase-decision-payload": {allowed: admins, prepare: aDecision(map[string]any{"reason": "data subject request #12"}), success: 200},
		// Everyone who reads may ask whether a system may act.
		"get-authorization": {allowed: everyone, prepare: anySystem, success: 200},
		// The system's owner (any role that edits systems, as its owner),
		// AIMS managers and admins stop and resume it (A.9.2).
		"suspend-system":   {allowed: writers, prepare: ownSystem(map[string]any{"reason": "drift beyond threshold"}), success: 201},
		"resume-system":    {allowed: writers, prepare: suspendedOwnSystem, success: 200},
		"list-suspensions": {allowed: everyone, prepare: anySystem, success: 200},
	})
}
