package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestGateRequests (issue 17): passing a gate is a request through the one
// approval engine. A request whose checks fail is created, shows what
// fails and cannot complete; a person whose role it does not name gets
// 403, and so does the requester deciding their own; a content change
// after a decision voids it (409 on complete); a retry completes once the
// evidence arrived; quorum two needs two people, and completing moves the
// status with every approver sealed in the act; one person's act cannot
// pass a gate that needs two; another organization gets 404.
func TestGateRequests(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		owner := w.users[aims.RoleSystemOwner]
		sys := w.f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", owner.ID))
		ownerCtx, mgr, admin := w.as(aims.RoleSystemOwner), w.as(aims.RoleAIMSManager), w.as(aims.RoleAdmin)
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.3.0", Digest: strings.Repeat("ab", 32)}
		mustDo(t, w.svc.CreateModelVersion(ownerCtx, mv))
		approvers := []aims.Role{aims.RoleAIMSManager, aims.RoleAdmin}
		for _, d := range []gate.Definition{
			{Gate: gate.VersionValidation, Checks: []gate.Check{{Kind: gate.CheckMetrics},
				{Kind: gate.CheckEvidence, EvidenceKinds: []string{"validation-report"}, OfThisVersion: true}}},
			{Gate: gate.VersionApproval, Checks: []gate.Check{{Kind: gate.CheckApprovals, Roles: approvers, Quorum: 1}}},
			{Gate: gate.VersionDeployment, Checks: []gate.Check{{Kind: gate.CheckApprovals, Roles: approvers, Quorum: 2}}}} {
			mustDo(t, w.svc.PutGateDefinition(admin, d))
		}
		mustDo(t, w.svc.CreateAcceptanceCriterion(ownerCtx, sys.ID, &aims.AcceptanceCriterion{Metric: "mae", Comparison: aims.CompareLE,
			Threshold: 0.35, Unit: "kg/t"}))
		mustDo(t, w.svc.RecordValidationMetric(ownerCtx, sys.ID, mv.ID, &aims.ValidationMetric{Name: "mae", Value: 0.41, Unit: "kg/t"}))

		// Failing checks: created, shows what fails, cannot complete.
		first, err := w.svc.RequestGatePassage(ownerCtx, sys.ID, mv.ID, service.GateRequestInput{To: aims.ModelApproved})
		mustDo(t, err)
		if a := first.Approval; a.SubjectKind != aims.SubjectModelVersionGate || a.Quorum != 1 || len(a.ApproverRoles) != 2 ||
			a.SubjectLabel != "Approval gate of Setpoint optimizer 2.3.0" || a.Status != aims.ApprovalPending {
			t.Errorf("request: %+v", a)
		}
		if first.Gate.Passed || first.CanComplete || len(first.Gate.Checks) != 3 ||
			!strings.Contains(first.StatusText, "mae 0.41 kg/t does not meet mae <= 0.35 kg/t") {
			t.Errorf("failing request's read: %+v", first)
		}
		if _, err := w.svc.RequestGatePassage(ownerCtx, sys.ID, mv.ID, service.GateRequestInput{To: aims.ModelApproved}); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("a second pending request for the same passage: %v, want 409", err)
		}
		if _, err := w.svc.RequestGatePassage(ownerCtx, sys.ID, mv.ID, service.GateRequestInput{To: aims.ModelDeployed}); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("asking to deploy a candidate: %v, want 409", err)
		}
		// A role the request does not name: 403.
		approve := aims.DecisionInput{Verdict: aims.VerdictApprove}
		if _, err := w.svc.DecideApproval(w.as(aims.RoleContributor), first.Approval.ID, approve); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("a contributor approves: %v, want 403", err)
		}
		r, err := w.svc.DecideApproval(admin, first.Approval.ID, approve)
		mustDo(t, err)
		if r.Status != aims.ApprovalApproved || !strings.HasPrefix(r.Reason, "approved, cannot complete: mae 0.41") {
			t.Errorf("approved with failing checks: %s %q", r.Status, r.Reason)
		}
		if got, _ := w.svc.FindModelVersionByID(mgr, sys.ID, mv.ID); got.Status != aims.ModelCandidate {
			t.Errorf("a held request moved the version to %s", got.Status)
		}
		if _, err := w.svc.CompleteGateRequest(ownerCtx, sys.ID, mv.ID, first.Approval.ID); !aims.IsKind(err, aims.KindConflict) ||
			!strings.Contains(err.Error(), "validation report of model version 2.3.0 missing") {
			t.Errorf("complete with failing checks: %v", err)
		}
		// The content changes after the decision: the request is void.
		mustDo(t, w.svc.RecordValidationMetric(ownerCtx, sys.ID, mv.ID, &aims.ValidationMetric{Name: "mae", Value: 0.31, Unit: "kg/t"}))
		if _, err := w.svc.CompleteGateRequest(ownerCtx, sys.ID, mv.ID, first.Approval.ID); !aims.IsKind(err, aims.KindConflict) ||
			!strings.Contains(err.Error(), "void") {
			t.Errorf("complete after the metrics changed: %v, want 409 void", err)
		}
		// A new request, approved; it waits for the report, then completes.
		second, err := w.svc.RequestGatePassage(ownerCtx, sys.ID, mv.ID, service.GateRequestInput{To: aims.ModelApproved})
		mustDo(t, err)
		_, err = w.svc.DecideApproval(mgr, second.Approval.ID, approve)
		mustDo(t, err)
		collected := time.Now().AddDate(0, 0, -1)
		_, err = w.svc.AddEvidence(ownerCtx, &aims.EvidenceUpload{Kind: "validation-report", Title: "Optimizer 2.3.0 validation report",
			URL: "https://example.test/vr", CollectedAt: &collected, Links: []aims.EvidenceLink{{Type: aims.TargetModelVersion, ID: mv.ID}}}, nil)
		mustDo(t, err)
		got, err := w.svc.CompleteGateRequest(ownerCtx, sys.ID, mv.ID, second.Approval.ID)
		mustDo(t, err)
		if !got.Completed || got.CanComplete {
			t.Errorf("completed: %+v", got)
		}
		after, _ := w.svc.FindModelVersionByID(mgr, sys.ID, mv.ID)
		if after.Status != aims.ModelApproved || len(after.Approvals) != 1 || after.Approvals[0].GateRequestID != second.Approval.ID ||
			len(after.Approvals[0].Approvers) != 1 || after.Approvals[0].Approvers[0].ID != w.users[aims.RoleAIMSManager].ID {
			t.Fatalf("after completion: %s %+v", after.Status, after.Approvals)
		}
		if _, err := w.svc.CompleteGateRequest(ownerCtx, sys.ID, mv.ID, second.Approval.ID); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("completing twice: %v, want 409", err)
		}

		// Deployment needs two people: one person's act is refused, saying
		// to open a gate request.
		deploy := testApproval
		deploy.Status = aims.ModelDeployed
		if _, err := w.svc.ApproveModelVersion(mgr, sys.ID, mv.ID, &deploy); !aims.IsKind(err, aims.KindConflict) ||
			!strings.Contains(err.Error(), "1 of 2 approvals given") || !strings.Contains(err.Error(), "gate request") {
			t.Errorf("one person deploys where two must approve: %v", err)
		}
		dep, err := w.svc.RequestGatePassage(mgr, sys.ID, mv.ID, service.GateRequestInput{To: aims.ModelDeployed})
		mustDo(t, err)
		if dep.Approval.Quorum != 2 || dep.Approval.SubjectLabel != "Deployment gate of Setpoint optimizer 2.3.0" {
			t.Errorf("deployment request: %+v", dep.Approval)
		}
		// My work: the admin sees it waiting; the requester does not.
		work, err := w.svc.MyWork(admin)
		mustDo(t, err)
		if !hasWork(work, "Deployment gate of Setpoint optimizer 2.3.0") {
			t.Errorf("admin's work lacks the deployment gate request: %+v", work)
		}
		if work, _ := w.svc.MyWork(mgr); hasWork(work, "Deployment gate of Setpoint optimizer 2.3.0") {
			t.Error("the requester's work lists their own request")
		}
		if _, err := w.svc.DecideApproval(mgr, dep.Approval.ID, approve); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("the requester approves their own: %v, want 403", err)
		}
		r, err = w.svc.DecideApproval(admin, dep.Approval.ID, approve)
		mustDo(t, err)
		if r.Status != aims.ApprovalPending {
			t.Errorf("one of two approvals: %s", r.Status)
		}
		if g, _ := w.svc.FindGateRequest(mgr, sys.ID, mv.ID, dep.Approval.ID); g.Gate.Passed || !strings.Contains(g.StatusText, "1 of 2 approvals given") {
			t.Errorf("one of two: %+v", g)
		}
		// Another organization sees none of it.
		other := newSoAWorld(t, db, "other")
		if _, err := w.svc.FindGateRequest(other.as(aims.RoleAdmin), sys.ID, mv.ID, dep.Approval.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization reads the request: %v, want 404", err)
		}
		if _, err := w.svc.DecideApproval(other.as(aims.RoleAdmin), dep.Approval.ID, approve); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization decides: %v, want 404", err)
		}
		if _, err := w.svc.RequestGatePassage(other.as(aims.RoleAdmin), sys.ID, mv.ID, service.GateRequestInput{To: aims.ModelDeployed}); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization asks: %v, want 404", err)
		}
		if _, err := w.svc.CompleteGateRequest(other.as(aims.RoleAdmin), sys.ID, mv.ID, dep.Approval.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization completes: %v, want 404", err)
		}
		// A request of another version read through this one: 404.
		mv2 := &aims.ModelVersion{SystemID: sys.ID, Version: "2.4.0", Digest: strings.Repeat("cd", 32)}
		mustDo(t, w.svc.CreateModelVersion(ownerCtx, mv2))
		if _, err := w.svc.FindGateRequest(mgr, sys.ID, mv2.ID, dep.Approval.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("a request read through another version: %v, want 404", err)
		}
		// The second person approves: the version is deployed, both sealed.
		second2 := w.f.AddMember(t, db, "manager2@acme.test", aims.RoleAIMSManager)
		secondCtx := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: second2.ID, Email: second2.Email, Name: second2.Name,
			OrgID: w.f.Org.ID, OrgSlug: w.f.Org.Slug, OrgName: w.f.Org.Name, Role: aims.RoleAIMSManager})
		_, err = w.svc.DecideApproval(secondCtx, dep.Approval.ID, approve)
		mustDo(t, err)
		after, _ = w.svc.FindModelVersionByID(mgr, sys.ID, mv.ID)
		if after.Status != aims.ModelDeployed || after.DeployedAt == nil || len(after.Approvals) != 2 {
			t.Fatalf("after two approvals: %s %+v", after.Status, after.Approvals)
		}
		act := after.Approvals[1]
		if act.GateRequestID != dep.Approval.ID || len(act.Approvers) != 2 || act.Approvers[0].ID != w.f.Admin.ID ||
			act.Approvers[1].ID != second2.ID || act.Gate != string(gate.VersionDeployment) || len(act.Checks) != 1 || !act.Checks[0].Passed ||
			act.ApprovedBy != second2.ID {
			t.Errorf("deployment act: %+v", act)
		}
		list, err := w.svc.FindGateRequests(mgr, sys.ID, mv.ID)
		mustDo(t, err)
		if len(list) != 3 || list[0].Approval.ID != dep.Approval.ID || !list[0].Completed || list[2].Completed {
			t.Errorf("%d gate requests, newest first: %+v", len(list), list)
		}
	})
}

func hasWork(items []aims.WorkItem, title string) bool {
	for _, it := range items {
		if it.Title == title {
			return true
		}
	}
	return false
}
