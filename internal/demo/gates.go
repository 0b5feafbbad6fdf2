package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// The demo's lifecycle gates (issue 17): the setpoint optimizer holds its
// model versions to mae <= 0.35 kg/t on the 2025 Q1 test extract. Both of
// its versions are registered as candidates with their metric and model
// card. 2.3.0 met the criterion (0.31 kg/t) and has its validation report;
// once the optimizer's classification, impact assessment and risks are
// recorded, it passes its gates through gate requests: its owner asks, the
// AIMS manager approves it, and the admin and the AIMS manager approve its
// deployment (the strict deployment gate asks for two people). No act of
// it carries an override. 2.4.0-rc1, delivered after the optimizer went
// live (its registration re-opens the system's deployment gate), misses
// the criterion (0.41 kg/t) and has no validation report, so it is blocked
// at its validation gate and the edge is told why; its owner's gate
// request for approval stays open, showing what fails.

// GateSystem is the system whose model versions the demo puts through gates.
const GateSystem = "Dewatering setpoint optimizer"

const gateDataset = "Line 2 dewatering historian 2025 Q1"

// gateMetrics are the recorded validation metrics per model version.
var gateMetrics = map[string]float64{"2.3.0": 0.31, "2.4.0-rc1": 0.41}

// setGateCriteria sets the optimizer's acceptance criterion.
func setGateCriteria(ctx context.Context, svc *service.Service, systemID string, datasetIDs map[string]string) error {
	list, err := svc.FindAcceptanceCriteria(ctx, systemID)
	if err != nil || len(list) > 0 {
		return err
	}
	return svc.CreateAcceptanceCriterion(ctx, systemID, &aims.AcceptanceCriterion{Metric: "mae", Comparison: aims.CompareLE,
		Threshold: 0.35, Unit: "kg/t", DatasetID: datasetIDs[gateDataset]})
}

// createGatedVersion registers a version of the optimizer as a candidate
// with its metric, its model card and, for one to be released, its
// validation report. The version to be released stays a candidate until
// the optimizer's records let it pass its gates (releaseThroughGates);
// for the other, its owner asks for passage and the request stays open.
func createGatedVersion(ctx context.Context, svc *service.Service, mv *aims.ModelVersion, userIDs, datasetIDs map[string]string) error {
	target := mv.Status
	mv.Status = aims.ModelCandidate
	if err := svc.CreateModelVersion(ctx, mv); err != nil {
		return err
	}
	if err := svc.RecordValidationMetric(ctx, mv.SystemID, mv.ID, &aims.ValidationMetric{Name: "mae", Value: gateMetrics[mv.Version],
		Unit: "kg/t", DatasetID: datasetIDs[gateDataset], Source: "vendor validation run"}); err != nil {
		return err
	}
	// The vendor's documents came with the version, before it was
	// registered (2.3.0 well before it passed its gates).
	collected := time.Now().AddDate(0, 0, -76)
	if target.SetByApproval() {
		collected = time.Now().AddDate(0, 0, -260)
	}
	expires := collected.AddDate(1, 0, 0)
	// The vendor ships a model card with every version (a high-impact
	// system's validation gate asks for one).
	if _, err := svc.AddEvidence(ctx, &aims.EvidenceUpload{Kind: "model-card", Title: "Optimizer " + mv.Version + " model card",
		URL: "https://registry.aquametrics.example/dewatering/setpoint-optimizer/" + mv.Version + "/model-card", CollectedAt: &collected,
		Links: []aims.EvidenceLink{{Type: aims.TargetModelVersion, ID: mv.ID}}}, nil); err != nil {
		return err
	}
	if !target.SetByApproval() {
		// Its owner has asked for passage: the open gate request shows
		// what fails (the metric misses, the report is missing).
		_, err := svc.RequestGatePassage(asMember(ctx, userIDs, "owner@demo.example"), mv.SystemID, mv.ID,
			service.GateRequestInput{To: aims.ModelApproved})
		return err
	}
	body := fmt.Sprintf("Validation of model version %s on the Line 2 2025 Q1 test extract.\nMAE %.2f kg/t (criterion: mae <= 0.35 kg/t).\n",
		mv.Version, gateMetrics[mv.Version])
	_, err := svc.AddEvidence(ctx, &aims.EvidenceUpload{Kind: "validation-report", Title: "Optimizer " + mv.Version + " validation report",
		FileName: "optimizer-" + mv.Version + "-validation.txt", MediaType: "text/plain", CollectedAt: &collected, ExpiresAt: &expires,
		Links: []aims.EvidenceLink{{Type: aims.TargetAISystem, ID: mv.SystemID}, {Type: aims.TargetModelVersion, ID: mv.ID},
			{Type: aims.TargetRequirement, ID: "iso42001:A.6.2.4"}}}, strings.NewReader(body))
	return err
}

// releasedVersion is the optimizer's version that passes its gates and
// runs on Line 2.
const releasedVersion = "2.3.0"

const gateOwner = "owner@demo.example"

