package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateModelVersion registers a model version of a system; the registering
// user is the actor in scope.
func CreateModelVersion(ctx context.Context, tx *Tx, scope aims.Scope, m *aims.ModelVersion) error {
	m.ID = newID()
	m.CreatedAt, m.UpdatedAt, m.StatusChangedAt = tx.now, tx.now, tx.now
	m.RegisteredBy = scope.Actor().UserID
	stampStatus(m, tx)
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO model_versions (id, org_id, system_id, version, version_key, digest, source_uri, training_data_summary,
			status, notes, registered_by, created_at, updated_at, status_changed_at, deployed_at, retired_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		m.ID, scope.OrgID(), m.SystemID, m.Version, nameKey(m.Version), m.Digest, m.SourceURI, m.TrainingDataSummary,
		string(m.Status), m.Notes, nullString(m.RegisteredBy), m.CreatedAt, m.UpdatedAt, m.StatusChangedAt,
		optTime(m.DeployedAt), optTime(m.RetiredAt))
	if err != nil {
		return modelVersionWriteError(err, m)
	}
	if err := writeDatasetUses(ctx, tx, scope, m); err != nil {
		return err
	}
	if err := writeModelVersionFeatures(ctx, tx, scope, m); err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityModelVersion, m.ID, m)
}

// stampStatus sets the deployed and retired times when the status reaches
// them for the first time.
func stampStatus(m *aims.ModelVersion, tx *Tx) {
	now := tx.now
	if m.Status == aims.ModelDeployed && m.DeployedAt == nil {
		m.DeployedAt = &now
	}
	if m.Status == aims.ModelRetired && m.RetiredAt == nil {
		m.RetiredAt = &now
	}
}

func modelVersionWriteError(err error, m *aims.ModelVersion) error {
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("this system already has a model version %q", m.Version),
			Fields: []aims.FieldError{{Field: "version", Detail: "is already registered for this system"}}}
	}
	return fmt.Errorf("write model version %q: %w", m.Version, mapError(err))
}

func writeDatasetUses(ctx context.Context, tx *Tx, scope aims.Scope, m *aims.ModelVersion) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM dataset_uses WHERE org_id = $1 AND model_version_id = $2`, scope.OrgID(), m.ID); err != nil {
		return fmt.Errorf("write datasets of model version: %w", mapError(err))
	}
	for i, d := range m.Datasets {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO dataset_uses (org_id, model_version_id, dataset_id, purpose) VALUES ($1, $2, $3, $4)`,
			scope.OrgID(), m.ID, d.DatasetID, string(d.Purpose))
		if classify(err) == classForeignKey {
			return &aims.Error{Kind: aims.KindInvalid, Message: "a linked dataset does not exist",
				Fields: []aims.FieldError{{Field: fmt.Sprintf("datasets/%d/dataset_id", i), Detail: "no such dataset"}}}
		}
		if err != nil {
			return fmt.Errorf("write datasets of model version: %w", mapError(err))
		}
	}
	return nil
}

func writeModelVersionFeatures(ctx context.Context, tx *Tx, scope aims.Scope, m *aims.ModelVersion) error {
	return writeLinks(ctx, tx, scope, "model_version_features", "model_version_id", "feature_id", m.ID, m.Features, "features", "feature")
}

// modelVersionColumns and modelVersionFrom make modelVersionSelect; a list puts its count between them.
const modelVersionColumns = `
	SELECT mv.id, mv.system_id, mv.version, mv.digest, mv.source_uri, mv.training_data_summary, mv.status, mv.notes,
		COALESCE(mv.registered_by, ''), COALESCE(u.name, ''), mv.created_at, mv.updated_at, mv.status_changed_at,
		mv.deployed_at, mv.retired_at`

const modelVersionFrom = `
	FROM model_versions mv
	LEFT JOIN users u ON u.id = mv.registered_by`

const modelVersionSelect = modelVersionColumns + modelVersionFrom

