package rules_test

import (
	"reflect"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
)

func TestSystemBlockers(t *testing.T) {
	def := aims.DefaultRiskCriteria() // appetite: medium
	def.Version = 1
	risk := func(level string, status aims.RiskStatus, accepted string) *aims.Risk {
		r := &aims.Risk{ID: "r-" + level, Number: 3, Title: "Drift", Level: level, Status: status, CriteriaVersion: 1}
		if accepted != "" {
			r.Acceptance = &aims.RiskAcceptance{Level: accepted}
		}
		return r
	}
	residual := risk("critical", aims.RiskInTreatment, "")
	residual.ResidualLikelihood, residual.ResidualConsequence, residual.ResidualLevel = 1, 1, "low"
	obligation := func(article string, s aims.ObligationState) aims.SystemObligation {
		return aims.SystemObligation{Obligation: aims.Obligation{Article: article, Title: "T"}, State: aims.ObligationStatusView{Status: s}}
	}
	tests := []struct {
		name  string
		in    rules.BlockerInput
		kinds []string
		ids   []string
	}{
		{"nothing recorded blocks nothing", rules.BlockerInput{}, nil, nil},
		{"an impact assessment up to date", rules.BlockerInput{Impact: &aims.ImpactSummary{Version: 2}}, nil, nil},
		{"an impact assessment out of date", rules.BlockerInput{Impact: &aims.ImpactSummary{AssessmentID: "ia", Version: 2,
			OutOfDate: true, Reasons: []string{"its purpose changed"}}}, []string{aims.BlockerImpact}, []string{"ia"}},
		{"a risk within appetite", rules.BlockerInput{Current: def, Risks: []*aims.Risk{risk("medium", aims.RiskOpen, "")}}, nil, nil},
		{"a risk above appetite, not accepted", rules.BlockerInput{Current: def, Risks: []*aims.Risk{risk("high", aims.RiskOpen, "")}},
			[]string{aims.BlockerRisk}, []string{"r-high"}},
		{"a risk above appetite, accepted at its level", rules.BlockerInput{Current: def,
			Risks: []*aims.Risk{risk("high", aims.RiskAccepted, "high")}}, nil, nil},
		{"a risk accepted at another level", rules.BlockerInput{Current: def,
			Risks: []*aims.Risk{risk("critical", aims.RiskAccepted, "high")}}, []string{aims.BlockerRisk}, []string{"r-critical"}},
		{"a closed risk above appetite", rules.BlockerInput{Current: def, Risks: []*aims.Risk{risk("critical", aims.RiskClosed, "")}}, nil, nil},
		{"the residual level stands", rules.BlockerInput{Current: def, Risks: []*aims.Risk{residual}}, nil, nil},
		{"judged by the criteria it was assessed under", rules.BlockerInput{Current: def,
			Criteria: map[int]*aims.RiskCriteria{1: {Version: 1, Levels: def.Levels, Appetite: "critical"}},
			Risks:    []*aims.Risk{risk("high", aims.RiskOpen, "")}}, nil, nil},
		{"no criteria, no appetite", rules.BlockerInput{Risks: []*aims.Risk{risk("critical", aims.RiskOpen, "")}}, nil, nil},
		{"obligations open and in progress block, met and not applicable do not", rules.BlockerInput{Obligations: []aims.SystemObligation{
			obligation("Art. 9", ""), obligation("Art. 10", aims.ObligationInProgress),
			obligation("Art. 11", aims.ObligationMet), obligation("Art. 12", aims.ObligationNotApplicable)}},
			[]string{aims.BlockerObligation, aims.BlockerObligation}, []string{"Art. 9", "Art. 10"}},
		{"in order: impact, risks, obligations", rules.BlockerInput{Current: def,
			Impact:      &aims.ImpactSummary{AssessmentID: "ia", OutOfDate: true},
			Risks:       []*aims.Risk{risk("high", aims.RiskOpen, "")},
			Obligations: []aims.SystemObligation{obligation("Art. 4", aims.ObligationOpen)}},
			[]string{aims.BlockerImpact, aims.BlockerRisk, aims.BlockerObligation}, []string{"ia", "r-high", "Art. 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rules.SystemBlockers(tt.in)
			var kinds, ids []string
			for _, b := range got {
				kinds, ids = append(kinds, b.Kind), append(ids, b.ID)
				if b.Detail == "" || b.Subject == "" {
					t.Errorf("blocker %+v: says nothing to people", b)
				}
			}
			if !reflect.DeepEqual(kinds, tt.kinds) || !reflect.DeepEqual(ids, tt.ids) {
				t.Errorf("kinds %v ids %v, want %v %v", kinds, ids, tt.kinds, tt.ids)
			}
		})
	}
	got := rules.SystemBlockers(rules.BlockerInput{Impact: &aims.ImpactSummary{OutOfDate: true, Reasons: []string{"its purpose changed"}}})
	if want := "the signed-off impact assessment is out of date: its purpose changed"; got[0].Detail != want {
		t.Errorf("detail %q, want %q (the reasons)", got[0].Detail, want)
	}
}
