package rules

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
)

func TestDueDiligenceScore(t *testing.T) {
	t.Parallel()
	yes := &aims.SupplierQuestion{ID: "q1", AnswerType: aims.AnswerYesNo, Weight: 30}
	scale := &aims.SupplierQuestion{ID: "q2", AnswerType: aims.AnswerScale, Weight: 10}
	text := &aims.SupplierQuestion{ID: "q3", AnswerType: aims.AnswerText, Weight: 50}
	zero := &aims.SupplierQuestion{ID: "q4", AnswerType: aims.AnswerYesNo, Weight: 0}
	all := []*aims.SupplierQuestion{yes, scale, text, zero}
	score := func(n int) *int { return &n }
	ans := func(pairs ...string) []aims.SupplierAnswer {
		var out []aims.SupplierAnswer
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, aims.SupplierAnswer{QuestionID: pairs[i], Value: pairs[i+1]})
		}
		return out
	}
	tests := []struct {
		name      string
		questions []*aims.SupplierQuestion
		answers   []aims.SupplierAnswer
		want      aims.DueDiligence
	}{
		{"no questionnaire", nil, nil, aims.DueDiligence{}},
		{"only text questions give no score", []*aims.SupplierQuestion{text}, ans("q3", "ISO 27001 certified"),
			aims.DueDiligence{Answered: 1, Questions: 1}},
		{"best answers score 100", all, ans("q1", "yes", "q2", "5", "q3", "fine", "q4", "no"),
			aims.DueDiligence{Score: score(100), Answered: 4, Questions: 4}},
		{"worst answers score 0", all, ans("q1", "no", "q2", "1"),
			aims.DueDiligence{Score: score(0), Answered: 2, Questions: 4}},
		{"weights: yes on 30 and scale 3 on 10 is 35 of 40", all, ans("q1", "yes", "q2", "3"),
			aims.DueDiligence{Score: score(88), Answered: 2, Questions: 4}},
		{"unanswered scored questions earn nothing", all, ans("q2", "5"),
			aims.DueDiligence{Score: score(25), Answered: 1, Questions: 4, Unanswered: 1}},
		{"nothing answered", all, nil,
			aims.DueDiligence{Score: score(0), Questions: 4, Unanswered: 2}},
		{"a malformed answer counts as unanswered", all, ans("q1", "maybe", "q2", "9"),
			aims.DueDiligence{Score: score(0), Questions: 4, Unanswered: 2}},
		{"answers to removed questions are ignored", []*aims.SupplierQuestion{yes}, ans("q1", "yes", "gone", "no"),
			aims.DueDiligence{Score: score(100), Answered: 1, Questions: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := DueDiligenceScore(tc.questions, tc.answers)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("DueDiligenceScore (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSystemBlockersSupplierReviewOverdue(t *testing.T) {
	t.Parallel()
	today := aims.Date{Time: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}
	reviewed := func(on string, days int) *aims.Supplier {
		d, _ := aims.ParseDate(on)
		sp := &aims.Supplier{ID: "sp1", Name: "Acme Models", ReviewIntervalDays: days, LastReviewOn: &d}
		sp.DescribeReview(today)
		return sp
	}
	tests := []struct {
		name     string
		supplier *aims.Supplier
		want     []aims.Blocker
	}{
		{"no supplier", nil, []aims.Blocker{}},
		{"review due in the future", reviewed("2026-06-01", 365), []aims.Blocker{}},
		{"review due today is not overdue yet", reviewed("2025-12-06", 365), []aims.Blocker{}},
		{"no review interval", reviewed("2020-01-01", 0), []aims.Blocker{}},
		{"review overdue", reviewed("2025-06-01", 180), []aims.Blocker{{Kind: aims.BlockerSupplier, Subject: "Supplier Acme Models",
			ID: "sp1", Detail: "its review was due on 2025-11-28 and has not been recorded"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := SystemBlockers(BlockerInput{Supplier: tc.supplier})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("SystemBlockers (-want +got):\n%s", diff)
			}
		})
	}
}