func scanModelVersion(sc interface{ Scan(...any) error }, extra ...any) (*aims.ModelVersion, error) {
	var m aims.ModelVersion
	var status string
	var dep, ret sql.NullTime
	dest := []any{&m.ID, &m.SystemID, &m.Version, &m.Digest, &m.SourceURI, &m.TrainingDataSummary, &status, &m.Notes,
		&m.RegisteredBy, &m.RegisteredByName, &m.CreatedAt, &m.UpdatedAt, &m.StatusChangedAt, &dep, &ret}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	m.Status = aims.ModelVersionStatus(status)
	m.CreatedAt, m.UpdatedAt, m.StatusChangedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC(), m.StatusChangedAt.UTC()
	m.DeployedAt, m.RetiredAt = scanTime(dep), scanTime(ret)
	m.Datasets = []aims.DatasetUse{}
	m.Features = []aims.LineageRef{}
	m.Approvals = []aims.ModelVersionApproval{}
	return &m, nil
}

// FindModelVersionByID returns one model version of a system in scope.
func FindModelVersionByID(ctx context.Context, q Querier, scope aims.Scope, systemID, id string) (*aims.ModelVersion, error) {
	m, err := scanModelVersion(q.queryer().QueryRowContext(ctx, modelVersionSelect+`
		WHERE mv.org_id = $1 AND mv.system_id = $2 AND mv.id = $3`, scope.OrgID(), systemID, id))
	if err != nil {
		return nil, notFound(err, "model version")
	}
	byID := map[string]*aims.ModelVersion{m.ID: m}
	if err := loadDatasetUses(ctx, q, scope, systemID, byID); err != nil {
		return nil, err
	}
	if err := loadModelVersionFeatures(ctx, q, scope, systemID, byID); err != nil {
		return nil, err
	}
	if err := loadModelVersionApprovals(ctx, q, scope, systemID, byID); err != nil {
		return nil, err
	}
	return m, nil
}

