package rules

import "github.com/aimsproject/aims/internal/aims"

// SummarizeContext counts the organization's context issues and interested
// parties for the Context page (ISO/IEC 42001 4.1, 4.2): by origin and
// relevance, those not reviewed (no review date, or one before today), the
// requirements and how far the AIMS addresses them, and the answer to the
// climate-change question: determined when an issue marked as the climate
// issue says relevant or not relevant.
func SummarizeContext(issues []*aims.ContextIssue, parties []*aims.InterestedParty, today aims.Date) aims.ContextSummary {
	var s aims.ContextSummary
	notReviewed := func(d *aims.Date) bool { return d == nil || d.Before(today) }
	for _, c := range issues {
		s.Issues++
		if c.Origin == aims.OriginInternal {
			s.InternalIssues++
		} else {
			s.ExternalIssues++
		}
		switch c.Relevance {
		case aims.RelevanceRelevant:
			s.RelevantIssues++
		case aims.RelevanceNotRelevant:
			s.NotRelevantIssues++
		default:
			s.UndeterminedIssues++
		}
		if notReviewed(c.ReviewDate) {
			s.IssuesNotReviewed++
		}
		if c.Climate && !s.Climate.Determined {
			s.Climate = aims.ClimateAnswer{Determined: c.Relevance != aims.RelevanceToDetermine, IssueID: c.ID,
				IssueTitle: c.Title, Relevance: c.Relevance, Reason: c.Reason}
		}
	}
	for _, p := range parties {
		s.Parties++
		if notReviewed(p.ReviewDate) {
			s.PartiesNotReviewed++
		}
		for _, r := range p.Requirements {
			s.Requirements++
			switch r.Addressed {
			case aims.AddressedFully:
				s.RequirementsAddressed++
			case aims.AddressedPartly:
				s.RequirementsPartly++
			default:
				s.RequirementsOpen++
			}
		}
	}
	return s
}

// CommunicationDue returns when the next communication of a plan entry is
// due and whether that day has passed (ISO/IEC 42001 7.4). A one-off is due
// on its first day until it is made; a regular one its cadence after the
// latest communication made (the first day until one is made); one made as
// needed is never due.
func CommunicationDue(c *aims.Communication, today aims.Date) (next *aims.Date, overdue bool) {
	var latest *aims.Date
	for i := range c.Records {
		if latest == nil || c.Records[i].Date.After(latest.Time) {
			latest = &c.Records[i].Date
		}
	}
	switch {
	case c.Cadence == aims.CadenceAsNeeded:
		return nil, false
	case c.Cadence == aims.CadenceOnce:
		if latest != nil {
			return nil, false
		}
		next = c.FirstDue
	case latest == nil:
		next = c.FirstDue
	default:
		d := aims.Date{Time: latest.AddDate(0, c.Cadence.Months(), 0)}
		if c.FirstDue != nil && d.Before(*c.FirstDue) {
			d = *c.FirstDue
		}
		next = &d
	}
	if next == nil {
		return nil, false
	}
	return next, next.Before(today)
}
