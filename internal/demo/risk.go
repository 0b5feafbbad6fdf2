package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
)

// SeedRisk gives the demo organization in ctx its risk criteria, an
// impact assessment of each AI system signed off by the system's owner,
// and a register of risks with treatments linked to Annex A controls. The
// credit-scoring assessment is then out of date: its newer model version
// was deployed after sign-off. ctx must act as the host's operator (e.g.
// service.OperatorContext); owners' and the AIMS manager's acts are
// recorded as the operator acting for them. It expects the demo systems and
// members; what exists already is kept, so a second run adds nothing and
// an interrupted one is completed.
func SeedRisk(ctx context.Context, s *service.Service) error {
	op := authz.PrincipalFrom(ctx)
	if op == nil || !op.Operator {
		return aims.Errorf(aims.KindForbidden, "the demo risk register is loaded by the host's operator")
	}
	members, _, err := s.FindMembers(ctx, aims.MemberFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	as := demoActors{ctx: ctx, op: op, members: map[string]*aims.Member{}}
	for _, m := range members {
		as.members[m.Email] = m
	}
	versions, err := s.RiskCriteriaVersions(ctx)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		c := aims.DefaultRiskCriteria()
		c.Note = "Adopted at the management review: appetite at medium; high risks are retained only with the AIMS manager's acceptance."
		if _, err := s.SaveRiskCriteria(ctx, c); err != nil {
			return fmt.Errorf("demo risk criteria: %w", err)
		}
	}
	systems := map[string]*aims.AISystem{}
	list, _, err := s.FindSystems(ctx, aims.SystemFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	for _, sys := range list {
		systems[sys.Name] = sys
	}
	assessments := map[string]*aims.ImpactAssessment{}
	for _, spec := range demoImpacts {
		sys := systems[spec.system]
		if sys == nil {
			return fmt.Errorf("demo system %s is missing", spec.system)
		}
		a, err := seedImpact(ctx, s, as, sys, spec)
		if err != nil {
			return fmt.Errorf("demo impact assessment of %s: %w", spec.system, err)
		}
		assessments[sys.ID] = a
	}
	if err := deployDemoRefit(ctx, s, as, systems[demoCredit]); err != nil {
		return fmt.Errorf("demo deployment of the credit refit: %w", err)
	}
	today := aims.DateOf(s.DB().Now())
	for _, spec := range demoRisks {
		if err := seedRisk(ctx, s, as, systems, assessments, spec, today); err != nil {
			return fmt.Errorf("demo risk %q: %w", spec.title, err)
		}
	}
	return nil
}

// demoActors lets the operator act for the demo's members: the audit
// trail names the member and the operator ("owner@... (by aims demo
// loader)").
type demoActors struct {
	ctx     context.Context
	op      *authz.Principal
	members map[string]*aims.Member
}

// as returns a context acting for the member with email.
func (d demoActors) as(email string) (context.Context, error) {
	m := d.members[email]
	if m == nil {
		return nil, fmt.Errorf("demo member %s is missing", email)
	}
	p := *d.op
	p.UserID, p.Name, p.Email = m.ID, m.Name, m.Email+" (by "+d.op.Email+")"
	return authz.WithPrincipal(d.ctx, &p), nil
}

// id returns the user id of the member with email, or "".
func (d demoActors) id(email string) string {
	if m := d.members[email]; m != nil {
		return m.ID
	}
	return ""
}

// seedImpact signs off the system's impact assessment as its owner, unless
// one is signed off already.
func seedImpact(ctx context.Context, s *service.Service, as demoActors, sys *aims.AISystem, spec demoImpact) (*aims.ImpactAssessment, error) {
	list, err := s.FindImpactAssessments(ctx, sys.ID)
	if err != nil {
		return nil, err
	}
	var draft *aims.ImpactAssessment
	for _, a := range list {
		if a.Status == aims.AssessmentSignedOff {
			return a, nil
		}
		draft = a
	}
	owner, err := as.as(sys.OwnerEmail)
	if err != nil {
		return nil, err
	}
	if draft == nil {
		if draft, err = s.StartImpactAssessment(owner, sys.ID); err != nil {
			return nil, err
		}
	}
	areas := spec.areas
	upd := aims.ImpactAssessmentUpdate{ForeseeableMisuse: &spec.misuse, AffectedParties: &spec.parties,
		AffectedDescription: &spec.affected, Areas: &areas, Conclusion: &spec.conclusion}
	if _, err := s.UpdateImpactAssessment(owner, sys.ID, draft.ID, upd); err != nil {
		return nil, err
	}
	return s.SignOffImpactAssessment(owner, sys.ID, draft.ID)
}

// deployDemoRefit deploys the credit scorecard's refit, approved by the
// model risk committee after the impact assessment was signed off, which
// puts that assessment out of date.
func deployDemoRefit(ctx context.Context, s *service.Service, as demoActors, sys *aims.AISystem) error {
	if sys == nil {
		return fmt.Errorf("demo system %s is missing", demoCredit)
	}
	versions, _, err := s.FindModelVersions(ctx, sys.ID, aims.ModelVersionFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	byVersion := map[string]*aims.ModelVersion{}
	for _, v := range versions {
		byVersion[v.Version] = v
	}
	refit, old := byVersion["cs-2025.1"], byVersion["cs-2024.1"]
	if refit == nil || old == nil || refit.Status == aims.ModelDeployed {
		return nil
	}
	retired := aims.ModelRetired
	notes := refit.Notes + " Approved by the model risk committee and deployed; the impact assessment has not been revisited yet."
	if _, err := s.UpdateModelVersion(ctx, sys.ID, refit.ID, aims.ModelVersionUpdate{Notes: &notes}); err != nil {
		return err
	}
	mgr, err := as.as(approver)
	if err != nil {
		return err
	}
	if refit.Status != aims.ModelApproved { // else an earlier, interrupted load approved it
		act := approvalOf(sys.Name, refit.Version)
		act.Status = aims.ModelApproved
		if _, err := s.ApproveModelVersion(mgr, sys.ID, refit.ID, &act); err != nil {
			return err
		}
	}
	// A high-risk system's deployment gate needs two people's approvals:
	// its owner asks by a gate request, the admin and the AIMS manager
	// approve, and the manager's approval completes it.
	owner, err := as.as(sys.OwnerEmail)
	if err != nil {
		return err
	}
	admin, err := as.as("admin@demo.example")
	if err != nil {
		return err
	}
	if err := passByGateRequest(s, owner, []context.Context{admin, mgr}, sys.ID, refit.ID, aims.ModelDeployed); err != nil {
		return err
	}
	_, err = s.UpdateModelVersion(ctx, sys.ID, old.ID, aims.ModelVersionUpdate{Status: &retired})
	return err
}

// passByGateRequest moves a model version to status to by a gate request
// that requester opens and approvers approve in turn; it fails when the
// request does not complete (saying why).
func passByGateRequest(s *service.Service, requester context.Context, approvers []context.Context, systemID, versionID string, to aims.ModelVersionStatus) error {
	g, err := s.RequestGatePassage(requester, systemID, versionID, service.GateRequestInput{To: to})
	if err != nil {
		return err
	}
	for _, ctx := range approvers {
		if _, err := s.DecideApproval(ctx, g.Approval.ID, aims.DecisionInput{Verdict: aims.VerdictApprove}); err != nil {
			return err
		}
	}
	if g, err = s.FindGateRequest(requester, systemID, versionID, g.Approval.ID); err != nil {
		return err
	}
	if !g.Completed {
		return fmt.Errorf("%s did not complete: %s", g.Approval.SubjectLabel, g.StatusText)
	}
	return nil
}

// seedRisk adds one risk, its actions and its acceptance, unless a risk
// with its title exists.
func seedRisk(ctx context.Context, s *service.Service, as demoActors, systems map[string]*aims.AISystem,
	assessments map[string]*aims.ImpactAssessment, spec demoRisk, today aims.Date) error {
	existing, _, err := s.FindRisks(ctx, aims.RiskFilter{Search: spec.title})
	if err != nil {
		return err
	}
	for _, r := range existing {
		if r.Title == spec.title {
			return nil
		}
	}
	ownerID := as.id(spec.owner)
	day := func(n int) *aims.Date {
		d := aims.DateOf(today.Add(time.Duration(n) * 24 * time.Hour))
		return &d
	}
	var r *aims.Risk
	if spec.fromImpact != "" {
		sys := systems[spec.system]
		if r, err = s.RaiseRiskFromImpact(ctx, sys.ID, assessments[sys.ID].ID, spec.fromImpact); err != nil {
			return err
		}
	} else {
		r = &aims.Risk{Title: spec.title, Description: spec.desc, Source: spec.source, Characteristics: spec.chars, OwnerID: ownerID,
			Likelihood: spec.l, Consequence: spec.c, Status: aims.RiskOpen, LifecycleStage: aims.StageDeployed}
		if sys := systems[spec.system]; sys != nil {
			r.SystemID = sys.ID
		}
		if err := s.CreateRisk(ctx, r); err != nil {
			return err
		}
	}
	upd := aims.RiskUpdate{Title: &spec.title, Source: &spec.source, Characteristics: &spec.chars, OwnerID: &ownerID,
		Treatment: &spec.treatment, TreatmentPlan: &spec.plan, Controls: &spec.controls,
		ResidualLikelihood: &spec.rl, ResidualConsequence: &spec.rc}
	if spec.review != 0 {
		upd.NextReview = day(spec.review)
	}
	if spec.status != aims.RiskAccepted {
		upd.Status = &spec.status
	}
	if _, err := s.UpdateRisk(ctx, r.ID, upd); err != nil {
		return err
	}
	for _, a := range spec.actions {
		action := &aims.TreatmentAction{Title: a.title, OwnerID: as.id(a.owner), DueDate: day(a.due), Status: a.status}
		if err := s.CreateRiskAction(ctx, r.ID, action); err != nil {
			return err
		}
	}
	if spec.accept != "" {
		by, err := as.as(spec.acceptBy)
		if err != nil {
			return err
		}
		if _, err := s.AcceptRisk(by, r.ID, spec.accept); err != nil {
			return err
		}
	}
	return nil
}