// FindModelVersions lists the model versions of a system, newest first.
func FindModelVersions(ctx context.Context, q Querier, scope aims.Scope, systemID string, f aims.ModelVersionFilter) ([]*aims.ModelVersion, int, error) {
	out, total, err := findPage(ctx, q, "model versions", modelVersionColumns+`
		, (SELECT COUNT(*) FROM model_versions c WHERE c.org_id = $1 AND c.system_id = $2
			AND (CAST($3 AS TEXT) IS NULL OR c.status = $3))`+modelVersionFrom+`
		WHERE mv.org_id = $1 AND mv.system_id = $2 AND (CAST($3 AS TEXT) IS NULL OR mv.status = $3)
		ORDER BY mv.created_at DESC, mv.id DESC
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), systemID, opt(f.Status)}, f.Page,
		func(sc scanner, total *int) (*aims.ModelVersion, error) { return scanModelVersion(sc, total) })
	if err != nil {
		return nil, 0, err
	}
	byID := map[string]*aims.ModelVersion{}
	for _, m := range out {
		byID[m.ID] = m
	}
	if err := loadDatasetUses(ctx, q, scope, systemID, byID); err != nil {
		return nil, 0, err
	}
	if err := loadModelVersionFeatures(ctx, q, scope, systemID, byID); err != nil {
		return nil, 0, err
	}
	return out, total, loadModelVersionApprovals(ctx, q, scope, systemID, byID)
}

// loadDatasetUses fills in the datasets of the given model versions of one
// system, in one query.
func loadDatasetUses(ctx context.Context, q Querier, scope aims.Scope, systemID string, byID map[string]*aims.ModelVersion) error {
	if len(byID) == 0 {
		return nil
	}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT du.model_version_id, du.dataset_id, d.name, du.purpose
		FROM dataset_uses du
		JOIN model_versions mv ON mv.id = du.model_version_id
		JOIN datasets d ON d.id = du.dataset_id
		WHERE du.org_id = $1 AND mv.system_id = $2
		ORDER BY d.name_key, du.purpose`, scope.OrgID(), systemID)
	if err != nil {
		return fmt.Errorf("datasets of model versions: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var mvID, purpose string
		var u aims.DatasetUse
		if err := rows.Scan(&mvID, &u.DatasetID, &u.DatasetName, &purpose); err != nil {
			return fmt.Errorf("datasets of model versions: %w", err)
		}
		u.Purpose = aims.DatasetPurpose(purpose)
		if m := byID[mvID]; m != nil {
			m.Datasets = append(m.Datasets, u)
		}
	}
	return rows.Err()
}

// loadModelVersionFeatures fills in the features of the given model
// versions of one system, in one query.
func loadModelVersionFeatures(ctx context.Context, q Querier, scope aims.Scope, systemID string, byID map[string]*aims.ModelVersion) error {
	if len(byID) == 0 {
		return nil
	}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT mvf.model_version_id, f.id, f.name
		FROM model_version_features mvf
		JOIN model_versions mv ON mv.id = mvf.model_version_id
		JOIN features f ON f.id = mvf.feature_id
		WHERE mvf.org_id = $1 AND mv.system_id = $2
		ORDER BY mvf.model_version_id, mvf.position`, scope.OrgID(), systemID)
	if err != nil {
		return fmt.Errorf("features of model versions: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var mvID string
		var r aims.LineageRef
		if err := rows.Scan(&mvID, &r.ID, &r.Name); err != nil {
			return fmt.Errorf("features of model versions: %w", err)
		}
		if m := byID[mvID]; m != nil {
			m.Features = append(m.Features, r)
		}
	}
	return rows.Err()
}

// UpdateModelVersion writes after over before, which the caller read in the
// same transaction.
func UpdateModelVersion(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.ModelVersion) error {
	after.UpdatedAt = tx.now
	if after.Status != before.Status {
		after.StatusChangedAt = tx.now
		stampStatus(after, tx)
	}
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE model_versions SET version = $1, version_key = $2, digest = $3, source_uri = $4,
			training_data_summary = $5, status = $6, notes = $7, updated_at = $8, status_changed_at = $9,
			deployed_at = $10, retired_at = $11
		WHERE org_id = $12 AND id = $13`,
		after.Version, nameKey(after.Version), after.Digest, after.SourceURI, after.TrainingDataSummary,
		string(after.Status), after.Notes, after.UpdatedAt, after.StatusChangedAt, optTime(after.DeployedAt),
		optTime(after.RetiredAt), scope.OrgID(), before.ID)
	if err != nil {
		return modelVersionWriteError(err, after)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("model version")
	}
	if !sameDatasets(before.Datasets, after.Datasets) {
		if err := writeDatasetUses(ctx, tx, scope, after); err != nil {
			return err
		}
	}
	if !sameRefs(before.Features, after.Features) {
		if err := writeModelVersionFeatures(ctx, tx, scope, after); err != nil {
			return err
		}
	}
	return tx.recordUpdate(ctx, scope, aims.EntityModelVersion, before.ID, before, after)
}

func sameDatasets(a, b []aims.DatasetUse) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(us []aims.DatasetUse) string {
		var sb strings.Builder
		for _, u := range us {
			sb.WriteString(u.DatasetID + "/" + string(u.Purpose) + ";")
		}
		return sb.String()
	}
	return key(a) == key(b)
}

// DeleteModelVersion removes a model version and its dataset and feature
// links. Records
// of later capabilities that link to it (decisions, evidence) make the
// database refuse, which is reported as a conflict.
func DeleteModelVersion(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.ModelVersion) error {
	for _, table := range []string{"dataset_uses", "model_version_features", "model_version_approvals"} {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE org_id = $1 AND model_version_id = $2`, scope.OrgID(), before.ID); err != nil {
			return fmt.Errorf("delete model version: %w", mapError(err))
		}
	}
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM model_versions WHERE org_id = $1 AND id = $2`, scope.OrgID(), before.ID)
	if classify(err) == classForeignKey {
		return aims.Errorf(aims.KindConflict, "other records link to model version %q: set its status to retired instead", before.Version)
	}
	if err != nil {
		return fmt.Errorf("delete model version: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, aims.EntityModelVersion, before.ID, before)
}
