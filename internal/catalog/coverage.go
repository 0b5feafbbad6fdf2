package catalog

import "github.com/aimsproject/aims/internal/aims"

// Coverage says how much of a framework an organization's controls cover
// through the crosswalks (for example "54 of 72 NIST AI RMF subcategories").
type Coverage struct {
	Framework string `json:"framework"`
	Title     string `json:"title"`
	Total     int    `json:"total"`
	// Covered units map (directly or through one other framework) to a
	// control that is implemented, or are such a control.
	Covered []*CoveredUnit `json:"covered"`
	// InProgress units are not covered but map to a control that is
	// planned or partially implemented.
	InProgress []*CoveredUnit      `json:"in_progress"`
	Uncovered  []*aims.Requirement `json:"uncovered"`
}

// CoveredUnit is a counted requirement and the controls that cover it.
type CoveredUnit struct {
	Requirement *aims.Requirement `json:"requirement"`
	By          []aims.Ref        `json:"by"`
}

// Coverage computes fw's coverage. implemented and inProgress hold the SoA
// controls (applicable ones only) by implementation status.
func (c *Catalog) Coverage(fw *aims.Framework, implemented, inProgress map[aims.Ref]bool) *Coverage {
	out := &Coverage{Framework: fw.ID, Title: fw.ShortTitle, Covered: []*CoveredUnit{}, InProgress: []*CoveredUnit{}, Uncovered: []*aims.Requirement{}}
	for _, u := range c.Units(fw) {
		out.Total++
		ref := aims.Ref{Framework: fw.ID, ID: u.ID}
		var done, doing []aims.Ref
		if implemented[ref] {
			done = append(done, ref)
		}
		if inProgress[ref] {
			doing = append(doing, ref)
		}
		for _, r := range c.MapsTo(ref) {
			if implemented[r.Target] {
				done = append(done, r.Target)
			}
			if inProgress[r.Target] {
				doing = append(doing, r.Target)
			}
		}
		switch {
		case len(done) > 0:
			out.Covered = append(out.Covered, &CoveredUnit{Requirement: u, By: done})
		case len(doing) > 0:
			out.InProgress = append(out.InProgress, &CoveredUnit{Requirement: u, By: doing})
		default:
			out.Uncovered = append(out.Uncovered, u)
		}
	}
	return out
}
