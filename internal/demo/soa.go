package demo

import (
	"context"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/service"
)

// demoExclusions are the Annex A controls the demo organization excludes,
// with its reasons.
var demoExclusions = map[string]string{
	"A.10.4": "We supply no AI system or AI-based product to customers: every AI system is used internally or in our own services (the chatbot is covered by A.8.2 and A.9.4).",
	"A.4.5":  "All AI systems run on the supplier-managed platform; its computing resources are documented and assessed under A.10.3.",
}

// demoStatus is version 1's implementation status by control; the rest are
// planned.
var demoStatus = map[string]aims.ImplementationStatus{
	"A.2.2": aims.Implemented, "A.2.3": aims.Implemented, "A.2.4": aims.PartiallyImplemented, "A.3.2": aims.Implemented,
	"A.3.3": aims.PartiallyImplemented, "A.4.2": aims.Implemented, "A.4.3": aims.Implemented, "A.4.6": aims.PartiallyImplemented,
	"A.5.2": aims.PartiallyImplemented, "A.6.1.3": aims.Implemented, "A.6.2.4": aims.Implemented, "A.6.2.5": aims.Implemented,
	"A.6.2.6": aims.PartiallyImplemented, "A.6.2.8": aims.Implemented, "A.7.2": aims.Implemented, "A.7.3": aims.Implemented,
	"A.7.5": aims.PartiallyImplemented, "A.8.2": aims.Implemented, "A.9.4": aims.Implemented, "A.10.2": aims.Implemented,
	"A.10.3": aims.Implemented,
}

// SeedSoA gives the organization in ctx a Statement of Applicability to
// show: version 1 approved, with two exclusions, and a newer draft (version
// 2) with a few changes, so that a new user sees versions and a diff. It
// does nothing when the organization has an SoA already. ctx must act as
// someone who may approve, e.g. service.OperatorContext(ctx, org, "demo").
func SeedSoA(ctx context.Context, s *service.Service) error {
	versions, err := s.FindSoAVersions(ctx)
	if err != nil || len(versions) > 0 {
		return err
	}
	members, _, err := s.FindMembers(ctx, aims.MemberFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	var owners []string
	for _, m := range members {
		if !m.Disabled && (m.Role == aims.RoleAIMSManager || m.Role == aims.RoleSystemOwner || m.Role == aims.RoleAdmin) {
			owners = append(owners, m.ID)
		}
	}
	v1, err := s.StartSoADraft(ctx, "First Statement of Applicability after the 2026 risk assessment.")
	if err != nil {
		return err
	}
	target := aims.DateOf(time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC))
	for i, r := range v1.Rows {
		upd := aims.SoARowUpdate{}
		app, status := aims.Applicable, aims.Planned
		just := "Needed to treat the AI risks assessed for our in-scope systems (risk assessment 2026)."
		if reason, ok := demoExclusions[r.RequirementID]; ok {
			app, just = aims.Excluded, reason
		} else if st, ok := demoStatus[r.RequirementID]; ok {
			status = st
		}
		upd.Applicability, upd.Justification, upd.Status = &app, &just, &status
		if len(owners) > 0 && app == aims.Applicable {
			owner := owners[i%len(owners)]
			upd.OwnerID = &owner
		}
		if app == aims.Applicable && status != aims.Implemented {
			upd.TargetDate = &target
		}
		if _, err := s.UpdateSoARow(ctx, v1.Number, r.Ref(), upd); err != nil {
			return err
		}
	}
	if _, err := s.ApproveSoA(ctx, v1.Number, "Approved at the management review."); err != nil {
		return err
	}
	v2, err := s.StartSoADraft(ctx, "Update after the CV-screening assistant went live.")
	if err != nil {
		return err
	}
	impl, partial := aims.Implemented, aims.PartiallyImplemented
	for id, st := range map[string]*aims.ImplementationStatus{"A.5.2": &impl, "A.6.2.6": &impl, "A.5.4": &partial, "A.8.4": &partial} {
		if _, err := s.UpdateSoARow(ctx, v2.Number, aims.Ref{Framework: catalog.ISO42001, ID: id}, aims.SoARowUpdate{Status: st}); err != nil {
			return err
		}
	}
	note := "The CV-screening assistant is high-risk (EU AI Act Annex III 4(a)): impact assessments are now done for every release."
	if _, err := s.UpdateSoARow(ctx, v2.Number, aims.Ref{Framework: catalog.ISO42001, ID: "A.5.4"}, aims.SoARowUpdate{Notes: &note}); err != nil {
		return err
	}
	added, err := s.AddSoAControl(ctx, v2.Number, aims.Ref{Framework: catalog.EUAIAct, ID: "Art. 26"})
	if err != nil {
		return err
	}
	app, st := aims.Applicable, aims.Planned
	just := strings.TrimSpace("We deploy a high-risk AI system (CV screening): the deployer obligations apply from 2 August 2026.")
	_, err = s.UpdateSoARow(ctx, v2.Number, added.Ref(), aims.SoARowUpdate{Applicability: &app, Justification: &just, Status: &st})
	return err
}
