package gate

import (
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// Facts are what a gate's checks read, gathered from the records of one AI
// system and (for a model version's gate) one model version.
type Facts struct {
	// Version is the model version's label ("" for a system's gate).
	Version string
	// ImpactSignedOff says an impact assessment of the system is signed
	// off; ImpactOutdated lists why it is out of date (rules.ImpactOutOfDate).
	ImpactSignedOff bool
	ImpactOutdated  []string
	// Classified says an EU AI Act classification is recorded.
	Classified bool
	// RisksOverAppetite names the risks above appetite and not accepted.
	RisksOverAppetite []string
	// Evidence is the evidence linked to the system or the version.
	Evidence []Evidence
	// Metrics are the version's recorded metrics; Criteria the acceptance
	// criteria that hold for it (the system's and its own).
	Metrics  []aims.ValidationMetric
	Criteria []aims.AcceptanceCriterion
	// Approvals are the approvals given so far.
	Approvals []Approval
}

// Evidence is one piece of evidence a gate may count.
type Evidence struct {
	Kind      string
	Title     string
	OfVersion bool           // linked to the model version itself
	Freshness aims.Freshness // rules.EvidenceFreshness
}

// Approval is one person's approval of a gate request.
type Approval struct {
	PersonID string
	Name     string
	Role     aims.Role
}

// Result is a gate's evaluation: every check with pass or fail and why.
type Result struct {
	Gate   ID            `json:"gate"`
	Passed bool          `json:"passed"`
	Checks []CheckResult `json:"checks"`
}

// CheckResult is one check's outcome.
type CheckResult struct {
	Kind   CheckKind `json:"kind"`
	Title  string    `json:"title"`
	Passed bool      `json:"passed"`
	Why    string    `json:"why"`
}

// Failing lists the checks that fail.
func (r Result) Failing() []CheckResult {
	var out []CheckResult
	for _, c := range r.Checks {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// Reasons joins why the failing checks fail, e.g. "mae 0.41 kg/t does not
// meet mae <= 0.35 kg/t; validation report missing".
func (r Result) Reasons() string {
	var why []string
	for _, c := range r.Failing() {
		why = append(why, c.Why)
	}
	return strings.Join(why, "; ")
}

// Evaluate applies definition d to facts f. It skips no check: the result
// lists each of d's checks in order. Without checks a gate does not pass.
func Evaluate(d Definition, f Facts) Result {
	r := Result{Gate: d.Gate, Passed: len(d.Checks) > 0}
	for _, c := range d.Checks {
		cr := evaluate(c, f)
		r.Passed = r.Passed && cr.Passed
		r.Checks = append(r.Checks, cr)
	}
	return r
}

// EvaluateAll evaluates several gates in turn (the approval act from a
// candidate passes validation and approval at once).
func EvaluateAll(defs []Definition, f Facts) Result {
	var r Result
	r.Passed = len(defs) > 0
	for _, d := range defs {
		one := Evaluate(d, f)
		r.Gate = d.Gate
		r.Passed = r.Passed && one.Passed
		r.Checks = append(r.Checks, one.Checks...)
	}
	return r
}

func evaluate(c Check, f Facts) CheckResult {
	r := CheckResult{Kind: c.Kind, Passed: true}
	fail := func(why string) CheckResult { r.Passed, r.Why = false, why; return r }
	switch c.Kind {
	case CheckImpactCurrent:
		r.Title = "The impact assessment is current"
		switch {
		case !f.ImpactSignedOff:
			return fail("no impact assessment is signed off")
		case len(f.ImpactOutdated) > 0:
			return fail("the impact assessment is out of date: " + strings.Join(f.ImpactOutdated, "; "))
		}
		r.Why = "a signed-off impact assessment covers the system as it is"
	case CheckClassification:
		r.Title = "The EU AI Act classification is recorded"
		if !f.Classified {
			return fail("no EU AI Act classification is recorded")
		}
		r.Why = "a classification is recorded"
	case CheckRisks:
		r.Title = "Every risk is at or below appetite, or accepted"
		if n := len(f.RisksOverAppetite); n > 0 {
			return fail(fmt.Sprintf("%s above appetite and not accepted: %s", plural(n, "risk is", "risks are"), strings.Join(f.RisksOverAppetite, ", ")))
		}
		r.Why = "no risk is above appetite unaccepted"
	case CheckEvidence:
		return evidence(c, f)
	case CheckMetrics:
		return metrics(f)
	case CheckApprovals:
		return approvals(c, f)
	default:
		r.Title = string(c.Kind)
		return fail("unknown check " + string(c.Kind))
	}
	return r
}

func evidence(c Check, f Facts) CheckResult {
	r := CheckResult{Kind: CheckEvidence, Passed: true}
	whose := ""
	if c.OfThisVersion && f.Version != "" {
		whose = " of model version " + f.Version
	}
	names := make([]string, len(c.EvidenceKinds))
	for i, k := range c.EvidenceKinds {
		names[i] = kindWords(k)
	}
	r.Title = "Evidence" + whose + ": " + strings.Join(names, ", ")
	var why, ok []string
	for _, k := range c.EvidenceKinds {
		best := aims.FreshMissing
		for _, e := range f.Evidence {
			if !strings.EqualFold(e.Kind, k) || (c.OfThisVersion && !e.OfVersion) {
				continue
			}
			if rank(e.Freshness) < rank(best) {
				best = e.Freshness
			}
		}
		switch best {
		case aims.FreshCurrent, aims.FreshExpiring:
			ok = append(ok, kindWords(k)+" attached")
		case aims.FreshExpired:
			why = append(why, kindWords(k)+whose+" expired")
		default:
			why = append(why, kindWords(k)+whose+" missing")
		}
	}
	if len(why) > 0 {
		r.Passed, r.Why = false, strings.Join(why, "; ")
		return r
	}
	r.Why = strings.Join(ok, "; ")
	return r
}

func rank(f aims.Freshness) int {
	for i, x := range aims.FreshnessValues() {
		if x == f {
			return i
		}
	}
	return len(aims.FreshnessValues())
}

// kindWords turns an evidence kind into words: validation-report →
// validation report.
func kindWords(k string) string { return strings.ReplaceAll(strings.ReplaceAll(k, "-", " "), "_", " ") }

func metrics(f Facts) CheckResult {
	r := CheckResult{Kind: CheckMetrics, Title: "Validation metrics meet their acceptance criteria", Passed: true}
	if len(f.Criteria) == 0 {
		r.Passed, r.Why = false, "no acceptance criteria are set: set them on the system or the model version"
		return r
	}
	var why, ok []string
	for i := range f.Criteria {
		c := &f.Criteria[i]
		on := ""
		if c.DatasetName != "" {
			on = " on " + c.DatasetName
		}
		var found *aims.ValidationMetric
		for j := range f.Metrics {
			if m := &f.Metrics[j]; c.Measures(m) && (found == nil || m.RecordedAt.After(found.RecordedAt)) {
				found = m
			}
		}
		switch {
		case found == nil:
			why = append(why, "no "+c.Metric+" recorded"+on+" for "+c.Text())
		case !c.Comparison.Holds(found.Value, c.Threshold):
			why = append(why, found.Name+" "+found.ValueText()+" does not meet "+c.Text())
		default:
			ok = append(ok, found.Name+" "+found.ValueText()+" meets "+c.Text())
		}
	}
	if len(why) > 0 {
		r.Passed, r.Why = false, strings.Join(why, "; ")
		return r
	}
	r.Why = strings.Join(ok, "; ")
	return r
}

func approvals(c Check, f Facts) CheckResult {
	roles := make([]string, len(c.Roles))
	for i, x := range c.Roles {
		roles[i] = x.Title()
	}
	quorum := max(c.Quorum, 1)
	r := CheckResult{Kind: CheckApprovals, Passed: true,
		Title: fmt.Sprintf("Approved by %s (%s)", plural(quorum, "person", "people"), strings.Join(roles, " or "))}
	seen := map[string]bool{}
	var names []string
	for _, a := range f.Approvals {
		if seen[a.PersonID] || !roleIn(a.Role, c.Roles) {
			continue
		}
		seen[a.PersonID] = true
		names = append(names, a.Name)
	}
	if len(names) < quorum {
		r.Passed = false
		r.Why = fmt.Sprintf("%d of %d approvals given", len(names), quorum)
		if len(names) > 0 {
			r.Why += " (" + strings.Join(names, ", ") + ")"
		}
		return r
	}
	r.Why = "approved by " + strings.Join(names, ", ")
	return r
}

func roleIn(r aims.Role, list []aims.Role) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
