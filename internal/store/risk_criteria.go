package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateRiskCriteria stores c as the organization's next version of its
// risk criteria, setting its version, time and author.
func CreateRiskCriteria(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.RiskCriteria) error {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM risk_criteria WHERE org_id = $1`,
		scope.OrgID()).Scan(&c.Version); err != nil {
		return fmt.Errorf("next risk criteria version: %w", mapError(err))
	}
	c.CreatedAt, c.CreatedBy = tx.now, scope.Actor().Label
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode risk criteria: %w", err)
	}
	id := newID()
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO risk_criteria (id, org_id, version, document, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, scope.OrgID(), c.Version, string(doc), c.CreatedAt, c.CreatedBy)
	if isUniqueViolation(err) {
		return aims.Errorf(aims.KindConflict, "someone saved risk criteria version %d at the same moment: reload and try again", c.Version)
	}
	if err != nil {
		return fmt.Errorf("create risk criteria: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityRiskCriteria, id, c)
}

// FindRiskCriteria returns version of the organization's risk criteria; 0
// means the newest. An organization that saved none gets not-found.
func FindRiskCriteria(ctx context.Context, q Querier, scope aims.Scope, version int) (*aims.RiskCriteria, error) {
	var doc string
	err := q.queryer().QueryRowContext(ctx, `
		SELECT document FROM risk_criteria
		WHERE org_id = $1 AND (version = $2 OR ($2 = 0 AND version = (SELECT MAX(version) FROM risk_criteria WHERE org_id = $1)))`,
		scope.OrgID(), version).Scan(&doc)
	if err != nil {
		if version == 0 {
			return nil, notFound(err, "risk criteria (none saved yet)")
		}
		return nil, notFound(err, fmt.Sprintf("risk criteria version %d", version))
	}
	return decodeCriteria(doc)
}

func decodeCriteria(doc string) (*aims.RiskCriteria, error) {
	var c aims.RiskCriteria
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return nil, fmt.Errorf("decode risk criteria: %w", err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, nil
}

// FindRiskCriteriaVersions lists every version of the organization's risk
// criteria, newest first.
func FindRiskCriteriaVersions(ctx context.Context, q Querier, scope aims.Scope) ([]*aims.RiskCriteria, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT document FROM risk_criteria WHERE org_id = $1 ORDER BY version DESC`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find risk criteria versions: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.RiskCriteria{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("find risk criteria versions: %w", err)
		}
		c, err := decodeCriteria(doc)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
