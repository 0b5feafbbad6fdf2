// Package indicator computes the indicators that measure AI objectives
// (ISO/IEC 42001 6.2, 9.1) from an organization's records: a small, closed
// set, each a pure function from the records it reads to a value and the
// counts the value was made from, so that a person can check the value by
// counting the same records on the pages. The service gathers the records;
// nothing here reads the database.
//
// A share is a percentage rounded to one decimal; a share of nothing is
// 100 % (every one of no systems has a current assessment), and its
// counts show the empty denominator so that nobody mistakes it for a
// result.
package indicator

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// Definition documents one indicator: what it counts, its unit, and the
// clause or control it serves.
type Definition struct {
	Name        aims.IndicatorName `json:"name"`
	Title       string             `json:"title"`
	Unit        string             `json:"unit"`
	Clause      string             `json:"clause"`
	Description string             `json:"description"`
}

// Definitions lists every indicator, in the order of aims.IndicatorNameValues.
func Definitions() []Definition {
	out := make([]Definition, 0, len(descriptions))
	for _, n := range aims.IndicatorNameValues() {
		d := descriptions[n]
		out = append(out, Definition{Name: n, Title: n.Title(), Unit: n.Unit(), Clause: d[0], Description: d[1]})
	}
	return out
}

// descriptions holds each indicator's clause and what it counts, in our
// own words.
var descriptions = map[aims.IndicatorName][2]string{
	aims.IndicatorImpactCurrent: {"6.1.4, 8.4", "Of the AI systems inside the AIMS scope, the share whose latest signed-off impact " +
		"assessment still holds: signed off, and nothing significant changed since (another model version deployed, " +
		"autonomy, impact domains, purpose, role, site or scope)."},
	aims.IndicatorHighImpactValidated: {"A.6.2.4, A.6.2.5", "Of the high-impact AI systems (by the impact class rule), the " +
		"share whose deployed model version has a recorded approval with its validation evidence, acceptance criteria " +
		"and result. A high-impact system with no deployed model version counts as not validated."},
	aims.IndicatorOverdueActions: {"6.1.3, 8.3", "The risk treatment actions still planned or in progress whose due date " +
		"has passed."},
	aims.IndicatorControlsImplemented: {"6.1.3 d), A.2 to A.10", "Of the controls the newest Statement of Applicability " +
		"marks applicable, the share marked implemented."},
	aims.IndicatorRiskAboveAppetite: {"6.1.2, 8.2", "The median age, in whole days since the risk was raised, of the risks " +
		"not closed and not accepted whose current level (residual when assessed) is above the risk appetite of the " +
		"criteria they were assessed under. No such risk: 0 days."},
	aims.IndicatorLiteracyCurrent: {"7.2, 7.3, EU AI Act Art. 4", "Of the active people whose work touches an AI system, " +
		"the share whose AI literacy is sufficient by what the organization counts as sufficient: training records of the " +
		"named competences, not expired. Without that setting nobody counts as sufficient."},
}

// Result is an indicator's value and the counts it was computed from.
type Result struct {
	Value  float64           `json:"value"`
	Inputs []aims.InputCount `json:"inputs"`
}

// Input is the records the indicators read. The service fills the parts
// the indicator it computes needs.
type Input struct {
	Now      time.Time
	Systems  []System
	Actions  []Action
	Controls []Control
	Risks    []Risk
	People   []Person
}

// System is what the indicators read about one AI system.
type System struct {
	InScope bool // inside the AIMS scope
	// Assessed: it has a signed-off impact assessment; OutOfDate: that
	// assessment no longer holds (rules.ImpactOutOfDate gave reasons).
	Assessed, OutOfDate bool
	HighImpact          bool // its impact class is high
	// Deployed: it names a deployed model version; Validated: that
	// version has an approval record with validation evidence.
	Deployed, Validated bool
}

// Action is a risk treatment action.
type Action struct {
	Open bool      // planned or in progress
	Due  time.Time // zero when it has no due date
}

// Control is one row of the Statement of Applicability.
type Control struct {
	Applicable, Implemented bool
}

// Risk is a risk of the register.
type Risk struct {
	// Open: neither closed nor accepted; AboveAppetite: its current level
	// is above the appetite of its criteria.
	Open, AboveAppetite bool
	Raised              time.Time
}

// Person is a person whose work touches an AI system, with their AI
// literacy as the competence rules judge it.
type Person struct {
	Literacy aims.LiteracyStatus
}

