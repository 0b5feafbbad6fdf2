package aims_test

import (
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

func TestRelationshipThen(t *testing.T) {
	tests := []struct{ a, b, want aims.Relationship }{
		{aims.RelEqual, aims.RelSubset, aims.RelSubset},
		{aims.RelSuperset, aims.RelEqual, aims.RelSuperset},
		{aims.RelSubset, aims.RelSubset, aims.RelSubset},
		{aims.RelSuperset, aims.RelSuperset, aims.RelSuperset},
		{aims.RelSubset, aims.RelSuperset, aims.RelRelated},
		{aims.RelIntersects, aims.RelIntersects, aims.RelRelated},
		{aims.RelRelated, aims.RelEqual, aims.RelRelated},
	}
	for _, tt := range tests {
		if got := tt.a.Then(tt.b); got != tt.want {
			t.Errorf("%s then %s = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
	if aims.RelSubset.Inverse() != aims.RelSuperset || aims.RelIntersects.Inverse() != aims.RelIntersects {
		t.Error("inverse of subset must be superset; intersects is symmetric")
	}
}

func TestSoARowValidateAndApprovalProblems(t *testing.T) {
	r := &aims.SoARow{Framework: "iso42001", RequirementID: "A.10.4", Applicability: aims.Excluded}
	r.Normalize()
	if err := r.Validate(); !aims.IsKind(err, aims.KindInvalid) {
		t.Errorf("excluded without justification: %v, want invalid", err)
	}
	r.Justification = "We sell no AI products"
	if err := r.Validate(); err != nil {
		t.Errorf("excluded with justification: %v", err)
	}
	v := &aims.SoAVersion{Rows: []*aims.SoARow{
		r,
		{Framework: "iso42001", RequirementID: "A.2.2", Applicability: aims.Undecided},
		{Framework: "iso42001", RequirementID: "A.2.3", Applicability: aims.Applicable},
	}}
	probs := v.ApprovalProblems()
	if len(probs) != 2 || probs[0].Field != "rows/iso42001:A.2.2/applicability" || probs[1].Field != "rows/iso42001:A.2.3/justification" {
		t.Errorf("approval problems = %+v", probs)
	}
}

func TestDiffSoA(t *testing.T) {
	d := aims.DateOf(aims.Date{}.Time)
	from := &aims.SoAVersion{Rows: []*aims.SoARow{
		{Framework: "iso42001", RequirementID: "A.2.2", Applicability: aims.Applicable, Status: aims.Planned},
		{Framework: "iso42001", RequirementID: "A.2.3", Applicability: aims.Applicable},
		{Framework: "nist-ai-rmf", RequirementID: "GOVERN 1.1", Applicability: aims.Applicable},
	}}
	to := &aims.SoAVersion{Rows: []*aims.SoARow{
		{Framework: "iso42001", RequirementID: "A.2.2", Applicability: aims.Applicable, Status: aims.Implemented, TargetDate: &d},
		{Framework: "iso42001", RequirementID: "A.2.3", Applicability: aims.Applicable},
		{Framework: "eu-ai-act", RequirementID: "Art. 26", Applicability: aims.Undecided},
	}}
	got := aims.DiffSoA(from, to)
	if len(got) != 3 || got[0].Kind != "changed" || len(got[0].Fields) != 1 || got[0].Fields[0].Field != "implementation_status" ||
		got[1].Kind != "added" || got[2].Kind != "removed" || got[2].RequirementID != "GOVERN 1.1" {
		t.Errorf("diff = %+v", got)
	}
}

func TestSoAFilter(t *testing.T) {
	rows := []*aims.SoARow{
		{RequirementID: "A.2.2", Applicability: aims.Applicable, Status: aims.Implemented, OwnerID: "u1"},
		{RequirementID: "A.2.3", Applicability: aims.Excluded, Status: aims.Implemented},
		{RequirementID: "A.6.2.8", Title: "AI system recording of event logs", Applicability: aims.Applicable, Status: aims.Planned},
	}
	count := func(f aims.SoAFilter) int {
		n := 0
		for _, r := range rows {
			if f.Match(r) {
				n++
			}
		}
		return n
	}
	if n := count(aims.SoAFilter{Status: aims.Implemented}); n != 1 {
		t.Errorf("implemented: %d, want 1 (an excluded control has no status)", n)
	}
	if n := count(aims.SoAFilter{OwnerID: "none"}); n != 2 {
		t.Errorf("no owner: %d, want 2", n)
	}
	if n := count(aims.SoAFilter{Search: "EVENT logs"}); n != 1 {
		t.Errorf("search: %d, want 1", n)
	}
}
