package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// The records lifecycle gates read and keep (issue 17; ISO/IEC 42001
// A.6.2.4, A.6.2.5): validation metrics, acceptance criteria and an
// organization's own gate definitions. Package gate decides; the service
// gathers the facts.

// Entity types of the audit trail for the gates' records.
const (
	EntityValidationMetric    = "validation_metric"
	EntityAcceptanceCriterion = "acceptance_criterion"
	EntityGateDefinition      = "gate_definition"
)

// CreateValidationMetric records a metric of a model version; the caller
// checked that the version belongs to the organization.
func CreateValidationMetric(ctx context.Context, tx *Tx, scope aims.Scope, m *aims.ValidationMetric) error {
	m.ID, m.RecordedAt = newID(), tx.now
	if _, err := tx.exec(ctx, `
		INSERT INTO validation_metrics (id, org_id, model_version_id, name, value, unit, dataset_id, source, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		m.ID, scope.OrgID(), m.ModelVersionID, m.Name, m.Value, m.Unit, m.DatasetID, m.Source, m.RecordedAt); err != nil {
		return fmt.Errorf("record metric %q: %w", m.Name, mapError(err))
	}
	return tx.recordCreate(ctx, scope, EntityValidationMetric, m.ID, m)
}

// UpdateValidationMetric records a new value of a metric of a model
// version (an import that measured it again): value, source and the time
// recorded change.
func UpdateValidationMetric(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.ValidationMetric) error {
	after.RecordedAt = tx.now
	if _, err := tx.exec(ctx, `
		UPDATE validation_metrics SET value = $3, source = $4, recorded_at = $5 WHERE org_id = $1 AND id = $2`,
		scope.OrgID(), before.ID, after.Value, after.Source, after.RecordedAt); err != nil {
		return fmt.Errorf("update metric %q: %w", after.Name, mapError(err))
	}
	return tx.recordUpdate(ctx, scope, EntityValidationMetric, before.ID, before, after)
}

// DeleteValidationMetric removes a metric of a model version.
func DeleteValidationMetric(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.ValidationMetric) error {
	if _, err := tx.exec(ctx, `DELETE FROM validation_metrics WHERE org_id = $1 AND id = $2`, scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("delete metric: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, EntityValidationMetric, before.ID, before)
}

// FindValidationMetrics lists the metrics of one model version, or (with
// versionID empty) of every model version of a system, or (both empty) of
// the whole organization, oldest first.
func FindValidationMetrics(ctx context.Context, q Querier, scope aims.Scope, systemID, versionID string) ([]aims.ValidationMetric, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT m.id, m.model_version_id, m.name, m.value, m.unit, m.dataset_id, COALESCE(d.name, ''), m.source, m.recorded_at
		FROM validation_metrics m
		JOIN model_versions mv ON mv.org_id = m.org_id AND mv.id = m.model_version_id
		LEFT JOIN datasets d ON d.org_id = m.org_id AND d.id = m.dataset_id
		WHERE m.org_id = $1 AND ($2 = '' OR mv.system_id = $2) AND ($3 = '' OR m.model_version_id = $3)
		ORDER BY m.recorded_at, m.id`, scope.OrgID(), systemID, versionID)
	if err != nil {
		return nil, fmt.Errorf("find metrics: %w", mapError(err))
	}
	defer rows.Close()
	var out []aims.ValidationMetric
	for rows.Next() {
		var m aims.ValidationMetric
		if err := rows.Scan(&m.ID, &m.ModelVersionID, &m.Name, &m.Value, &m.Unit, &m.DatasetID, &m.DatasetName, &m.Source, &m.RecordedAt); err != nil {
			return nil, fmt.Errorf("find metrics: %w", err)
		}
		m.RecordedAt = m.RecordedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreateAcceptanceCriterion records an acceptance criterion of a system
// or of one of its model versions.
func CreateAcceptanceCriterion(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.AcceptanceCriterion) error {
	c.ID, c.CreatedAt = newID(), tx.now
	if _, err := tx.exec(ctx, `
		INSERT INTO acceptance_criteria (id, org_id, system_id, model_version_id, metric, comparison, threshold, unit, dataset_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		c.ID, scope.OrgID(), c.SystemID, c.ModelVersionID, c.Metric, string(c.Comparison), c.Threshold, c.Unit, c.DatasetID, c.CreatedAt); err != nil {
		return fmt.Errorf("record acceptance criterion: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, EntityAcceptanceCriterion, c.ID, c)
}

// DeleteAcceptanceCriterion removes an acceptance criterion.
func DeleteAcceptanceCriterion(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.AcceptanceCriterion) error {
	if _, err := tx.exec(ctx, `DELETE FROM acceptance_criteria WHERE org_id = $1 AND id = $2`, scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("delete acceptance criterion: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, EntityAcceptanceCriterion, before.ID, before)
}

// FindAcceptanceCriteria lists the acceptance criteria of a system (those
// of the system and of each of its model versions), or with systemID empty
// of the whole organization.
func FindAcceptanceCriteria(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]aims.AcceptanceCriterion, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT c.id, c.system_id, c.model_version_id, c.metric, c.comparison, c.threshold, c.unit, c.dataset_id,
			COALESCE(d.name, ''), c.created_at
		FROM acceptance_criteria c
		LEFT JOIN datasets d ON d.org_id = c.org_id AND d.id = c.dataset_id
		WHERE c.org_id = $1 AND ($2 = '' OR c.system_id = $2)
		ORDER BY c.created_at, c.id`, scope.OrgID(), systemID)
	if err != nil {
		return nil, fmt.Errorf("find acceptance criteria: %w", mapError(err))
	}
	defer rows.Close()
	var out []aims.AcceptanceCriterion
	for rows.Next() {
		var c aims.AcceptanceCriterion
		var cmp string
		if err := rows.Scan(&c.ID, &c.SystemID, &c.ModelVersionID, &c.Metric, &cmp, &c.Threshold, &c.Unit, &c.DatasetID,
			&c.DatasetName, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("find acceptance criteria: %w", err)
		}
		c.Comparison, c.CreatedAt = aims.CriterionOp(cmp), c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// GateEvidence is a piece of evidence linked to a system or a model
// version, with its latest revision's dates.
type GateEvidence struct {
	TargetType  aims.EvidenceTarget
	TargetID    string
	Kind, Title string
	CollectedAt *time.Time
	ExpiresAt   *time.Time
}

// ListGateEvidence lists the evidence linked to a system or its model
// versions (systemID empty: every system's) with their latest revisions.
func ListGateEvidence(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]GateEvidence, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT l.target_type, l.target_id, e.kind, e.title, r.collected_at, r.expires_at
		FROM evidence_links l
		JOIN evidence e ON e.org_id = l.org_id AND e.id = l.evidence_id
		LEFT JOIN evidence_revisions r ON r.evidence_id = e.id
			AND r.number = (SELECT MAX(number) FROM evidence_revisions x WHERE x.evidence_id = e.id)
		WHERE l.org_id = $1 AND (
			(l.target_type = 'ai_system' AND ($2 = '' OR l.target_id = $2)) OR
			(l.target_type = 'model_version' AND ($2 = '' OR l.target_id IN
				(SELECT id FROM model_versions WHERE org_id = $1 AND system_id = $2))))`, scope.OrgID(), systemID)
	if err != nil {
		return nil, fmt.Errorf("evidence of gates: %w", mapError(err))
	}
	defer rows.Close()
	var out []GateEvidence
	for rows.Next() {
		var g GateEvidence
		var collected, expires sql.NullTime
		var target string
		if err := rows.Scan(&target, &g.TargetID, &g.Kind, &g.Title, &collected, &expires); err != nil {
			return nil, fmt.Errorf("evidence of gates: %w", err)
		}
		g.TargetType = aims.EvidenceTarget(target)
		if collected.Valid {
			t := collected.Time.UTC()
			g.CollectedAt = &t
		}
		if expires.Valid {
			t := expires.Time.UTC()
			g.ExpiresAt = &t
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// GateDefinitionRow is an organization's own definition of a gate, its
// checks as JSON (package gate reads them).
type GateDefinitionRow struct {
	ID        string          `json:"id"`
	Gate      string          `json:"gate"`
	Checks    json.RawMessage `json:"checks"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// AuditLabel names the definition in the audit trail.
func (g *GateDefinitionRow) AuditLabel() string { return g.Gate }

// FindGateDefinitions lists the organization's own gate definitions.
func FindGateDefinitions(ctx context.Context, q Querier, scope aims.Scope) ([]GateDefinitionRow, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT id, gate, checks, updated_at FROM gate_definitions WHERE org_id = $1 ORDER BY gate`, scope.OrgID())
	if err != nil {
		return nil, fmt.Errorf("find gate definitions: %w", mapError(err))
	}
	defer rows.Close()
	var out []GateDefinitionRow
	for rows.Next() {
		var g GateDefinitionRow
		var checks string
		if err := rows.Scan(&g.ID, &g.Gate, &checks, &g.UpdatedAt); err != nil {
			return nil, fmt.Errorf("find gate definitions: %w", err)
		}
		g.Checks, g.UpdatedAt = json.RawMessage(checks), g.UpdatedAt.UTC()
		out = append(out, g)
	}
	return out, rows.Err()
}

// PutGateDefinition stores the organization's definition of a gate,
// replacing any before it; before is the one replaced or nil.
func PutGateDefinition(ctx context.Context, tx *Tx, scope aims.Scope, before, g *GateDefinitionRow) error {
	g.UpdatedAt, g.ID = tx.now, newID()
	var err error
	if before != nil {
		g.ID = before.ID
		_, err = tx.exec(ctx, `UPDATE gate_definitions SET checks = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`,
			string(g.Checks), g.UpdatedAt, scope.OrgID(), g.ID)
	} else {
		_, err = tx.exec(ctx, `INSERT INTO gate_definitions (id, org_id, gate, checks, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			g.ID, scope.OrgID(), g.Gate, string(g.Checks), g.UpdatedAt)
	}
	if err != nil {
		return fmt.Errorf("store gate definition: %w", mapError(err))
	}
	if before == nil {
		return tx.recordCreate(ctx, scope, EntityGateDefinition, g.ID, g)
	}
	return tx.recordUpdate(ctx, scope, EntityGateDefinition, g.ID, before, g)
}

// DeleteGateDefinition drops the organization's definition of a gate: the
// default applies again.
func DeleteGateDefinition(ctx context.Context, tx *Tx, scope aims.Scope, before *GateDefinitionRow) error {
	if _, err := tx.exec(ctx, `DELETE FROM gate_definitions WHERE org_id = $1 AND gate = $2`, scope.OrgID(), before.Gate); err != nil {
		return fmt.Errorf("delete gate definition: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, EntityGateDefinition, before.ID, before)
}

// ListModelVersionStates lists the model versions of a system (systemID
// empty: of every system) with only their id, system, label and status:
// what the gates' evaluation needs.
func ListModelVersionStates(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]*aims.ModelVersion, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT id, system_id, version, status FROM model_versions
		WHERE org_id = $1 AND ($2 = '' OR system_id = $2) ORDER BY system_id, created_at, id`, scope.OrgID(), systemID)
	if err != nil {
		return nil, fmt.Errorf("list model versions: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.ModelVersion
	for rows.Next() {
		m := &aims.ModelVersion{}
		var status string
		if err := rows.Scan(&m.ID, &m.SystemID, &m.Version, &status); err != nil {
			return nil, fmt.Errorf("list model versions: %w", err)
		}
		m.Status = aims.ModelVersionStatus(status)
		out = append(out, m)
	}
	return out, rows.Err()
}
