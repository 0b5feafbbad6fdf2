package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// Gate re-openings (ISO/IEC 42001 8.1, A.6.2.6): written in the
// transaction of the material change that caused them, sealed like every
// governance record, and read into the authorization state.

const reopeningColumns = `r.id, r.system_id, COALESCE(r.model_version_id, ''), COALESCE(m.version, ''), r.gate, r.cause,
	r.cause_type, r.cause_id, r.cause_label, r.reason, r.affects_impact, r.reopened_at, r.reopened_by,
	r.cleared_at, r.cleared_by, r.cleared_reason`

const reopeningFrom = `
	FROM gate_reopenings r LEFT JOIN model_versions m ON m.org_id = r.org_id AND m.id = r.model_version_id`

func scanReopening(sc scanner, extra ...any) (*aims.GateReopening, error) {
	var r aims.GateReopening
	var gate, cause string
	var cleared sql.NullTime
	if err := sc.Scan(append([]any{&r.ID, &r.SystemID, &r.ModelVersionID, &r.ModelVersion, &gate, &cause,
		&r.CauseType, &r.CauseID, &r.CauseLabel, &r.Reason, &r.AffectsImpact, &r.ReopenedAt, &r.ReopenedBy,
		&cleared, &r.ClearedBy, &r.ClearedReason}, extra...)...); err != nil {
		return nil, err
	}
	r.Gate, r.Cause = aims.Gate(gate), aims.ReopenCause(cause)
	r.ReopenedAt = r.ReopenedAt.UTC()
	r.ClearedAt = scanTime(cleared)
	return &r, nil
}

