package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// Risk criteria (ISO/IEC 42001 6.1.1, 6.1.2): everyone reads them; only
// those who give approvals (AIMS managers, administrators) save a new
// version, because the criteria decide what owners may accept on their own.

// RiskCriteria returns the organization's current risk criteria, or the
// built-in defaults (version 0) before it saved any.
func (s *Service) RiskCriteria(ctx context.Context) (*aims.RiskCriteria, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the risk criteria")
	if err != nil {
		return nil, err
	}
	return currentCriteria(ctx, s.db, scope)
}

// RiskCriteriaVersion returns one saved version of the risk criteria.
func (s *Service) RiskCriteriaVersion(ctx context.Context, version int) (*aims.RiskCriteria, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the risk criteria")
	if err != nil {
		return nil, err
	}
	if version < 1 {
		return nil, aims.ErrNotFound("risk criteria version")
	}
	return store.FindRiskCriteria(ctx, s.db, scope, version)
}

// RiskCriteriaVersions lists the saved versions, newest first.
func (s *Service) RiskCriteriaVersions(ctx context.Context) ([]*aims.RiskCriteria, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the risk criteria")
	if err != nil {
		return nil, err
	}
	return store.FindRiskCriteriaVersions(ctx, s.db, scope)
}

// SaveRiskCriteria saves c as a new version of the risk criteria. Risks
// keep the version they were assessed with until they are assessed again.
func (s *Service) SaveRiskCriteria(ctx context.Context, c *aims.RiskCriteria) (*aims.RiskCriteria, error) {
	scope, _, err := authz.Authorize(ctx, authz.Approve, "change the risk criteria")
	if err != nil {
		return nil, err
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err = s.transact(ctx, func(tx *store.Tx) error { return store.CreateRiskCriteria(ctx, tx, scope, c) })
	if err != nil {
		return nil, err
	}
	return c, nil
}

// currentCriteria returns the newest saved criteria, or the defaults as
// version 0.
func currentCriteria(ctx context.Context, q store.Querier, scope aims.Scope) (*aims.RiskCriteria, error) {
	c, err := store.FindRiskCriteria(ctx, q, scope, 0)
	if aims.IsKind(err, aims.KindNotFound) {
		return aims.DefaultRiskCriteria(), nil
	}
	return c, err
}

// criteriaForAssessment returns the criteria a risk is assessed with now:
// the newest saved version, after saving the defaults as version 1 when the
// organization has none, so that every risk names a version that exists.
func criteriaForAssessment(ctx context.Context, tx *store.Tx, scope aims.Scope) (*aims.RiskCriteria, error) {
	c, err := store.FindRiskCriteria(ctx, tx, scope, 0)
	if !aims.IsKind(err, aims.KindNotFound) {
		return c, err
	}
	c = aims.DefaultRiskCriteria()
	c.Note = "The built-in defaults, saved with the first risk assessment."
	return c, store.CreateRiskCriteria(ctx, tx, scope, c)
}
