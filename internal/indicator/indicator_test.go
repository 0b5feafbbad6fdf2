package indicator

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
)

var now = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func counts(kv ...any) []aims.InputCount {
	var out []aims.InputCount
	for i := 0; i < len(kv); i += 2 {
		out = append(out, aims.InputCount{Name: kv[i].(string), Count: kv[i+1].(int)})
	}
	return out
}

func TestIndicators(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := []struct {
		name string
		ind  aims.IndicatorName
		in   Input
		want Result
	}{
		{"impact: out-of-scope systems do not count", aims.IndicatorImpactCurrent, Input{Systems: []System{
			{InScope: true, Assessed: true}, {InScope: true, Assessed: true, OutOfDate: true}, {InScope: true},
			{InScope: false, Assessed: true}}},
			Result{33.3, counts("in_scope_systems", 3, "current", 1, "out_of_date", 1, "not_assessed", 1)}},
		{"impact: no system in scope is 100 % of nothing", aims.IndicatorImpactCurrent, Input{Systems: []System{{Assessed: true}}},
			Result{100, counts("in_scope_systems", 0, "current", 0, "out_of_date", 0, "not_assessed", 0)}},
		{"validated: undeployed high-impact systems count against", aims.IndicatorHighImpactValidated, Input{Systems: []System{
			{HighImpact: true, Deployed: true, Validated: true}, {HighImpact: true, Deployed: true}, {HighImpact: true},
			{Deployed: true, Validated: true}}},
			Result{33.3, counts("high_impact_systems", 3, "validated", 1, "no_deployed_version", 1)}},
		{"validated: all", aims.IndicatorHighImpactValidated, Input{Systems: []System{
			{HighImpact: true, Deployed: true, Validated: true}, {HighImpact: true, Deployed: true, Validated: true}}},
			Result{100, counts("high_impact_systems", 2, "validated", 2, "no_deployed_version", 0)}},
		{"overdue: due today is not overdue, done actions are not", aims.IndicatorOverdueActions, Input{Now: now, Actions: []Action{
			{Open: true, Due: aims.DateOf(now).Time}, {Open: true, Due: aims.DateOf(now).Add(-day)}, {Open: true},
			{Open: false, Due: aims.DateOf(now).Add(-30 * day)}, {Open: true, Due: aims.DateOf(now).Add(-90 * day)}}},
			Result{2, counts("open_actions", 4, "with_due_date", 3, "overdue", 2)}},
		{"controls: excluded controls do not count", aims.IndicatorControlsImplemented, Input{Controls: []Control{
			{Applicable: true, Implemented: true}, {Applicable: true}, {Applicable: true, Implemented: true},
			{Applicable: false}, {Applicable: true}}},
			Result{50, counts("controls", 5, "applicable", 4, "implemented", 2)}},
		{"controls: rounding to a tenth", aims.IndicatorControlsImplemented, Input{Controls: []Control{
			{Applicable: true, Implemented: true}, {Applicable: true, Implemented: true}, {Applicable: true}}},
			Result{66.7, counts("controls", 3, "applicable", 3, "implemented", 2)}},
		{"risk age: odd count takes the middle", aims.IndicatorRiskAboveAppetite, Input{Now: now, Risks: []Risk{
			{Open: true, AboveAppetite: true, Raised: now.Add(-10 * day)}, {Open: true, AboveAppetite: true, Raised: now.Add(-40*day - time.Hour)},
			{Open: true, AboveAppetite: true, Raised: now.Add(-20*day + time.Hour)}, {Open: true, Raised: now.Add(-400 * day)},
			{Open: false, AboveAppetite: true, Raised: now.Add(-500 * day)}}},
			Result{19, counts("open_risks", 4, "above_appetite", 3)}},
		{"risk age: even count takes the mean of the middle two", aims.IndicatorRiskAboveAppetite, Input{Now: now, Risks: []Risk{
			{Open: true, AboveAppetite: true, Raised: now.Add(-10 * day)}, {Open: true, AboveAppetite: true, Raised: now.Add(-15 * day)}}},
			Result{12.5, counts("open_risks", 2, "above_appetite", 2)}},
		{"literacy: expired training is not sufficient", aims.IndicatorLiteracyCurrent, Input{People: []Person{
			{aims.LiteracySufficient}, {aims.LiteracyExpired}, {aims.LiteracyGap}, {aims.LiteracySufficient}}},
			Result{50, counts("people_touching_ai", 4, "sufficient", 2, "expired", 1, "gap", 1)}},
		{"risk age: none above appetite is 0 days", aims.IndicatorRiskAboveAppetite, Input{Now: now, Risks: []Risk{{Open: true}}},
			Result{0, counts("open_risks", 1, "above_appetite", 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compute(tt.ind, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestComputeRefusesUnknown(t *testing.T) {
	t.Parallel()
	if _, err := Compute("share_of_unicorns", Input{}); err == nil {
		t.Fatal("an unknown indicator was computed")
	}
}

func TestDefinitionsCoverEveryIndicator(t *testing.T) {
	t.Parallel()
	defs := Definitions()
	if len(defs) != len(aims.IndicatorNameValues()) {
		t.Fatalf("%d definitions for %d indicators", len(defs), len(aims.IndicatorNameValues()))
	}
	for _, d := range defs {
		if d.Clause == "" || d.Description == "" || d.Unit == "" || d.Title == "" {
			t.Errorf("%s is not documented: %+v", d.Name, d)
		}
		if _, err := Compute(d.Name, Input{Now: now}); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	target := func(v float64) *float64 { return &v }
	due := func(d time.Duration) *aims.Date { x := aims.DateOf(now.Add(d)); return &x }
	at := func(v float64, ago time.Duration) *aims.Measurement {
		return &aims.Measurement{Value: v, MeasuredAt: now.Add(-ago)}
	}
	atLeast90 := aims.Objective{Comparison: aims.AtLeast, TargetValue: target(90), Cadence: aims.Monthly, DueDate: due(120 * day)}
	atMost0 := aims.Objective{Comparison: aims.AtMost, TargetValue: target(0), Cadence: aims.Weekly, DueDate: due(60 * day)}
	with := func(o aims.Objective, d *aims.Date) aims.Objective { o.DueDate = d; return o }
	tests := []struct {
		name   string
		o      aims.Objective
		latest *aims.Measurement
		want   aims.ObjectiveStatus
	}{
		{"no measurement", atLeast90, nil, aims.NotMeasured},
		{"met, recent", atLeast90, at(92, 3*day), aims.OnTrack},
		{"met exactly", atLeast90, at(90, 3*day), aims.OnTrack},
		{"met, at most", atMost0, at(0, day), aims.OnTrack},
		{"met but stale: older than two periods", atLeast90, at(95, 61*day), aims.AtRisk},
		{"met after the due date still counts", with(atLeast90, due(-10*day)), at(95, day), aims.OnTrack},
		{"not met, time left", atLeast90, at(80, day), aims.AtRisk},
		{"not met, at most", atMost0, at(2, day), aims.AtRisk},
		{"not met, due date passed", with(atLeast90, due(-day)), at(80, day), aims.OffTrack},
		{"not met, due before the next measurement", with(atLeast90, due(20*day)), at(80, day), aims.OffTrack},
		{"not met, due today is not yet past but too close", with(atMost0, due(0)), at(3, day), aims.OffTrack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := Status(&tt.o, tt.latest, now)
			if got != tt.want || reason == "" {
				t.Errorf("got %s (%q), want %s", got, reason, tt.want)
			}
		})
	}
}
