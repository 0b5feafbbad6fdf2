package rules

import (
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// BlockerInput is what decides whether an AI system has open items: its
// impact summary, its risks with the risk criteria each was assessed
// under, and its EU AI Act obligations with their status.
type BlockerInput struct {
	Impact *aims.ImpactSummary
	Risks  []*aims.Risk
	// Criteria holds the risk criteria by version; a risk whose version is
	// missing is judged by Current (the criteria in force).
	Criteria    map[int]*aims.RiskCriteria
	Current     *aims.RiskCriteria
	Obligations []aims.SystemObligation
	// Supplier is the system's supplier, described as of today (its
	// review overdue or not); nil when the system names none.
	Supplier *aims.Supplier
}

// SystemBlockers lists the open items that block an AI system, in this
// order: an impact assessment out of date (with its reasons), each risk
// whose standing level is above the risk appetite without an acceptance
// of that level (closed risks aside), and each obligation neither met nor
// not applicable, and last the supplier whose periodic review is overdue
// (A.10.3). Nothing here is stored: it follows the records.
func SystemBlockers(in BlockerInput) []aims.Blocker {
	out := []aims.Blocker{}
	if s := in.Impact; s != nil && s.OutOfDate {
		detail := "the signed-off impact assessment is out of date"
		if len(s.Reasons) > 0 {
			detail += ": " + strings.Join(s.Reasons, "; ")
		}
		b := aims.Blocker{Kind: aims.BlockerImpact, Subject: "Impact assessment", ID: s.AssessmentID, Detail: detail}
		if s.Version > 0 {
			b.Subject += " version " + itoa(s.Version)
		}
		out = append(out, b)
	}
	for _, r := range in.Risks {
		if r.Status == aims.RiskClosed {
			continue
		}
		c := in.Criteria[r.CriteriaVersion]
		if c == nil {
			c = in.Current
		}
		if c == nil {
			continue // no criteria, no appetite to be above
		}
		level := r.Current()
		if !AboveAppetite(c, level) {
			continue
		}
		name := level
		if l := c.Level(level); l != nil {
			name = l.Name
		}
		detail := "its level " + name + " is above the risk appetite (" + appetiteName(c) + ")"
		switch {
		case r.Acceptance == nil:
			detail += " and nobody has accepted it"
		case r.Acceptance.Level != level:
			detail += " and the acceptance was of level " + r.Acceptance.Level
		default:
			continue
		}
		out = append(out, aims.Blocker{Kind: aims.BlockerRisk, Subject: r.Ref() + " " + r.Title, ID: r.ID, Detail: detail})
	}
	for _, o := range in.Obligations {
		if o.State.Status.Settled() {
			continue
		}
		state := o.State.Status
		if state == "" {
			state = aims.ObligationOpen
		}
		out = append(out, aims.Blocker{Kind: aims.BlockerObligation, Subject: o.Article + " " + o.Title, ID: o.Article,
			Detail: "the obligation is " + strings.ToLower(state.Title())})
	}
	if sp := in.Supplier; sp != nil && sp.ReviewOverdue && sp.NextReviewOn != nil {
		out = append(out, aims.Blocker{Kind: aims.BlockerSupplier, Subject: "Supplier " + sp.Name, ID: sp.ID,
			Detail: "its review was due on " + sp.NextReviewOn.String() + " and has not been recorded"})
	}
	return out
}

func appetiteName(c *aims.RiskCriteria) string {
	if l := c.Level(c.Appetite); l != nil {
		return l.Name
	}
	return c.Appetite
}