// deploySystemThroughGate moves the optimizer from verification and
// validation into deployed by the stage act of the AIMS manager, passing
// its system deployment gate. Should its checks not hold (the demo's
// records changed), the loader deploys it with an override that says so,
// flagged like every override, rather than pretend the gate was passed.
// Then 2.3.0 passes its model version gates (releaseThroughGates). The
// other demo systems are registered as already deployed and flagged.
func deploySystemThroughGate(ctx context.Context, svc *service.Service, userIDs map[string]string) error {
	list, _, err := svc.FindSystems(ctx, aims.SystemFilter{Search: GateSystem})
	if err != nil {
		return err
	}
	for _, s := range list {
		if s.Name != GateSystem {
			continue
		}
		if s.LifecycleStage != aims.StageDeployed { // else an earlier, interrupted load deployed it
			in := aims.NewStageTransition{To: aims.StageDeployed,
				Comment: "Commissioned on Line 2 after site acceptance: impact assessment signed off, classification recorded, risks within appetite."}
			_, err := svc.TransitionSystemStage(asApprover(ctx, userIDs), s.ID, in)
			if aims.IsKind(err, aims.KindConflict) {
				in.OverrideReason = "the demo loader deployed it although its gate's checks did not hold: " + err.Error()
				_, err = svc.TransitionSystemStage(ctx, s.ID, in)
			}
			if err != nil {
				return err
			}
		}
		return releaseThroughGates(ctx, svc, userIDs, s.ID)
	}
	return nil
}

// releaseThroughGates moves 2.3.0 from candidate to approved and then to
// deployed through gate requests: its owner asks, the AIMS manager
// approves it (validation and approval gates), the admin and the AIMS
// manager approve its deployment (the strict deployment gate asks for two
// people). Deploying it puts the optimizer's impact assessment out of
// date (it was signed off with no model version deployed), so the owner
// revises it to cover 2.3.0 and signs it off again. Each step is skipped
// when an earlier, interrupted load took it.
func releaseThroughGates(ctx context.Context, svc *service.Service, userIDs map[string]string, systemID string) error {
	versions, _, err := svc.FindModelVersions(ctx, systemID, aims.ModelVersionFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	var mv *aims.ModelVersion
	for _, v := range versions {
		if v.Version == releasedVersion {
			mv = v
		}
	}
	if mv == nil {
		return fmt.Errorf("model version %s of %s is missing", releasedVersion, GateSystem)
	}
	owner, mgr, admin := asMember(ctx, userIDs, gateOwner), asApprover(ctx, userIDs), asMember(ctx, userIDs, "admin@demo.example")
	if mv.Status == aims.ModelCandidate {
		if err := passGateOnce(svc, owner, []context.Context{mgr}, systemID, mv.ID, aims.ModelApproved); err != nil {
			return fmt.Errorf("%s to approved: %w", releasedVersion, err)
		}
		mv.Status = aims.ModelApproved
	}
	if mv.Status == aims.ModelApproved {
		if err := passGateOnce(svc, owner, []context.Context{admin, mgr}, systemID, mv.ID, aims.ModelDeployed); err != nil {
			return fmt.Errorf("%s to deployed: %w", releasedVersion, err)
		}
	}
	return reviseImpactFor(owner, svc, systemID)
}

// passGateOnce is passByGateRequest that takes up a pending request for
// the same passage (left by an interrupted load) and skips the approvers
// who decided it already.
func passGateOnce(svc *service.Service, requester context.Context, approvers []context.Context, systemID, versionID string, to aims.ModelVersionStatus) error {
	list, err := svc.FindGateRequests(requester, systemID, versionID)
	if err != nil {
		return err
	}
	var g *service.GateRequest
	for _, r := range list {
		if r.To == to && r.Approval.Status == aims.ApprovalPending {
			g = r
			break
		}
	}
	if g == nil {
		if g, err = svc.RequestGatePassage(requester, systemID, versionID, service.GateRequestInput{To: to}); err != nil {
			return err
		}
	}
	for _, ctx := range approvers {
		if g, err = svc.FindGateRequest(requester, systemID, versionID, g.Approval.ID); err != nil {
			return err
		}
		if g.Approval.Status != aims.ApprovalPending { // its quorum is reached
			break
		}
		decided := false
		for _, d := range g.Approval.Decisions {
			decided = decided || d.DecidedBy == authz.PrincipalFrom(ctx).UserID
		}
		if decided {
			continue
		}
		if _, err := svc.DecideApproval(ctx, g.Approval.ID, aims.DecisionInput{Verdict: aims.VerdictApprove}); err != nil {
			return err
		}
	}
	if g, err = svc.FindGateRequest(requester, systemID, versionID, g.Approval.ID); err != nil {
		return err
	}
	if !g.Completed {
		return fmt.Errorf("%s did not complete: %s", g.Approval.SubjectLabel, g.StatusText)
	}
	return nil
}

// reviseImpactFor has the owner revise the optimizer's impact assessment
// once 2.3.0 is deployed (6.1.4, 8.4: assess again when another model
// version runs), unless the signed-off version is current.
func reviseImpactFor(owner context.Context, svc *service.Service, systemID string) error {
	sum, err := svc.ImpactSummary(owner, systemID)
	if err != nil {
		return err
	}
	if !sum.OutOfDate && sum.Draft == 0 {
		return nil
	}
	list, err := svc.FindImpactAssessments(owner, systemID)
	if err != nil {
		return err
	}
	var draft *aims.ImpactAssessment
	if len(list) > 0 && list[0].Status == aims.AssessmentDraft {
		draft = list[0]
	} else if draft, err = svc.StartImpactAssessment(owner, systemID); err != nil {
		return err
	}
	conclusion := "Acceptable with the safeguards in place. Assessed again when model version " + releasedVersion +
		" went live on Line 2: same inputs, dose limits and fallback as before. Medium residual impact on oversight, treated in the risk register."
	if _, err := svc.UpdateImpactAssessment(owner, systemID, draft.ID, aims.ImpactAssessmentUpdate{Conclusion: &conclusion}); err != nil {
		return err
	}
	_, err = svc.SignOffImpactAssessment(owner, systemID, draft.ID)
	return err
}
