package rules_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
)

func TestImpactClassOf(t *testing.T) {
	type in = rules.ImpactClassInput
	domains := func(ds ...aims.ImpactDomain) []aims.ImpactDomain { return ds }
	// low is an input that reaches the last row: only the case's change
	// decides.
	low := in{Autonomy: aims.AutonomyAdvisory, Domains: domains(aims.DomainQuality), Tier: aims.TierMinimal, Residual: rules.AssessedLow}
	change := func(f func(*in)) in {
		x := low
		f(&x)
		return x
	}
	tests := []struct {
		name  string
		in    in
		class aims.ImpactClass
		rule  string
	}{
		{"advisory, quality, minimal, low residual", low, aims.ImpactLow, "low"},
		{"not an AI system counts like minimal", change(func(x *in) { x.Tier = aims.TierNotAISystem }), aims.ImpactLow, "low"},
		{"human approval is not acting", change(func(x *in) { x.Autonomy = aims.AutonomyHumanApproval }), aims.ImpactLow, "low"},
		{"prohibited", change(func(x *in) { x.Tier = aims.TierProhibited }), aims.ImpactHigh, "prohibited"},
		{"EU high-risk, even advisory", change(func(x *in) { x.Tier = aims.TierHighRisk }), aims.ImpactHigh, "eu-high-risk"},
		{"autonomous safety setpoint", change(func(x *in) {
			x.Autonomy, x.Domains = aims.AutonomyAutonomous, domains(aims.DomainSafety, aims.DomainQuality)
		}), aims.ImpactHigh, "safety-setpoint"},
		{"human override on safety", change(func(x *in) { x.Autonomy, x.Domains = aims.AutonomyHumanOverride, domains(aims.DomainSafety) }), aims.ImpactHigh, "safety-setpoint"},
		{"advisory on safety is medium", change(func(x *in) { x.Domains = domains(aims.DomainSafety) }), aims.ImpactMedium, "sensitive-domain"},
		{"high residual impact", change(func(x *in) { x.Residual = rules.AssessedHigh }), aims.ImpactHigh, "residual-high"},
		{"autonomous on credit", change(func(x *in) { x.Autonomy, x.Domains = aims.AutonomyAutonomous, domains(aims.DomainCreditFinance) }), aims.ImpactHigh, "autonomous-on-people"},
		{"human override on employment is medium", change(func(x *in) { x.Autonomy, x.Domains = aims.AutonomyHumanOverride, domains(aims.DomainEmployment) }), aims.ImpactMedium, "acts"},
		{"out-of-date assessment cannot stay low", change(func(x *in) { x.AssessmentOutOfDate = true }), aims.ImpactMedium, "assessment-out-of-date"},
		{"out-of-date assessment does not lower high", change(func(x *in) { x.AssessmentOutOfDate, x.Tier = true, aims.TierHighRisk }), aims.ImpactHigh, "eu-high-risk"},
		{"medium residual impact", change(func(x *in) { x.Residual = rules.AssessedMedium }), aims.ImpactMedium, "residual-medium"},
		{"transparency tier", change(func(x *in) { x.Tier = aims.TierTransparency }), aims.ImpactMedium, "eu-transparency"},
		{"acts on quality", change(func(x *in) { x.Autonomy = aims.AutonomyAutonomous }), aims.ImpactMedium, "acts"},
		{"no signed-off assessment", change(func(x *in) { x.Residual = "" }), aims.ImpactMedium, "no-assessment"},
		{"unknown assessment spelled out", change(func(x *in) { x.Residual = rules.AssessedUnknown }), aims.ImpactMedium, "no-assessment"},
		{"not classified", change(func(x *in) { x.Tier = "" }), aims.ImpactMedium, "unclassified"},
		// The demo portfolio, with no impact assessment wired yet.
		{"dewatering optimizer", in{Autonomy: aims.AutonomyAutonomous, Domains: domains(aims.DomainSafety, aims.DomainQuality, aims.DomainEnvironment), Tier: aims.TierMinimal}, aims.ImpactHigh, "safety-setpoint"},
		{"credit scoring", in{Autonomy: aims.AutonomyHumanApproval, Domains: domains(aims.DomainCreditFinance), Tier: aims.TierHighRisk}, aims.ImpactHigh, "eu-high-risk"},
		{"chatbot", in{Autonomy: aims.AutonomyHumanOverride, Domains: domains(aims.DomainPrivacy), Tier: aims.TierTransparency}, aims.ImpactMedium, "eu-transparency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rules.ImpactClassOf(tt.in)
			if got.Class != tt.class || got.Rule != tt.rule {
				t.Errorf("ImpactClassOf(%+v) = %s by %q, want %s by %q", tt.in, got.Class, got.Rule, tt.class, tt.rule)
			}
			if got.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

// The table is well formed: ids unique, every class valid, every row
// reachable in order, and the last row holds for anything.
func TestImpactClassTable(t *testing.T) {
	seen := map[string]bool{}
	rows := rules.ImpactClassRules
	for i, r := range rows {
		if seen[r.ID] || !r.Class.IsValid() || r.Reason == "" {
			t.Errorf("row %d %q: duplicate id, unknown class or no reason", i, r.ID)
		}
		seen[r.ID] = true
		if i > 0 && rankOf(r.Class) > rankOf(rows[i-1].Class) {
			t.Errorf("row %q gives %s after a row giving %s: a higher class must come first, or a later row could never raise it", r.ID, r.Class, rows[i-1].Class)
		}
	}
	last := rows[len(rows)-1]
	if !cmp.Equal(last.When, rules.ImpactCondition{}) {
		t.Errorf("the last row %q has a condition; it must hold always", last.ID)
	}
}

func rankOf(c aims.ImpactClass) int {
	for i, v := range aims.ImpactClassValues() {
		if v == c {
			return i
		}
	}
	return -1
}
