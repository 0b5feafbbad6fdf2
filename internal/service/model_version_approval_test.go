package service_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// testApproval is the evidence the service tests approve model versions on.
var testApproval = aims.ModelVersionApproval{Evidence: "validation report VR-1", AcceptanceCriteria: "MAE below 1 %", Result: "MAE 0.8 %"}

// TestModelVersionApprovalActs: only a person with approve records the acts
// (the system's owner may not), each names its evidence, the states follow
// candidate -> approved -> deployed, a refused act writes nothing, and
// CreateReleasedModelVersion leaves both acts behind.
func TestModelVersionApprovalActs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		owner := w.users[aims.RoleSystemOwner]
		sys := w.f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", owner.ID))
		ownerCtx, mgr := w.as(aims.RoleSystemOwner), w.as(aims.RoleAIMSManager)
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "1.0", Digest: strings.Repeat("ab", 32)}
		mustDo(t, w.svc.CreateModelVersion(ownerCtx, mv))

		act := testApproval
		act.Status = aims.ModelApproved
		if _, err := w.svc.ApproveModelVersion(ownerCtx, sys.ID, mv.ID, &act); !aims.IsKind(err, aims.KindForbidden) {
			t.Fatalf("owner approves: %v", err)
		}
		blank := aims.ModelVersionApproval{Status: aims.ModelApproved, Evidence: "VR-1"}
		if _, err := w.svc.ApproveModelVersion(mgr, sys.ID, mv.ID, &blank); fieldList(err) != "acceptance_criteria result" {
			t.Errorf("missing fields: %v (%s)", err, fieldList(err))
		}
		deploy := testApproval
		deploy.Status = aims.ModelDeployed
		if _, err := w.svc.ApproveModelVersion(mgr, sys.ID, mv.ID, &deploy); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("deploying a candidate: %v", err)
		}
		if got, _ := w.svc.FindModelVersionByID(mgr, sys.ID, mv.ID); got.Status != aims.ModelCandidate || len(got.Approvals) != 0 {
			t.Fatalf("refused acts wrote: %+v", got)
		}
		// Issue 17: the act passes the version's gates. By default the
		// validation gate asks for acceptance criteria met and a validation
		// report of the version: the act is refused, naming every failing check.
		_, err := w.svc.ApproveModelVersion(mgr, sys.ID, mv.ID, &act)
		if !aims.IsKind(err, aims.KindConflict) || fieldList(err) != "gate/metrics_meet_criteria gate/evidence" ||
			!strings.Contains(err.Error(), "has not passed its approval gate") {
			t.Fatalf("approve without criteria or report: %v (%s)", err, fieldList(err))
		}
		override := act
		override.OverrideReason = "the vendor's report is in the mail"
		if _, err := w.svc.ApproveModelVersion(mgr, sys.ID, mv.ID, &override); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("a manager overrides a gate: %v, want forbidden", err)
		}
		mustDo(t, w.svc.CreateAcceptanceCriterion(ownerCtx, sys.ID, &aims.AcceptanceCriterion{Metric: "MAE", Comparison: aims.CompareLE,
			Threshold: 0.35, Unit: "kg/t"}))
		mustDo(t, w.svc.RecordValidationMetric(ownerCtx, sys.ID, mv.ID, &aims.ValidationMetric{Name: "mae", Value: 0.41, Unit: "kg/t"}))
		admin := w.as(aims.RoleAdmin)
		if err := w.svc.PutGateDefinition(admin, gate.Definition{Gate: gate.VersionValidation, Checks: []gate.Check{{Kind: "vibes"}}}); fieldList(err) != "checks/0/kind" {
			t.Errorf("unknown check kind: %v (%s)", err, fieldList(err))
		}
		if err := w.svc.PutGateDefinition(mgr, gate.Definition{Gate: gate.VersionValidation, Checks: []gate.Check{{Kind: gate.CheckMetrics}}}); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("a manager defines a gate: %v, want forbidden", err)
		}
		// The organization's own gates: metrics only to validate, the
		// approver alone to approve and deploy.
		for _, d := range []gate.Definition{{Gate: gate.VersionValidation, Checks: []gate.Check{{Kind: gate.CheckMetrics}}},
			{Gate: gate.VersionApproval, Checks: []gate.Check{{Kind: gate.CheckApprovals, Roles: []aims.Role{aims.RoleAIMSManager}, Quorum: 1}}},
			{Gate: gate.VersionDeployment, Checks: []gate.Check{{Kind: gate.CheckApprovals, Roles: []aims.Role{aims.RoleAIMSManager}, Quorum: 1}}}} {
			mustDo(t, w.svc.PutGateDefinition(admin, d))
		}
		_, err = w.svc.ApproveModelVersion(mgr, sys.ID, mv.ID, &act)
		if !aims.IsKind(err, aims.KindConflict) || !strings.Contains(err.Error(), "mae 0.41 kg/t does not meet mae <= 0.35 kg/t") {
			t.Fatalf("approve with a metric that misses: %v", err)
		}
		mustDo(t, w.svc.RecordValidationMetric(ownerCtx, sys.ID, mv.ID, &aims.ValidationMetric{Name: "mae", Value: 0.31, Unit: "kg/t"}))
		got, err := w.svc.ApproveModelVersion(mgr, sys.ID, mv.ID, &act)
		mustDo(t, err)
		if a := got.Approvals; len(a) != 1 || a[0].Gate != string(gate.VersionApproval) || len(a[0].Checks) != 2 || !a[0].Checks[0].Passed {
			t.Errorf("the act's sealed checks: %+v", a)
		}
		if got.Status != aims.ModelApproved || len(got.Approvals) != 1 || got.Approvals[0].ApprovedBy != w.users[aims.RoleAIMSManager].ID {
			t.Errorf("approved: %+v", got)
		}

		released := &aims.ModelVersion{SystemID: sys.ID, Version: "2.0", Digest: strings.Repeat("cd", 32), Status: aims.ModelDeployed}
		mustDo(t, w.svc.CreateReleasedModelVersion(mgr, released, testApproval))
		got, _ = w.svc.FindModelVersionByID(mgr, sys.ID, released.ID)
		if got.Status != aims.ModelDeployed || got.DeployedAt == nil || len(got.Approvals) != 2 ||
			got.Approvals[0].Status != aims.ModelApproved || got.Approvals[1].Status != aims.ModelDeployed {
			t.Errorf("released: %+v", got)
		}
	})
}
