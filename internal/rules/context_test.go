package rules

import (
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

func date(s string) *aims.Date {
	d, err := aims.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestCommunicationDue(t *testing.T) {
	today := *date("2026-06-15")
	rec := func(days ...string) []aims.CommunicationRecord {
		var out []aims.CommunicationRecord
		for _, d := range days {
			out = append(out, aims.CommunicationRecord{Date: *date(d), Summary: "made"})
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		c           aims.Communication
		wantNext    string
		wantOverdue bool
	}{
		{"once, not yet made, past", aims.Communication{Cadence: aims.CadenceOnce, FirstDue: date("2026-06-01")}, "2026-06-01", true},
		{"once, due today", aims.Communication{Cadence: aims.CadenceOnce, FirstDue: date("2026-06-15")}, "2026-06-15", false},
		{"once, made", aims.Communication{Cadence: aims.CadenceOnce, FirstDue: date("2026-06-01"), Records: rec("2026-06-02")}, "", false},
		{"quarterly, never made", aims.Communication{Cadence: aims.CadenceQuarterly, FirstDue: date("2026-07-01")}, "2026-07-01", false},
		{"quarterly from the latest record", aims.Communication{Cadence: aims.CadenceQuarterly, FirstDue: date("2026-01-01"),
			Records: rec("2026-01-10", "2026-04-20")}, "2026-07-20", false},
		{"monthly, late", aims.Communication{Cadence: aims.CadenceMonthly, Records: rec("2026-04-01")}, "2026-05-01", true},
		{"yearly, first day after the record wins", aims.Communication{Cadence: aims.CadenceYearly, FirstDue: date("2028-01-01"),
			Records: rec("2026-01-01")}, "2028-01-01", false},
		{"as needed is never due", aims.Communication{Cadence: aims.CadenceAsNeeded, FirstDue: date("2020-01-01")}, "", false},
		{"regular without a first day or record", aims.Communication{Cadence: aims.CadenceYearly}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next, overdue := CommunicationDue(&tc.c, today)
			got := ""
			if next != nil {
				got = next.String()
			}
			if got != tc.wantNext || overdue != tc.wantOverdue {
				t.Errorf("next %q overdue %v, want %q %v", got, overdue, tc.wantNext, tc.wantOverdue)
			}
		})
	}
}

func TestSummarizeContext(t *testing.T) {
	today := *date("2026-06-15")
	issue := func(o aims.IssueOrigin, r aims.Relevance, climate bool, review *aims.Date) *aims.ContextIssue {
		return &aims.ContextIssue{ID: string(o) + string(r), Title: "x", Origin: o, Relevance: r, Climate: climate, ReviewDate: review, Reason: "why"}
	}
	for _, tc := range []struct {
		name   string
		issues []*aims.ContextIssue
		want   aims.ContextSummary
	}{
		{"nothing: climate not determined", nil, aims.ContextSummary{}},
		{"a climate issue still to determine is flagged", []*aims.ContextIssue{issue(aims.OriginExternal, aims.RelevanceToDetermine, true, date("2027-01-01"))},
			aims.ContextSummary{Issues: 1, ExternalIssues: 1, UndeterminedIssues: 1,
				Climate: aims.ClimateAnswer{IssueID: "externalto_determine", IssueTitle: "x", Relevance: aims.RelevanceToDetermine, Reason: "why"}}},
		{"climate judged not relevant; an issue past its review", []*aims.ContextIssue{
			issue(aims.OriginExternal, aims.RelevanceNotRelevant, true, date("2027-01-01")),
			issue(aims.OriginInternal, aims.RelevanceRelevant, false, date("2026-06-14")),
			issue(aims.OriginInternal, aims.RelevanceRelevant, false, nil)},
			aims.ContextSummary{Issues: 3, InternalIssues: 2, ExternalIssues: 1, RelevantIssues: 2, NotRelevantIssues: 1, IssuesNotReviewed: 2,
				Climate: aims.ClimateAnswer{Determined: true, IssueID: "externalnot_relevant", IssueTitle: "x", Relevance: aims.RelevanceNotRelevant, Reason: "why"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SummarizeContext(tc.issues, nil, today); got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	parties := []*aims.InterestedParty{
		{ReviewDate: date("2026-07-01"), Requirements: []aims.PartyRequirement{{Addressed: aims.AddressedFully}, {Addressed: aims.AddressedPartly}}},
		{Requirements: []aims.PartyRequirement{{Addressed: aims.AddressedNot}}},
	}
	got := SummarizeContext(nil, parties, today)
	if got.Parties != 2 || got.PartiesNotReviewed != 1 || got.Requirements != 3 || got.RequirementsAddressed != 1 ||
		got.RequirementsPartly != 1 || got.RequirementsOpen != 1 {
		t.Errorf("parties summary %+v", got)
	}
}
