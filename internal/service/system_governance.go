package service

import (
	"context"
	"slices"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// The AI system as the hub of its governance records (issue 14 item 1):
// its risks, the controls that treat them with their rows in the newest
// SoA version, its EU AI Act obligations with their status, and the open
// items that block it, in one answer.

// SystemGovernance returns the governance records of one AI system; an
// unknown id and another organization's alike are not found.
func (s *Service) SystemGovernance(ctx context.Context, systemID string) (*aims.SystemGovernance, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return nil, err
	}
	sys, err := store.FindSystemByID(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	g := &aims.SystemGovernance{SystemID: sys.ID, Controls: []aims.GovernanceControl{}, Obligations: []aims.SystemObligation{}}
	if g.Risks, _, err = store.FindRisks(ctx, s.db, scope, aims.RiskFilter{SystemID: sys.ID, Today: s.today(),
		Page: aims.Page{Limit: aims.MaxLimit}}); err != nil {
		return nil, err
	}
	if err := s.describeRisks(ctx, s.db, scope, g.Risks...); err != nil {
		return nil, err
	}
	if g.Risks == nil {
		g.Risks = []*aims.Risk{}
	}
	current, err := currentCriteria(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	g.Criteria, g.RiskAppetite = current, current.Appetite
	versions, err := store.FindRiskCriteriaVersions(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*aims.RiskCriteria{}
	for _, c := range versions {
		byVersion[c.Version] = c
	}
	if err := governanceControls(ctx, s.db, scope, g); err != nil {
		return nil, err
	}
	if err := governanceObligations(ctx, s.db, scope, g); err != nil {
		return nil, err
	}
	if g.Impact, err = impactSummaryOf(ctx, s.db, scope, sys); err != nil {
		return nil, err
	}
	var supplier *aims.Supplier
	if sys.SupplierID != "" {
		if supplier, err = store.FindSupplierByID(ctx, s.db, scope, sys.SupplierID); err != nil {
			return nil, err
		}
		supplier.DescribeReview(s.today())
	}
	g.Blockers = rules.SystemBlockers(rules.BlockerInput{Impact: g.Impact, Risks: g.Risks, Criteria: byVersion,
		Current: current, Obligations: g.Obligations, Supplier: supplier})
	return g, nil
}

// governanceControls lists the ISO/IEC 42001 controls that treat the
// system's risks, in the order the risks name them, with their rows in the newest SoA
// version.
func governanceControls(ctx context.Context, q store.Querier, scope aims.Scope, g *aims.SystemGovernance) error {
	treats := map[string][]string{}
	var ids []string
	for _, r := range g.Risks {
		for _, c := range r.Controls {
			if _, seen := treats[c]; !seen {
				ids = append(ids, c)
			}
			treats[c] = append(treats[c], r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows := map[string]*aims.SoARow{}
	v, _, err := loadSoA(ctx, q, scope, 0)
	switch {
	case err == nil:
		g.SoAVersion, g.SoAStatus = v.Number, v.Status
		for _, r := range v.Rows {
			if r.Framework == catalog.ISO42001 {
				rows[r.RequirementID] = r
			}
		}
	case !aims.IsKind(err, aims.KindNotFound):
		return err
	}
	cat := catalog.Builtin()
	for _, id := range ids {
		c := aims.GovernanceControl{Framework: catalog.ISO42001, RequirementID: id, Risks: treats[id]}
		if req, ok := cat.Requirement(aims.Ref{Framework: catalog.ISO42001, ID: id}); ok {
			c.Title = req.Title
		}
		if row := rows[id]; row != nil {
			c.InSoA, c.Applicability, c.Status = true, row.Applicability, row.Status
		}
		g.Controls = append(g.Controls, c)
	}
	return nil
}

// governanceObligations lists the obligations of the system's current
// classification with the status set for each (open when none is).
func governanceObligations(ctx context.Context, q store.Querier, scope aims.Scope, g *aims.SystemGovernance) error {
	c, err := store.FindClassification(ctx, q, scope, g.SystemID, 0)
	if aims.IsKind(err, aims.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	g.ClassificationVersion, g.Tier = c.Version, c.Tier
	set, err := store.FindObligationStatuses(ctx, q, scope, g.SystemID)
	if err != nil {
		return err
	}
	for _, o := range c.Obligations {
		so := aims.SystemObligation{Obligation: o, State: aims.ObligationStatusView{Status: aims.ObligationOpen}}
		if st := set[o.Article]; st != nil {
			at := st.SetAt
			so.State = aims.ObligationStatusView{Status: st.Status, Note: st.Note, SetBy: st.SetBy, SetByName: st.SetByName, SetAt: &at}
		}
		g.Obligations = append(g.Obligations, so)
	}
	return nil
}

// SetObligationStatus sets the status of one EU AI Act obligation of an AI
// system: those who may edit the system may (its owner, contributors,
// managers, admins). The article must be one the system's current
// classification names.
func (s *Service) SetObligationStatus(ctx context.Context, in *aims.ObligationStatus) (*aims.SystemObligation, error) {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "set the status of EU AI Act obligations")
	if err != nil {
		return nil, err
	}
	in.Normalize()
	var out *aims.SystemObligation
	err = s.transact(ctx, func(tx *store.Tx) error {
		sys, err := store.FindSystemByID(ctx, tx, readScope, in.SystemID)
		if err != nil {
			return err
		}
		scope, _, err := authz.AuthorizeSystemEdit(ctx, sys.OwnerID, "set the status of the obligations of "+sys.Name)
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		c, err := store.FindClassification(ctx, tx, scope, sys.ID, 0)
		if aims.IsKind(err, aims.KindNotFound) {
			return &aims.Error{Kind: aims.KindInvalid, Message: sys.Name + " is not classified under the EU AI Act yet: it has no obligations",
				Fields: []aims.FieldError{{Field: "article", Detail: "the system has no obligations until it is classified"}}}
		}
		if err != nil {
			return err
		}
		i := slices.IndexFunc(c.Obligations, func(o aims.Obligation) bool { return o.Article == in.Article })
		if i < 0 {
			return &aims.Error{Kind: aims.KindInvalid, Message: "the system's classification does not name " + in.Article,
				Fields: []aims.FieldError{{Field: "article", Detail: "must be one of the obligations of classification version " + itoa(c.Version)}}}
		}
		set, err := store.FindObligationStatuses(ctx, tx, scope, sys.ID)
		if err != nil {
			return err
		}
		if err := store.SetObligationStatus(ctx, tx, scope, set[in.Article], in); err != nil {
			return err
		}
		at := in.SetAt
		out = &aims.SystemObligation{Obligation: c.Obligations[i], State: aims.ObligationStatusView{Status: in.Status,
			Note: in.Note, SetBy: in.SetBy, SetByName: in.SetByName, SetAt: &at}}
		return nil
	})
	return out, err
}
