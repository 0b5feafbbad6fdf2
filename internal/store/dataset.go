package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/aimsproject/aims/internal/aims"
)

// datasets is the dataset register's table.
var datasets = register{table: "datasets", noun: "dataset", entity: aims.EntityDataset}

// CreateDataset adds a dataset to the organization in scope.
func CreateDataset(ctx context.Context, tx *Tx, scope aims.Scope, d *aims.Dataset) error {
	d.ID = newID()
	d.CreatedAt, d.UpdatedAt = tx.now, tx.now
	err := datasets.insert(ctx, tx, d.Name, `
		INSERT INTO datasets (id, org_id, name, name_key, description, origin, collection_method, personal_data,
			licence, quality_notes, window_start, window_end, supplier_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		d.ID, scope.OrgID(), d.Name, nameKey(d.Name), d.Description, d.Origin, d.CollectionMethod, string(d.PersonalData),
		d.Licence, d.QualityNotes, nullDate(d.WindowStart), nullDate(d.WindowEnd), nullString(d.SupplierID), d.CreatedAt, d.UpdatedAt)
	if err != nil {
		return err
	}
	if err := writeDatasetTags(ctx, tx, scope, d); err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityDataset, d.ID, d)
}

func writeDatasetTags(ctx context.Context, tx *Tx, scope aims.Scope, d *aims.Dataset) error {
	return writeLinks(ctx, tx, scope, "dataset_tags", "dataset_id", "tag_id", d.ID, d.Tags, "tags", "tag")
}

// datasetColumns and datasetFrom make datasetSelect; a list puts its count between them.
const datasetColumns = `
	SELECT d.id, d.name, d.description, d.origin, d.collection_method, d.personal_data, d.licence, d.quality_notes,
		d.window_start, d.window_end, COALESCE(d.supplier_id, ''), COALESCE(sp.name, ''), d.created_at, d.updated_at`

const datasetFrom = `
	FROM datasets d
	LEFT JOIN suppliers sp ON sp.id = d.supplier_id`

const datasetSelect = datasetColumns + datasetFrom

func scanDataset(sc interface{ Scan(...any) error }, extra ...any) (*aims.Dataset, error) {
	var d aims.Dataset
	var pd string
	var ws, we sql.NullTime
	dest := []any{&d.ID, &d.Name, &d.Description, &d.Origin, &d.CollectionMethod, &pd, &d.Licence, &d.QualityNotes,
		&ws, &we, &d.SupplierID, &d.SupplierName, &d.CreatedAt, &d.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	d.PersonalData = aims.PersonalData(pd)
	d.WindowStart, d.WindowEnd = scanDate(ws), scanDate(we)
	d.Tags = []aims.LineageRef{}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return &d, nil
}

// FindDatasetByID returns one dataset of the organization in scope, with the
// model versions that use it.
func FindDatasetByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Dataset, error) {
	d, err := scanDataset(q.queryer().QueryRowContext(ctx, datasetSelect+` WHERE d.org_id = $1 AND d.id = $2`, scope.OrgID(), id))
	if err := datasets.one(err); err != nil {
		return nil, err
	}
	if d.Tags, err = refs(ctx, q, "tags of dataset", `SELECT t.id, t.name FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id
		WHERE dt.org_id = $1 AND dt.dataset_id = $2 ORDER BY dt.position`, scope.OrgID(), id); err != nil {
		return nil, err
	}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT s.id, s.name, mv.id, mv.version, du.purpose
		FROM dataset_uses du
		JOIN model_versions mv ON mv.id = du.model_version_id
		JOIN ai_systems s ON s.id = mv.system_id
		WHERE du.org_id = $1 AND du.dataset_id = $2
		ORDER BY s.name_key, mv.created_at DESC, du.purpose`, scope.OrgID(), id)
	if err != nil {
		return nil, fmt.Errorf("users of dataset: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var u aims.DatasetUser
		var purpose string
		if err := rows.Scan(&u.SystemID, &u.SystemName, &u.ModelVersionID, &u.Version, &purpose); err != nil {
			return nil, fmt.Errorf("users of dataset: %w", err)
		}
		u.Purpose = aims.DatasetPurpose(purpose)
		d.UsedBy = append(d.UsedBy, u)
	}
	return d, rows.Err()
}

// FindDatasets lists the datasets of the organization in scope by name.
func FindDatasets(ctx context.Context, q Querier, scope aims.Scope, f aims.DatasetFilter) ([]*aims.Dataset, int, error) {
	out, total, err := findPage(ctx, q, "datasets", datasetColumns+`
		, (SELECT COUNT(*) FROM datasets c WHERE c.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR c.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR c.personal_data = $3)
			AND (CAST($4 AS TEXT) IS NULL OR c.supplier_id = $4))`+datasetFrom+`
		WHERE d.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR d.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR d.personal_data = $3)
			AND (CAST($4 AS TEXT) IS NULL OR d.supplier_id = $4)
		ORDER BY d.name_key, d.id
		LIMIT $5 OFFSET $6`,
		[]any{scope.OrgID(), likePattern(f.Search), opt(f.PersonalData), opt(f.SupplierID)}, f.Page,
		func(sc scanner, total *int) (*aims.Dataset, error) { return scanDataset(sc, total) })
	if err != nil {
		return nil, 0, err
	}
	return out, total, loadDatasetTags(ctx, q, scope, out)
}

// loadDatasetTags fills in the tags of the given datasets, in order.
func loadDatasetTags(ctx context.Context, q Querier, scope aims.Scope, list []*aims.Dataset) error {
	byID := map[string]*aims.Dataset{}
	ids := make([]string, 0, len(list))
	for _, d := range list {
		byID[d.ID] = d
		ids = append(ids, d.ID)
	}
	return eachChunk(ids, func(chunk []string) error {
		rows, err := q.queryer().QueryContext(ctx, `SELECT dt.dataset_id, t.id, t.name FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id
			WHERE dt.org_id = $1 AND dt.dataset_id IN (`+marks(2, len(chunk))+`) ORDER BY dt.dataset_id, dt.position`,
			append([]any{scope.OrgID()}, anySlice(chunk)...)...)
		if err != nil {
			return fmt.Errorf("tags of datasets: %w", mapError(err))
		}
		defer rows.Close()
		for rows.Next() {
			var did string
			var r aims.LineageRef
			if err := rows.Scan(&did, &r.ID, &r.Name); err != nil {
				return fmt.Errorf("tags of datasets: %w", err)
			}
			byID[did].Tags = append(byID[did].Tags, r)
		}
		return rows.Err()
	})
}

// UpdateDataset writes after over before.
func UpdateDataset(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Dataset) error {
	after.UpdatedAt = tx.now
	err := datasets.update(ctx, tx, after.Name, `
		UPDATE datasets SET name = $1, name_key = $2, description = $3, origin = $4, collection_method = $5,
			personal_data = $6, licence = $7, quality_notes = $8, window_start = $9, window_end = $10,
			supplier_id = $11, updated_at = $12
		WHERE org_id = $13 AND id = $14`,
		after.Name, nameKey(after.Name), after.Description, after.Origin, after.CollectionMethod, string(after.PersonalData),
		after.Licence, after.QualityNotes, nullDate(after.WindowStart), nullDate(after.WindowEnd), nullString(after.SupplierID),
		after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	if !sameRefs(before.Tags, after.Tags) {
		if err := writeDatasetTags(ctx, tx, scope, after); err != nil {
			return err
		}
	}
	return tx.recordUpdate(ctx, scope, aims.EntityDataset, before.ID, before, after)
}

// DeleteDataset removes a dataset no model version uses.
func DeleteDataset(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Dataset) error {
	var users []string
	if err := collect(ctx, tx, &users, `SELECT DISTINCT s.name || ' ' || mv.version FROM dataset_uses du
		JOIN model_versions mv ON mv.id = du.model_version_id JOIN ai_systems s ON s.id = mv.system_id
		WHERE du.org_id = $1 AND du.dataset_id = $2`, scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("delete dataset: %w", err)
	}
	if len(users) > 0 {
		slices.Sort(users)
		return aims.Errorf(aims.KindConflict, "model versions use dataset %q (%s): unlink it from them first", before.Name, preview(users))
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM dataset_tags WHERE org_id = $1 AND dataset_id = $2`, scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("delete dataset: %w", mapError(err))
	}
	return datasets.remove(ctx, tx, scope, before, before.ID,
		fmt.Sprintf("model versions use dataset %q: unlink it from them first", before.Name))
}
