package api_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// Fixtures of the risk register and impact assessments, made through the
// services as the host's operator (orgEnv.operator).

// mustRisk adds a risk of systemID ("" for the organization) owned by
// ownerID, at likelihood l and consequence c.
func (o *orgEnv) mustRisk(t testing.TB, e *apiEnv, systemID, ownerID string, l, c int, controls ...string) *aims.Risk {
	t.Helper()
	r := &aims.Risk{SystemID: systemID, OwnerID: ownerID, Title: unique("Risk"), Likelihood: l, Consequence: c,
		Source: aims.RiskSource{Kind: aims.SourceAnnexC, ID: "C.3.4"}, Controls: controls}
	if err := e.svc.CreateRisk(o.operator(), r); err != nil {
		t.Fatalf("create risk: %v", err)
	}
	return r
}

// mustAction adds a treatment action to a risk.
func (o *orgEnv) mustAction(t testing.TB, e *apiEnv, riskID string) *aims.TreatmentAction {
	t.Helper()
	a := &aims.TreatmentAction{Title: unique("Action")}
	if err := e.svc.CreateRiskAction(o.operator(), riskID, a); err != nil {
		t.Fatalf("create action: %v", err)
	}
	return a
}

// assessedAreas is every impact area assessed, fairness high.
func assessedAreas() []aims.ImpactAreaAssessment {
	var out []aims.ImpactAreaAssessment
	for _, a := range aims.ImpactAreaValues() {
		out = append(out, aims.ImpactAreaAssessment{Area: a, Severity: 2, Likelihood: 2, People: "Operators", Mitigations: "Manual mode", Residual: aims.ResidualLow})
	}
	out[0].Severity, out[0].Likelihood, out[0].Residual = 4, 3, aims.ResidualHigh
	return out
}

// mustAssessment starts a draft impact assessment of sys, complete (every
// area assessed, ready for sign-off) or not.
func (o *orgEnv) mustAssessment(t testing.TB, e *apiEnv, systemID string, complete bool) *aims.ImpactAssessment {
	t.Helper()
	a, err := e.svc.StartImpactAssessment(o.operator(), systemID)
	if err != nil {
		t.Fatalf("start impact assessment: %v", err)
	}
	if complete {
		areas, parties, conclusion := assessedAreas(), []aims.AffectedParty{aims.PartyIndividuals}, "Acceptable"
		a, err = e.svc.UpdateImpactAssessment(o.operator(), systemID, a.ID,
			aims.ImpactAssessmentUpdate{Areas: &areas, AffectedParties: &parties, Conclusion: &conclusion})
		if err != nil {
			t.Fatalf("fill impact assessment: %v", err)
		}
	}
	return a
}