// Compute computes indicator n from in.
func Compute(n aims.IndicatorName, in Input) (Result, error) {
	switch n {
	case aims.IndicatorImpactCurrent:
		return ImpactCurrent(in.Systems), nil
	case aims.IndicatorHighImpactValidated:
		return HighImpactValidated(in.Systems), nil
	case aims.IndicatorOverdueActions:
		return OverdueActions(in.Actions, in.Now), nil
	case aims.IndicatorControlsImplemented:
		return ControlsImplemented(in.Controls), nil
	case aims.IndicatorRiskAboveAppetite:
		return RiskAboveAppetiteAge(in.Risks, in.Now), nil
	case aims.IndicatorLiteracyCurrent:
		return LiteracyCurrent(in.People), nil
	}
	return Result{}, fmt.Errorf("unknown indicator %q", n)
}

// ImpactCurrent is the share of in-scope systems whose impact assessment
// is current.
func ImpactCurrent(systems []System) Result {
	var scope, current, outdated, none int
	for _, s := range systems {
		if !s.InScope {
			continue
		}
		scope++
		switch {
		case !s.Assessed:
			none++
		case s.OutOfDate:
			outdated++
		default:
			current++
		}
	}
	return Result{Value: share(current, scope), Inputs: []aims.InputCount{
		{Name: "in_scope_systems", Count: scope}, {Name: "current", Count: current},
		{Name: "out_of_date", Count: outdated}, {Name: "not_assessed", Count: none}}}
}

// HighImpactValidated is the share of high-impact systems whose deployed
// model version has an approval with validation evidence.
func HighImpactValidated(systems []System) Result {
	var high, validated, undeployed int
	for _, s := range systems {
		if !s.HighImpact {
			continue
		}
		high++
		switch {
		case !s.Deployed:
			undeployed++
		case s.Validated:
			validated++
		}
	}
	return Result{Value: share(validated, high), Inputs: []aims.InputCount{
		{Name: "high_impact_systems", Count: high}, {Name: "validated", Count: validated},
		{Name: "no_deployed_version", Count: undeployed}}}
}

// OverdueActions counts the open actions whose due date is before today
// (now's UTC day).
func OverdueActions(actions []Action, now time.Time) Result {
	today := aims.DateOf(now).Time
	var open, dated, overdue int
	for _, a := range actions {
		if !a.Open {
			continue
		}
		open++
		if a.Due.IsZero() {
			continue
		}
		dated++
		if a.Due.Before(today) {
			overdue++
		}
	}
	return Result{Value: float64(overdue), Inputs: []aims.InputCount{
		{Name: "open_actions", Count: open}, {Name: "with_due_date", Count: dated}, {Name: "overdue", Count: overdue}}}
}

// ControlsImplemented is the share of applicable controls implemented.
func ControlsImplemented(controls []Control) Result {
	var applicable, done int
	for _, c := range controls {
		if !c.Applicable {
			continue
		}
		applicable++
		if c.Implemented {
			done++
		}
	}
	return Result{Value: share(done, applicable), Inputs: []aims.InputCount{
		{Name: "controls", Count: len(controls)}, {Name: "applicable", Count: applicable}, {Name: "implemented", Count: done}}}
}

// RiskAboveAppetiteAge is the median age in whole days of the open risks
// above appetite; 0 when there are none.
func RiskAboveAppetiteAge(risks []Risk, now time.Time) Result {
	var open int
	var ages []float64
	for _, r := range risks {
		if !r.Open {
			continue
		}
		open++
		if r.AboveAppetite {
			ages = append(ages, math.Floor(now.Sub(r.Raised).Hours()/24))
		}
	}
	return Result{Value: median(ages), Inputs: []aims.InputCount{
		{Name: "open_risks", Count: open}, {Name: "above_appetite", Count: len(ages)}}}
}

// LiteracyCurrent is the share of the people whose work touches AI with
// sufficient AI literacy.
func LiteracyCurrent(people []Person) Result {
	var ok, gap, expired int
	for _, p := range people {
		switch p.Literacy {
		case aims.LiteracySufficient:
			ok++
		case aims.LiteracyExpired:
			expired++
		default:
			gap++
		}
	}
	return Result{Value: share(ok, len(people)), Inputs: []aims.InputCount{
		{Name: "people_touching_ai", Count: len(people)}, {Name: "sufficient", Count: ok},
		{Name: "expired", Count: expired}, {Name: "gap", Count: gap}}}
}

// share is part of whole as a percentage to one decimal; 100 when whole is
// 0.
func share(part, whole int) float64 {
	if whole == 0 {
		return 100
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}

// median is the middle value, or the mean of the two middle ones; 0 for
// none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
