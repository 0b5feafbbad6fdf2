package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// reopenedSystem makes a system whose deployment gate a new candidate
// model version re-opened, and the body that clears it.
func reopenedSystem(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
	s := o.mustSystem(t, e.db, o.Admin.ID)
	ctx := service.OperatorContext(context.Background(), o.Org, "test")
	mv := &aims.ModelVersion{SystemID: s.ID, Version: "2.0.0-rc1", Digest: strings.Repeat("ef", 32)}
	if err := e.svc.CreateModelVersion(ctx, mv); err != nil {
		t.Fatalf("register a candidate: %v", err)
	}
	return map[string]string{"id": s.ID}, map[string]any{"reason": "the deployment plan covers it"}
}

func init() {
	addOpCases(map[string]opCase{
		// Every reader sees what is re-opened; only AIMS managers and
		// admins clear a re-opened gate with a reason (8.1).
		"list-gate-reopenings":  {allowed: everyone, prepare: anySystem, success: 200},
		"clear-gate-reopenings": {allowed: approvers, prepare: reopenedSystem, success: 200},
	})
}
