package service

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// ClassificationSummary is the EU AI Act view of the whole portfolio: how
// many systems fall in each tier, which articles bind the organization for
// which systems, and which systems are not classified yet.
type ClassificationSummary struct {
	Systems      int           `json:"systems" doc:"AI systems in the inventory"`
	Classified   int           `json:"classified"`
	Tiers        []TierCount   `json:"tiers" doc:"Every tier, strictest first, with the systems in it"`
	Obligations  []ArticleUse  `json:"obligations" doc:"Every article that binds the organization for at least one system, in the Act's order"`
	Unclassified []SystemRef   `json:"unclassified"`
	Portfolio    []SystemClass `json:"portfolio" doc:"Every system with its tier and impact class"`
}

// SystemRef names an AI system.
type SystemRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TierCount is how many systems are in one tier.
type TierCount struct {
	Tier    aims.Tier   `json:"tier"`
	Title   string      `json:"title"`
	Count   int         `json:"count"`
	Systems []SystemRef `json:"systems"`
}

// ArticleUse is one article with the systems it binds the organization
// for. EarliestFrom is the earliest date it applies to any of them.
type ArticleUse struct {
	Article      string             `json:"article"`
	Title        string             `json:"title"`
	EarliestFrom aims.Date          `json:"earliest_from"`
	Systems      []ArticleSystemUse `json:"systems"`
}

// ArticleSystemUse is one system an article binds, with the roles it binds
// and the date it applies from for that system.
type ArticleSystemUse struct {
	SystemRef
	Roles       []aims.OperatorRole `json:"roles"`
	AppliesFrom aims.Date           `json:"applies_from"`
	Status      string              `json:"status"`
}

// SystemClass is one system of the portfolio with its current
// classification (Tier empty when unclassified) and impact class.
type SystemClass struct {
	SystemRef
	LifecycleStage aims.LifecycleStage `json:"lifecycle_stage"`
	Tier           aims.Tier           `json:"tier,omitempty"`
	Basis          []string            `json:"basis"`
	Roles          []aims.OperatorRole `json:"roles"`
	Obligations    []string            `json:"obligations"`
	Version        int                 `json:"version,omitempty"`
	ClassifiedAt   *time.Time          `json:"classified_at,omitempty"`
	ClassifiedBy   string              `json:"classified_by,omitempty"`
	ImpactClass    aims.ImpactClass    `json:"impact_class"`
	ImpactReason   string              `json:"impact_reason"`
}

// ClassificationSummary summarizes the current classifications of every
// AI system of the caller's organization.
func (s *Service) ClassificationSummary(ctx context.Context) (*ClassificationSummary, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read EU AI Act classifications")
	if err != nil {
		return nil, err
	}
	return summarizeClassifications(ctx, s.db, scope)
}

func summarizeClassifications(ctx context.Context, q store.Querier, scope aims.Scope) (*ClassificationSummary, error) {
	current, err := store.FindCurrentClassifications(ctx, q, scope, "")
	if err != nil {
		return nil, err
	}
	var systems []*aims.AISystem
	if err := store.EachSystem(ctx, q, scope, aims.SystemFilter{}, func(s *aims.AISystem) error {
		systems = append(systems, s)
		return nil
	}); err != nil {
		return nil, err
	}
	sum := &ClassificationSummary{Systems: len(systems), Unclassified: []SystemRef{}, Portfolio: []SystemClass{}, Obligations: []ArticleUse{}}
	byTier := map[aims.Tier]*TierCount{}
	for _, t := range aims.TierValues() {
		sum.Tiers = append(sum.Tiers, TierCount{Tier: t, Title: t.Title(), Systems: []SystemRef{}})
	}
	for i := range sum.Tiers {
		byTier[sum.Tiers[i].Tier] = &sum.Tiers[i]
	}
	uses := map[string]*ArticleUse{}
	for _, sys := range systems {
		ref := SystemRef{ID: sys.ID, Name: sys.Name}
		row := SystemClass{SystemRef: ref, LifecycleStage: sys.LifecycleStage, Basis: []string{}, Roles: []aims.OperatorRole{}, Obligations: []string{}}
		c := current[sys.ID]
		if c == nil {
			sum.Unclassified = append(sum.Unclassified, ref)
		} else {
			sum.Classified++
			at := c.ClassifiedAt
			row.Tier, row.Basis, row.Roles, row.Version, row.ClassifiedAt, row.ClassifiedBy = c.Tier, c.Basis, c.Roles, c.Version, &at, c.ClassifiedBy
			if tc := byTier[c.Tier]; tc != nil {
				tc.Count++
				tc.Systems = append(tc.Systems, ref)
			}
			for _, o := range c.Obligations {
				row.Obligations = append(row.Obligations, o.Article)
				u := uses[o.Article]
				if u == nil {
					u = &ArticleUse{Article: o.Article, Title: o.Title, EarliestFrom: o.AppliesFrom}
					uses[o.Article] = u
				}
				if o.AppliesFrom.Before(u.EarliestFrom) {
					u.EarliestFrom = o.AppliesFrom
				}
				u.Systems = append(u.Systems, ArticleSystemUse{SystemRef: ref, Roles: o.Roles, AppliesFrom: o.AppliesFrom, Status: o.Status})
			}
		}
		in, err := impactClassInput(ctx, q, scope, sys, row.Tier)
		if err != nil {
			return nil, err
		}
		d := rules.ImpactClassOf(in)
		row.ImpactClass, row.ImpactReason = d.Class, d.Reason
		sum.Portfolio = append(sum.Portfolio, row)
	}
	// Articles in the Act's order, as the catalog lists them.
	for _, r := range EUAIAct().Requirements {
		if u := uses[r.ID]; u != nil {
			sum.Obligations = append(sum.Obligations, *u)
		}
	}
	return sum, nil
}

// ClassificationSummaryCSVColumns are the columns of the summary's CSV
// export, one row per AI system.
var ClassificationSummaryCSVColumns = []string{"system", "lifecycle_stage", "tier", "basis", "roles", "obligations",
	"classification_version", "classified_at", "classified_by", "impact_class", "impact_reason"}

// ExportClassificationSummaryCSV writes the portfolio summary as CSV, one
// row per AI system (unclassified ones with an empty tier), so that the
// counts per tier and per article can be made in a spreadsheet. The file
// starts with a UTF-8 byte-order mark.
func (s *Service) ExportClassificationSummaryCSV(ctx context.Context, w io.Writer) error {
	scope, _, err := authz.Authorize(ctx, authz.Export, "export EU AI Act classifications")
	if err != nil {
		return err
	}
	sum, err := summarizeClassifications(ctx, s.db, scope)
	if err != nil {
		return err
	}
	cw, err := newCSVExport(w, ClassificationSummaryCSVColumns)
	if err != nil {
		return err
	}
	roles := func(rs []aims.OperatorRole) string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = string(r)
		}
		return strings.Join(out, "; ")
	}
	for _, r := range sum.Portfolio {
		version, at := "", ""
		if r.ClassifiedAt != nil {
			version, at = itoa(r.Version), r.ClassifiedAt.UTC().Format(time.RFC3339)
		}
		rec := []string{r.Name, string(r.LifecycleStage), string(r.Tier), strings.Join(r.Basis, "; "), roles(r.Roles),
			strings.Join(r.Obligations, "; "), version, at, r.ClassifiedBy, string(r.ImpactClass), r.ImpactReason}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Close()
}
