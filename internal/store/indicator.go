package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// The lean reads behind the computed indicators (package indicator): each
// reads, in one query, only the columns an indicator counts, so that
// computing every indicator stays quick on a large organization.

// FindValidatedModelVersions returns the ids of the organization's model
// versions that have an approval record with validation evidence (ISO/IEC
// 42001 A.6.2.4, A.6.2.5).
func FindValidatedModelVersions(ctx context.Context, q Querier, scope aims.Scope) (map[string]bool, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT DISTINCT model_version_id FROM model_version_approvals WHERE org_id = $1 AND evidence <> ''`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find validated model versions: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find validated model versions: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// ListActionDueDates returns the status and due date of every risk
// treatment action of the organization.
func ListActionDueDates(ctx context.Context, q Querier, scope aims.Scope) ([]aims.TreatmentAction, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT status, due_date FROM risk_actions WHERE org_id = $1`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("list treatment actions: %w", mapError(err))
	}
	defer rows.Close()
	var out []aims.TreatmentAction
	for rows.Next() {
		var a aims.TreatmentAction
		var status string
		var due sql.NullTime
		if err := rows.Scan(&status, &due); err != nil {
			return nil, fmt.Errorf("list treatment actions: %w", err)
		}
		a.Status, a.DueDate = aims.ActionStatus(status), scanDate(due)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ListRiskLevels returns, for every risk of the organization, its status,
// the criteria version it was assessed under, its levels and when it was
// raised.
func ListRiskLevels(ctx context.Context, q Querier, scope aims.Scope) ([]aims.Risk, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT status, criteria_version, level, residual_likelihood, residual_consequence, residual_level, created_at
		FROM risks WHERE org_id = $1`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("list risk levels: %w", mapError(err))
	}
	defer rows.Close()
	var out []aims.Risk
	for rows.Next() {
		var r aims.Risk
		var status string
		if err := rows.Scan(&status, &r.CriteriaVersion, &r.Level, &r.ResidualLikelihood, &r.ResidualConsequence,
			&r.ResidualLevel, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("list risk levels: %w", err)
		}
		r.Status, r.CreatedAt = aims.RiskStatus(status), r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
