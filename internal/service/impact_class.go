package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// ImpactClassView is an AI system's impact class, the row of the rule
// table that gave it, and what the rule read.
type ImpactClassView struct {
	SystemID string `json:"system_id"`
	rules.ImpactClassDecision
	Inputs rules.ImpactClassInput `json:"inputs"`
}

// SystemImpactClass derives an AI system's impact class from its autonomy,
// impact domains, current EU AI Act classification and impact assessment
// (rules.ImpactClassRules).
func (s *Service) SystemImpactClass(ctx context.Context, systemID string) (*ImpactClassView, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return nil, err
	}
	sys, err := store.FindSystemByID(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	var tier aims.Tier
	c, err := store.FindClassification(ctx, s.db, scope, systemID, 0)
	switch {
	case err == nil:
		tier = c.Tier
	case !aims.IsKind(err, aims.KindNotFound):
		return nil, err
	}
	in, err := impactClassInput(ctx, s.db, scope, sys, tier)
	if err != nil {
		return nil, err
	}
	return &ImpactClassView{SystemID: sys.ID, ImpactClassDecision: rules.ImpactClassOf(in), Inputs: in}, nil
}

// impactClassInput gathers what the impact class rule reads about one
// system; tier is its current classification's ("" when unclassified).
func impactClassInput(ctx context.Context, q store.Querier, scope aims.Scope, sys *aims.AISystem, tier aims.Tier) (rules.ImpactClassInput, error) {
	residual, outOfDate, err := impactAssessmentInput(ctx, q, scope, sys)
	if err != nil {
		return rules.ImpactClassInput{}, err
	}
	if tier == "" {
		tier = rules.Unclassified
	}
	return rules.ImpactClassInput{Autonomy: sys.Autonomy, Domains: sys.ImpactDomains, Tier: tier,
		Residual: residual, AssessmentOutOfDate: outOfDate}, nil
}

// impactAssessmentInput is what the impact class takes from the system's
// AI system impact assessments (ISO/IEC 42001 6.1.4, 8.4): the highest
// residual impact of the latest signed-off assessment (none counting as
// low), and whether that assessment is out of date.
func impactAssessmentInput(ctx context.Context, q store.Querier, scope aims.Scope, sys *aims.AISystem) (rules.AssessedImpact, bool, error) {
	sum, err := impactSummaryOf(ctx, q, scope, sys)
	if err != nil {
		return "", false, err
	}
	residual := rules.AssessedUnknown
	switch sum.HighestResidual {
	case aims.ResidualNone, aims.ResidualLow:
		residual = rules.AssessedLow
	case aims.ResidualMedium:
		residual = rules.AssessedMedium
	case aims.ResidualHigh:
		residual = rules.AssessedHigh
	}
	return residual, sum.OutOfDate, nil
}
