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

// demoJustifications say, control by control, why the demo organization
// applies it: which of its systems, risks or duties it answers (our own
// words; the standard's text is not reproduced).
var demoJustifications = map[string]string{
	"A.2.2":   "Management needs one written stance on AI before five AI systems, two of them affecting people's credit and jobs, go further.",
	"A.2.3":   "The AI policy must agree with the quality, data protection and information security policies the mill and the lending unit already run.",
	"A.2.4":   "The portfolio changes each year (a chatbot model swap, a credit refit): the AI policy is reviewed at each management review.",
	"A.3.2":   "Each AI system has a named owner, and approvals of model versions sit with the AIMS manager, apart from the teams that build them.",
	"A.3.3":   "Operators overrode the dewatering optimizer for days before anyone reported it: staff need a known route to raise concerns.",
	"A.4.2":   "Auditors asked where models, data and compute for each system are listed; the inventory in aims is that record.",
	"A.4.3":   "Ten datasets from four sources feed our models; their windows, owners and quality notes must be known before training.",
	"A.4.4":   "Model registries, notebooks and the chatbot vendor's console are the tools our AI work depends on; they are listed per system.",
	"A.4.6":   "Credit and HR models need people who understand fairness testing; the competence matrix shows who can review them.",
	"A.5.2":   "The CV screener and the credit model affect individuals, so an impact assessment is required before each release.",
	"A.5.3":   "Impact assessments are kept with their versions and sign-offs so that a reviewer sees what was known when a model went live.",
	"A.5.4":   "Applicants for credit and for jobs are the groups most exposed to our models' errors and biases.",
	"A.5.5":   "The chatbot answers the public and the optimizer doses polymer into river water: wider effects are assessed too.",
	"A.6.1.2": "Development objectives (accuracy, fairness, explainability) are set per system before work on a new model version starts.",
	"A.6.1.3": "All in-house models follow one development process with review gates, so that suppliers' and our own models are treated alike.",
	"A.6.2.2": "Each system's requirements (inputs, limits, who may override) are written down before a model version is built.",
	"A.6.2.3": "Design decisions, such as the optimizer's dosing limits, are recorded so that the next team can follow them.",
	"A.6.2.4": "No model version runs before it is validated against written acceptance criteria and approved by someone who did not build it.",
	"A.6.2.5": "The edge gateways only run approved or deployed model versions; deployment is a recorded act in aims.",
	"A.6.2.6": "Decisions and overrides are logged and watched; the optimizer was stopped when its overrides rose.",
	"A.6.2.7": "Each system keeps technical documentation that an auditor or a new engineer can read without the original team.",
	"A.6.2.8": "Every decision of the optimizer is sealed in a verifiable log, which is what made the moisture probe incident traceable.",
	"A.7.2":   "Training and validation data are chosen per model version and linked to it with their purpose.",
	"A.7.3":   "Bureau data, HR records and plant historian extracts are acquired under agreements that are recorded with each dataset.",
	"A.7.4":   "A drifting moisture probe put bad readings into training and operation: instrument calibration is tracked for data quality.",
	"A.7.5":   "The lineage from instruments and tags to features and model versions is recorded so that an input fault can be traced.",
	"A.7.6":   "Labelling and cleaning steps (failure codes, removed identifiers) are described with each dataset.",
	"A.8.2":   "Operators, recruiters and credit officers get plain instructions on what each system does and when to overrule it.",
	"A.8.3":   "Regulators and customers can ask about our AI use; we keep what we may share ready.",
	"A.8.4":   "An incident such as the optimizer's overdosing is reported to those affected within days, with what was done.",
	"A.8.5":   "Applicants and chatbot users are told that AI is involved and how to reach a person.",
	"A.9.2":   "Each use of an AI system has a named process owner and a documented way of working with its outputs.",
	"A.9.3":   "Objectives for using each system (e.g. recruiters review every rejection) are set and checked.",
	"A.9.4":   "Each system is used only for its stated purpose; the chatbot does not give advice outside the policy texts.",
	"A.10.2":  "Responsibilities between us and the chatbot vendor and model suppliers are split in the contracts and recorded.",
	"A.10.3":  "Three of our AI systems rely on suppliers' models or platforms; suppliers are assessed before use and yearly.",
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
		just, ok := demoJustifications[r.RequirementID]
		if !ok {
			just = r.RequirementID + " treats AI risks assessed for our in-scope systems (risk assessment 2026)."
		}
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