// CreateGateReopening records that a material change re-opened a gate; r's
// id and time are set here, its re-opener from the scope's actor.
func CreateGateReopening(ctx context.Context, tx *Tx, scope aims.Scope, r *aims.GateReopening) error {
	r.ID = newID()
	r.ReopenedAt = tx.now
	r.ReopenedBy = scope.Actor().UserID
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO gate_reopenings (id, org_id, system_id, model_version_id, gate, cause,
			cause_type, cause_id, cause_label, reason, affects_impact, reopened_at, reopened_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		r.ID, scope.OrgID(), r.SystemID, nullString(r.ModelVersionID), string(r.Gate), string(r.Cause),
		r.CauseType, r.CauseID, r.CauseLabel, r.Reason, r.AffectsImpact, r.ReopenedAt, r.ReopenedBy)
	if err != nil {
		return fmt.Errorf("re-open a gate: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityGateReopening, r.ID, r)
}

// ClearGateReopenings clears the open re-openings of a model version (and
// the system's deployment re-opening its registration made) or, with
// versionID empty, every open re-opening of the system's own gate,
// recording who and why; each clearing is sealed. It returns what it
// cleared (none is no error: a gate pass calls it whether or not anything
// was re-opened).
func ClearGateReopenings(ctx context.Context, tx *Tx, scope aims.Scope, systemID, versionID, by, reason string) ([]*aims.GateReopening, error) {
	open, _, err := FindGateReopenings(ctx, tx, scope, systemID, aims.GateReopeningFilter{OpenOnly: true, Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	var out []*aims.GateReopening
	for _, before := range open {
		mine := before.ModelVersionID == versionID ||
			(versionID != "" && before.ModelVersionID == "" && before.Cause == aims.CauseNewModelVersion && before.CauseID == versionID)
		if !mine {
			continue
		}
		after := *before
		now := tx.now
		after.ClearedAt, after.ClearedBy, after.ClearedReason = &now, by, reason
		if _, err := tx.tx.ExecContext(ctx, `UPDATE gate_reopenings SET cleared_at = $1, cleared_by = $2, cleared_reason = $3
			WHERE org_id = $4 AND id = $5 AND cleared_at IS NULL`, now, by, reason, scope.OrgID(), before.ID); err != nil {
			return nil, fmt.Errorf("clear a re-opened gate: %w", mapError(err))
		}
		if err := tx.recordUpdate(ctx, scope, aims.EntityGateReopening, before.ID, before, &after); err != nil {
			return nil, err
		}
		out = append(out, &after)
	}
	return out, nil
}

// DeleteGateReopeningsOf deletes the re-openings of a model version being
// deleted (registered by mistake) and the one its registration made;
// each deletion is recorded and sealed.
func DeleteGateReopeningsOf(ctx context.Context, tx *Tx, scope aims.Scope, systemID, versionID string) error {
	all, _, err := FindGateReopenings(ctx, tx, scope, systemID, aims.GateReopeningFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return err
	}
	for _, r := range all {
		if r.ModelVersionID != versionID && (r.CauseType != aims.EntityModelVersion || r.CauseID != versionID) {
			continue
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM gate_reopenings WHERE org_id = $1 AND id = $2`, scope.OrgID(), r.ID); err != nil {
			return fmt.Errorf("delete a gate re-opening: %w", mapError(err))
		}
		if err := tx.recordDelete(ctx, scope, aims.EntityGateReopening, r.ID, r); err != nil {
			return err
		}
	}
	return nil
}

// FindGateReopenings lists a system's re-openings, newest first; the
// filter narrows them to one model version (or, with no version, all) and
// to the open ones.
func FindGateReopenings(ctx context.Context, q Querier, scope aims.Scope, systemID string, f aims.GateReopeningFilter) ([]*aims.GateReopening, int, error) {
	return findPage(ctx, q, "gate re-openings", `
		SELECT `+reopeningColumns+`, COUNT(*) OVER ()`+reopeningFrom+`
		WHERE r.org_id = $1 AND r.system_id = $2 AND ($3 = '' OR r.model_version_id = $3) AND (NOT $4 OR r.cleared_at IS NULL)
		ORDER BY r.reopened_at DESC, r.id DESC
		LIMIT $5 OFFSET $6`, []any{scope.OrgID(), systemID, f.ModelVersionID, f.OpenOnly}, f.Page,
		func(sc scanner, total *int) (*aims.GateReopening, error) { return scanReopening(sc, total) })
}

// FindOpenGateReopenings lists the open re-openings of the systems ownerID
// owns, newest first, with the systems' names ("my work").
func FindOpenGateReopenings(ctx context.Context, q Querier, scope aims.Scope, ownerID string) ([]*aims.GateReopening, error) {
	rows, err := q.queryer().QueryContext(ctx, `SELECT `+reopeningColumns+`, s.name`+reopeningFrom+`
		JOIN ai_systems s ON s.org_id = r.org_id AND s.id = r.system_id
		WHERE r.org_id = $1 AND r.cleared_at IS NULL AND s.owner_id = $2 ORDER BY r.reopened_at DESC, r.id DESC`, scope.OrgID(), ownerID)
	if err != nil {
		return nil, fmt.Errorf("read gate re-openings: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.GateReopening
	for rows.Next() {
		var name string
		r, err := scanReopening(rows, &name)
		if err != nil {
			return nil, fmt.Errorf("read gate re-openings: %w", err)
		}
		r.SystemName = name
		out = append(out, r)
	}
	return out, rows.Err()
}

// FindImpactReopenings lists the re-openings of the organization's systems
// that make an impact assessment out of date when they came after its
// sign-off (systemID empty: every system), by system.
func FindImpactReopenings(ctx context.Context, q Querier, scope aims.Scope, systemID string) (map[string][]*aims.GateReopening, error) {
	list, err := queryReopenings(ctx, q, `SELECT `+reopeningColumns+reopeningFrom+`
		WHERE r.org_id = $1 AND ($2 = '' OR r.system_id = $2) AND r.affects_impact
		ORDER BY r.reopened_at, r.id`, scope.OrgID(), systemID)
	if err != nil {
		return nil, err
	}
	out := map[string][]*aims.GateReopening{}
	for _, r := range list {
		out[r.SystemID] = append(out[r.SystemID], r)
	}
	return out, nil
}

func queryReopenings(ctx context.Context, q Querier, query string, args ...any) ([]*aims.GateReopening, error) {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read gate re-openings: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.GateReopening
	for rows.Next() {
		r, err := scanReopening(rows)
		if err != nil {
			return nil, fmt.Errorf("read gate re-openings: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DatasetDependents lists the model versions that use a dataset, with the
// purpose of each use.
func DatasetDependents(ctx context.Context, q Querier, scope aims.Scope, datasetID string) ([]aims.DependentVersion, error) {
	return queryDependents(ctx, q, `SELECT m.id, m.version, m.system_id, m.status, u.purpose
		FROM dataset_uses u JOIN model_versions m ON m.org_id = u.org_id AND m.id = u.model_version_id
		WHERE u.org_id = $1 AND u.dataset_id = $2 ORDER BY m.system_id, m.version, u.purpose`, scope.OrgID(), datasetID)
}

// FeatureDependents lists the model versions that consume a feature.
func FeatureDependents(ctx context.Context, q Querier, scope aims.Scope, featureID string) ([]aims.DependentVersion, error) {
	return queryDependents(ctx, q, `SELECT m.id, m.version, m.system_id, m.status, ''
		FROM model_version_features f JOIN model_versions m ON m.org_id = f.org_id AND m.id = f.model_version_id
		WHERE f.org_id = $1 AND f.feature_id = $2 ORDER BY m.system_id, m.version`, scope.OrgID(), featureID)
}

// InstrumentDependents lists the model versions that consume a feature
// derived from a tag the instrument produces.
func InstrumentDependents(ctx context.Context, q Querier, scope aims.Scope, instrumentID string) ([]aims.DependentVersion, error) {
	return queryDependents(ctx, q, `SELECT DISTINCT m.id, m.version, m.system_id, m.status, ''
		FROM tags t
		JOIN feature_tags ft ON ft.org_id = t.org_id AND ft.tag_id = t.id
		JOIN model_version_features f ON f.org_id = ft.org_id AND f.feature_id = ft.feature_id
		JOIN model_versions m ON m.org_id = f.org_id AND m.id = f.model_version_id
		WHERE t.org_id = $1 AND t.instrument_id = $2 ORDER BY m.system_id, m.version`, scope.OrgID(), instrumentID)
}

// SystemDependents lists the model versions of a system.
func SystemDependents(ctx context.Context, q Querier, scope aims.Scope, systemID string) ([]aims.DependentVersion, error) {
	return queryDependents(ctx, q, `SELECT m.id, m.version, m.system_id, m.status, ''
		FROM model_versions m WHERE m.org_id = $1 AND m.system_id = $2 ORDER BY m.version`, scope.OrgID(), systemID)
}

func queryDependents(ctx context.Context, q Querier, query string, args ...any) ([]aims.DependentVersion, error) {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find dependent model versions: %w", mapError(err))
	}
	defer rows.Close()
	var out []aims.DependentVersion
	for rows.Next() {
		var d aims.DependentVersion
		var status, purpose string
		if err := rows.Scan(&d.ModelVersionID, &d.Version, &d.SystemID, &status, &purpose); err != nil {
			return nil, fmt.Errorf("find dependent model versions: %w", err)
		}
		d.Status, d.Purpose = aims.ModelVersionStatus(status), aims.DatasetPurpose(purpose)
		out = append(out, d)
	}
	return out, rows.Err()
}
