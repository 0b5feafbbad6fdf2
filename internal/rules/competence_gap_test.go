package rules_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
)

func ymd(s string) aims.Date {
	d, err := aims.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func ymdp(s string) *aims.Date { d := ymd(s); return &d }

func TestCompetenceGaps(t *testing.T) {
	t.Parallel()
	today := ymd("2026-06-01")
	ml := &aims.CompetenceRequirement{ID: "r1", RoleName: "Validation lead", Competence: "ML validation", ValidMonths: 24, Action: "Attend the validation course"}
	safety := &aims.CompetenceRequirement{ID: "r2", RoleName: "Validation lead", Competence: "Functional safety"}
	rec := func(c, done string, exp string) *aims.TrainingRecord {
		r := &aims.TrainingRecord{Competence: c, CompletedOn: ymd(done)}
		if exp != "" {
			r.ExpiresOn = ymdp(exp)
		}
		return r
	}
	tests := []struct {
		name string
		reqs []*aims.CompetenceRequirement
		held []*aims.TrainingRecord
		want []aims.CompetenceGap
	}{
		{"nothing required", nil, []*aims.TrainingRecord{rec("ML validation", "2026-01-01", "")}, []aims.CompetenceGap{}},
		{"held, any case", []*aims.CompetenceRequirement{ml}, []*aims.TrainingRecord{rec("ml VALIDATION", "2025-01-01", "")}, []aims.CompetenceGap{}},
		{"not held: the requirement's action", []*aims.CompetenceRequirement{ml}, nil,
			[]aims.CompetenceGap{{RequirementID: "r1", RoleName: "Validation lead", Competence: "ML validation", Reason: aims.GapMissing, Action: "Attend the validation course"}}},
		{"not held: a default action", []*aims.CompetenceRequirement{safety}, []*aims.TrainingRecord{rec("ML validation", "2026-01-01", "")},
			[]aims.CompetenceGap{{RequirementID: "r2", RoleName: "Validation lead", Competence: "Functional safety", Reason: aims.GapMissing, Action: "Complete Functional safety"}}},
		{"expired by its own expiry", []*aims.CompetenceRequirement{safety}, []*aims.TrainingRecord{rec("Functional safety", "2023-01-01", "2026-05-31")},
			[]aims.CompetenceGap{{RequirementID: "r2", RoleName: "Validation lead", Competence: "Functional safety", Reason: aims.GapExpired, ExpiredOn: ymdp("2026-05-31"), Action: "Renew Functional safety"}}},
		{"expires on the day: already expired", []*aims.CompetenceRequirement{safety}, []*aims.TrainingRecord{rec("Functional safety", "2023-01-01", "2026-06-01")},
			[]aims.CompetenceGap{{RequirementID: "r2", RoleName: "Validation lead", Competence: "Functional safety", Reason: aims.GapExpired, ExpiredOn: ymdp("2026-06-01"), Action: "Renew Functional safety"}}},
		{"expires tomorrow: still held", []*aims.CompetenceRequirement{safety}, []*aims.TrainingRecord{rec("Functional safety", "2023-01-01", "2026-06-02")}, []aims.CompetenceGap{}},
		{"too old for the requirement", []*aims.CompetenceRequirement{ml}, []*aims.TrainingRecord{rec("ML validation", "2024-05-01", "")},
			[]aims.CompetenceGap{{RequirementID: "r1", RoleName: "Validation lead", Competence: "ML validation", Reason: aims.GapExpired, ExpiredOn: ymdp("2026-05-01"), Action: "Attend the validation course"}}},
		{"an old and a current record", []*aims.CompetenceRequirement{ml}, []*aims.TrainingRecord{rec("ML validation", "2020-01-01", ""), rec("ML validation", "2025-09-01", "")}, []aims.CompetenceGap{}},
		{"completed in the future does not count", []*aims.CompetenceRequirement{safety}, []*aims.TrainingRecord{rec("Functional safety", "2026-07-01", "")},
			[]aims.CompetenceGap{{RequirementID: "r2", RoleName: "Validation lead", Competence: "Functional safety", Reason: aims.GapMissing, Action: "Complete Functional safety"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := rules.CompetenceGaps(nil, tc.reqs, tc.held, today)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLiteracy(t *testing.T) {
	t.Parallel()
	today := ymd("2026-06-01")
	setting := &aims.LiteracySetting{Competences: []string{"AI literacy basics", "AI literacy for operators"}, MaxAgeMonths: 24}
	rec := func(c, done string) *aims.TrainingRecord {
		return &aims.TrainingRecord{Competence: c, CompletedOn: ymd(done)}
	}
	tests := []struct {
		name       string
		touches    bool
		held       []*aims.TrainingRecord
		want       aims.LiteracyStatus
		wantLatest string
	}{
		{"work touches no AI system", false, nil, aims.LiteracyNotApplicable, ""},
		{"no training", true, []*aims.TrainingRecord{rec("Forklift", "2026-01-01")}, aims.LiteracyGap, ""},
		{"either training counts", true, []*aims.TrainingRecord{rec("ai literacy for OPERATORS", "2025-03-01")}, aims.LiteracySufficient, "2025-03-01"},
		{"too old", true, []*aims.TrainingRecord{rec("AI literacy basics", "2024-05-31")}, aims.LiteracyExpired, "2024-05-31"},
		{"renewed", true, []*aims.TrainingRecord{rec("AI literacy basics", "2022-01-01"), rec("AI literacy basics", "2026-02-01")}, aims.LiteracySufficient, "2026-02-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, latest := rules.Literacy(setting, tc.touches, tc.held, today)
			gotLatest := ""
			if latest != nil {
				gotLatest = latest.String()
			}
			if got != tc.want || gotLatest != tc.wantLatest {
				t.Errorf("literacy = %s, latest %q; want %s, %q", got, gotLatest, tc.want, tc.wantLatest)
			}
		})
	}
	if got, _ := rules.Literacy(nil, true, nil, today); got != aims.LiteracyGap {
		t.Errorf("without a setting: %s, want a gap", got)
	}
}

func TestAwareness(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		sessions int
		acks     []aims.PolicyAck
		want     aims.AwarenessStatus
	}{
		{"nothing recorded", 0, nil, aims.AwarenessNone},
		{"policy in force not acknowledged", 0, []aims.PolicyAck{{Version: "1.1"}}, aims.AwarenessNone},
		{"policy acknowledged", 0, []aims.PolicyAck{{Version: "1.1", AcknowledgedAt: &at}}, aims.AwarenessAware},
		{"one of two policies acknowledged", 0, []aims.PolicyAck{{Version: "2.0"}, {Version: "1.0", AcknowledgedAt: &at}}, aims.AwarenessAware},
		{"a session attended", 1, []aims.PolicyAck{{Version: "1.1"}}, aims.AwarenessAware},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := rules.Awareness(tc.sessions, tc.acks); got != tc.want {
				t.Errorf("awareness = %s, want %s", got, tc.want)
			}
		})
	}
}
