package rules

import (
	"slices"
	"sort"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// highRiskArticles are the obligations that high risk (Art. 6) brings, in
// the catalog's ids. Whom each binds comes from the catalog's roles; the
// few that bind only some providers or deployers are narrowed in
// bindsHere.
var highRiskArticles = []string{"Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15", "Art. 17",
	"Art. 23", "Art. 24", "Art. 26", "Art. 27", "Art. 43", "Art. 49", "Art. 72", "Art. 73"}

// Articles every classification may name, for the test that keeps this
// file in step with the catalog.
const (
	artLiteracy   = "Art. 4"
	artProhibited = "Art. 5"
	artFRIA       = "Art. 27"
	artRegister   = "Art. 49"
	artGPAI       = "Art. 53"
	artSystemic   = "Art. 55"
)

// ReferencedArticles lists every article the classification rules can
// name as an obligation.
func ReferencedArticles() []string {
	out := append([]string{artLiteracy, artProhibited, artGPAI, artSystemic}, highRiskArticles...)
	for t := range triggerTexts {
		out = append(out, "Art. "+t)
	}
	sort.Strings(out)
	return out
}

// candidate is an article the answers bring, before it is checked against
// the organization's roles.
type candidate struct {
	article string
	scope   string // which dates of application apply: "" or a route to high risk
	because string
}

// obligations lists the articles that bind the organization's roles, in
// catalog order, each with its date of application.
func (c *classifier) obligations() []aims.Obligation {
	var cands []candidate
	add := func(article, scope, because string) {
		cands = append(cands, candidate{article, scope, because})
	}
	a := c.a
	if a.IsAISystem() {
		add(artLiteracy, "", "every provider and deployer of an AI system")
	}
	switch c.res.Tier {
	case aims.TierProhibited:
		add(artProhibited, "", "prohibited practice "+strings.Join(c.res.Basis, ", "))
		return c.bind(cands)
	case aims.TierHighRisk:
		because := "high-risk: " + strings.Join(c.highRiskBasis(), ", ")
		for _, art := range highRiskArticles {
			add(art, c.route, because)
		}
	}
	if c.derogated {
		add(artRegister, aims.DateScopeAnnexIII, "Art. 6(4) and 49(2): registration of an Annex III system assessed as not high-risk")
	}
	for _, t := range a.Transparency {
		add("Art. "+t, "", "transparency: "+c.ix.triggers[t].Title)
	}
	if a.GPAI == aims.GPAIProvided {
		add(artGPAI, "", "provider of a general-purpose AI model")
		if a.GPAISystemicRisk {
			add(artSystemic, "", "general-purpose AI model with systemic risk (Art. 51)")
		}
	}
	return c.bind(cands)
}

// highRiskBasis names what made the system high-risk, for the obligations.
func (c *classifier) highRiskBasis() []string {
	var out []string
	for _, b := range c.res.Basis {
		if b == "Art. 6(1)" || strings.HasPrefix(b, "Annex III") {
			out = append(out, b)
		}
	}
	return out
}

// bind keeps the candidates that bind one of the organization's roles,
// merges an article named twice, and sets each one's date.
func (c *classifier) bind(cands []candidate) []aims.Obligation {
	byArticle := map[string]*aims.Obligation{}
	var out []*aims.Obligation
	for _, cd := range cands {
		req := c.ix.reqs[cd.article]
		if req == nil {
			continue // the catalog lacks it: a test keeps them in step
		}
		var roles []aims.OperatorRole
		because := cd.because
		for _, r := range req.Roles {
			if !c.a.HasRole(r) {
				continue
			}
			if ok, why := c.bindsHere(cd, r); ok {
				roles = append(roles, r)
				if why != "" {
					because = why
				}
			}
		}
		if len(roles) == 0 {
			continue
		}
		if o := byArticle[cd.article]; o != nil {
			for _, r := range roles {
				if !slices.Contains(o.Roles, r) {
					o.Roles = append(o.Roles, r)
				}
			}
			continue
		}
		o := &aims.Obligation{Article: req.ID, Title: req.Title, Roles: roles, Because: because}
		setDates(o, c.ix.eu, cd.scope)
		byArticle[cd.article] = o
		out = append(out, o)
	}
	sort.SliceStable(out, func(i, j int) bool { return c.ix.order[out[i].Article] < c.ix.order[out[j].Article] })
	list := make([]aims.Obligation, len(out))
	for i, o := range out {
		list[i] = *o
	}
	return list
}

// bindsHere narrows the obligations that bind only some operators of a
// role, and says why when it does: the fundamental rights impact
// assessment (Art. 27(1)) and registration (Art. 49).
func (c *classifier) bindsHere(cd candidate, r aims.OperatorRole) (bool, string) {
	a := c.a
	annexIII := cd.scope == aims.DateScopeAnnexIII
	switch {
	case cd.article == artFRIA:
		// Deployers of Art. 6(2) systems, except those of Annex III area 2,
		// that are public bodies or private providers of public services,
		// and deployers of Annex III 5(b) and 5(c) whoever they are.
		if !annexIII {
			return false, ""
		}
		for _, p := range a.AnnexIIIPoints {
			switch {
			case p == "5(b)" || p == "5(c)":
				return true, "fundamental rights impact assessment before first use: deployer of a system in Annex III " + p
			case strings.HasPrefix(p, "2("):
				continue
			case a.PublicBody || a.PublicService:
				return true, "fundamental rights impact assessment before first use: a public body or a provider of public services deploying a system in Annex III " + p
			}
		}
		return false, ""
	case cd.article == artRegister && r == aims.OperatorProvider:
		// Annex III systems only (Art. 49(1)), and those assessed under
		// Art. 6(3) (Art. 49(2)); area 2 is registered nationally (49(5)).
		if !annexIII {
			return false, ""
		}
		if !c.derogated && slices.ContainsFunc(a.AnnexIIIPoints, func(p string) bool { return strings.HasPrefix(p, "2(") }) {
			return true, "registration of an Annex III area 2 system, at national level (Art. 49(5))"
		}
		return true, ""
	case cd.article == artRegister && r == aims.OperatorDeployer:
		// Deployers that are public authorities register their use
		// (Art. 49(3)); not for a system assessed as not high-risk.
		if !annexIII || c.derogated || !a.PublicBody {
			return false, ""
		}
		return true, "registration of the use by a public authority deploying an Annex III system (Art. 49(3))"
	}
	return true, ""
}

// setDates fills an obligation's date of application from the catalog's
// dates: the earliest adopted date that lists the article for this scope,
// and the proposed ones after it. A date scoped to the same route to high
// risk wins over an unscoped one, so that an Annex I system gets the Annex
// I dates.
func setDates(o *aims.Obligation, eu *aims.Framework, scope string) {
	pick := func(status string) []*aims.ApplicationDate {
		var general, exact []*aims.ApplicationDate
		for _, d := range eu.Dates {
			if d.Status != status || !slices.Contains(d.Requirements, o.Article) {
				continue
			}
			switch d.Scope {
			case "":
				general = append(general, d)
			case scope:
				exact = append(exact, d)
			}
		}
		if len(exact) > 0 {
			general = exact
		}
		sort.SliceStable(general, func(i, j int) bool { return general[i].Date.Before(general[j].Date) })
		return general
	}
	adopted, proposed := pick("adopted"), pick("proposed")
	switch {
	case len(adopted) > 0:
		d := adopted[0]
		o.AppliesFrom, o.Status, o.LegalBasis = d.Date, d.Status, d.LegalBasis
	case len(proposed) > 0:
		d := proposed[0]
		o.AppliesFrom, o.Status, o.LegalBasis = d.Date, d.Status, d.LegalBasis
		proposed = proposed[1:]
	}
	for _, d := range proposed {
		o.Proposed = append(o.Proposed, aims.ProposedDate{Date: d.Date, Applies: d.Applies, LegalBasis: d.LegalBasis})
	}
}
