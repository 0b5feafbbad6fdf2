package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// objectiveSpec is one of the demo organization's AI objectives (ISO/IEC
// 42001 6.2): three computed from the records, two entered by hand with a
// history of values and their evidence.
type objectiveSpec struct {
	obj   aims.Objective
	owner string // the owner's email
	due   int    // days from the load
	// manual holds the values entered by hand, oldest first, with the days
	// before the load each was entered; computed objectives are measured
	// every period of their cadence over the last measuredDays days.
	manual []manualValue
}

type manualValue struct {
	days     int
	value    float64
	evidence string
}

// measuredDays is how far back the computed objectives' history goes: the
// records they count (the SoA, the risk register, the impact assessments)
// are all in place by then, so each past value is what the records held
// at that time.
const measuredDays = 56

var demoObjectives = []objectiveSpec{
	{obj: aims.Objective{Title: "Every in-scope AI system has a current impact assessment",
		Description: "Our AI policy commits to assess the impact of each AI system before use and again after each significant change.",
		Comparison:  aims.AtLeast, TargetValue: ptr(100.0), Cadence: aims.Monthly, Measure: aims.MeasureComputed,
		Indicator: aims.IndicatorImpactCurrent, Resources: "About two days of each system owner's time per reassessment.",
		Evaluation: "The AIMS manager reviews the value monthly and reports it at the management review."},
		owner: "manager@demo.example", due: 14},
	{obj: aims.Objective{Title: "Applicable Annex A controls implemented",
		Description: "Implement the controls the Statement of Applicability marks applicable before the certification audit.",
		Comparison:  aims.AtLeast, TargetValue: ptr(80.0), Cadence: aims.Quarterly, Measure: aims.MeasureComputed,
		Indicator: aims.IndicatorControlsImplemented, Resources: "Control owners' time; budget for the monitoring tooling.",
		Evaluation: "Reviewed each quarter by the AIMS manager with the control owners."},
		owner: "manager@demo.example", due: 200},
	{obj: aims.Objective{Title: "No risk treatment action past its due date",
		Description: "Treat risks on time: an action that slips is replanned, not forgotten.",
		Comparison:  aims.AtMost, TargetValue: ptr(0.0), Cadence: aims.Weekly, Measure: aims.MeasureComputed,
		Indicator: aims.IndicatorOverdueActions, Resources: "Risk owners' time.",
		Evaluation: "The weekly AIMS meeting goes through each overdue action with its owner."},
		owner: "manager@demo.example", due: 90},
	{obj: aims.Objective{Title: "Operator overrides of the setpoint optimizer reviewed within a week",
		Description: "Each override of the optimizer's recommendation on Line 2 is reviewed by process engineering within seven days, so that model weaknesses are found early.",
		Comparison:  aims.AtLeast, TargetValue: ptr(95.0), Unit: "%", Cadence: aims.Monthly, Measure: aims.MeasureManual,
		Resources: "Two hours a week of a process engineer.", Evaluation: "The production manager reads the shift review log at month end."},
		owner: "owner@demo.example", due: 150,
		manual: []manualValue{{120, 82, "Shift review log, Riverside Mill, month 1"}, {90, 88, "Shift review log, Riverside Mill, month 2"},
			{60, 93, "Shift review log, Riverside Mill, month 3"}, {30, 96, "Shift review log, Riverside Mill, month 4"},
			{3, 97, "Shift review log, Riverside Mill, month 5"}}},
	{obj: aims.Objective{Title: "AI literacy sessions held for operators and credit staff",
		Description: "Sessions on what the AI systems do and where they fail, for the people who work with them (EU AI Act Article 4).",
		Comparison:  aims.AtLeast, TargetValue: ptr(6.0), Unit: "sessions", Cadence: aims.Quarterly, Measure: aims.MeasureManual,
		Resources: "A trainer for half a day per session; room booking.", Evaluation: "HR counts the sessions from the attendance lists each quarter."},
		owner: "manager@demo.example", due: 120,
		manual: []manualValue{{100, 1, "Attendance list, session 1 (Riverside Mill)"}, {10, 4, "Attendance lists, sessions 2 to 4"}}},
}

func ptr[T any](v T) *T { return &v }

// SeedObjectives sets the demo organization's five objectives and their
// measurement history: the values entered by hand on their days, and the
// computed ones measured on their cadence over the last weeks, through the
// services like a team would have. An organization that has objectives
// already is left as it is.
func SeedObjectives(ctx context.Context, s *service.Service) error {
	_, total, err := s.FindObjectives(ctx, aims.ObjectiveFilter{Page: aims.Page{Limit: 1}})
	if err != nil || total > 0 {
		return err
	}
	members, _, err := s.FindMembers(ctx, aims.MemberFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	byEmail := map[string]string{}
	for _, m := range members {
		byEmail[m.Email] = m.ID
	}
	now := s.DB().Now()
	for _, spec := range demoObjectives {
		o := spec.obj
		o.OwnerID = byEmail[spec.owner]
		due := aims.DateOf(now.AddDate(0, 0, spec.due))
		o.DueDate = &due
		if err := s.CreateObjective(atTime(ctx, daysAgo(now, 130)), &o); err != nil {
			return fmt.Errorf("demo objective %q: %w", o.Title, err)
		}
		for _, v := range spec.manual {
			m := &aims.Measurement{Value: v.value, Evidence: v.evidence}
			if err := s.RecordMeasurement(atTime(ctx, daysAgo(now, v.days)), o.ID, m); err != nil {
				return fmt.Errorf("demo measurement of %q: %w", o.Title, err)
			}
		}
		if o.Measure != aims.MeasureComputed {
			continue
		}
		var times []time.Time // from now back, one period apart
		for at := now.Add(-time.Minute); !at.Before(now.Add(-measuredDays * 24 * time.Hour)); at = at.Add(-o.Cadence.Period()) {
			times = append(times, at)
		}
		for i := len(times) - 1; i >= 0; i-- {
			if _, err := s.MeasureObjective(atTime(ctx, times[i]), o.ID); err != nil {
				return fmt.Errorf("demo measurement of %q: %w", o.Title, err)
			}
		}
	}
	return nil
}
