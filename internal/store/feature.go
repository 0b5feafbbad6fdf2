package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateFeature adds a feature, with the tags it is derived from, to the
// organization in scope. The caller has checked that the tags exist.
func CreateFeature(ctx context.Context, tx *Tx, scope aims.Scope, f *aims.Feature) error {
	f.ID = newID()
	f.CreatedAt, f.UpdatedAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO features (id, org_id, name, name_key, description, transformation, unit, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		f.ID, scope.OrgID(), f.Name, nameKey(f.Name), f.Description, f.Transformation, f.Unit, f.CreatedAt, f.UpdatedAt)
	if err != nil {
		return featureWriteError(err, f)
	}
	if err := writeLinks(ctx, tx, scope, "feature_tags", "feature_id", "tag_id", f.ID, f.Tags, "tags", "tag"); err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityFeature, f.ID, auditFeature(f))
}

func featureWriteError(err error, f *aims.Feature) error {
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("a feature named %q already exists", f.Name),
			Fields: []aims.FieldError{{Field: "name", Detail: "is already used by another feature"}}}
	}
	return fmt.Errorf("write feature %q: %w", f.Name, mapError(err))
}

// auditFeature is a feature as the audit trail keeps it: without its users.
func auditFeature(f *aims.Feature) *aims.Feature {
	c := *f
	c.ModelVersions = nil
	return &c
}

const featureColumns = `
	SELECT f.id, f.name, f.description, f.transformation, f.unit, f.created_at, f.updated_at`

func scanFeature(sc scanner, extra ...any) (*aims.Feature, error) {
	var f aims.Feature
	if err := sc.Scan(append([]any{&f.ID, &f.Name, &f.Description, &f.Transformation, &f.Unit, &f.CreatedAt, &f.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	f.Tags = []aims.LineageRef{}
	return &f, nil
}

// FindFeatureByID returns one feature of the organization in scope, with
// its tags and the model versions that consume it.
func FindFeatureByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Feature, error) {
	f, err := scanFeature(q.queryer().QueryRowContext(ctx, featureColumns+` FROM features f WHERE f.org_id = $1 AND f.id = $2`, scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "feature")
	}
	if err := loadFeatureTags(ctx, q, scope, []*aims.Feature{f}); err != nil {
		return nil, err
	}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT s.id, s.name, mv.id, mv.version
		FROM model_version_features mvf
		JOIN model_versions mv ON mv.id = mvf.model_version_id
		JOIN ai_systems s ON s.id = mv.system_id
		WHERE mvf.org_id = $1 AND mvf.feature_id = $2
		ORDER BY s.name_key, mv.created_at DESC`, scope.OrgID(), id)
	if err != nil {
		return nil, fmt.Errorf("users of feature: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var u aims.FeatureUser
		if err := rows.Scan(&u.SystemID, &u.SystemName, &u.ModelVersionID, &u.Version); err != nil {
			return nil, fmt.Errorf("users of feature: %w", err)
		}
		f.ModelVersions = append(f.ModelVersions, u)
	}
	return f, rows.Err()
}

// FindFeatures lists the features of the organization in scope by name,
// with their tags.
func FindFeatures(ctx context.Context, q Querier, scope aims.Scope, ff aims.FeatureFilter) ([]*aims.Feature, int, error) {
	out, total, err := findPage(ctx, q, "features", featureColumns+`, COUNT(*) OVER () FROM features f
		WHERE f.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR f.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM feature_tags ft WHERE ft.feature_id = f.id AND ft.tag_id = $3))
		ORDER BY f.name_key, f.id
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), likePattern(ff.Query), opt(ff.TagID)}, ff.Page,
		func(sc scanner, total *int) (*aims.Feature, error) { return scanFeature(sc, total) })
	if err != nil {
		return nil, 0, err
	}
	return out, total, loadFeatureTags(ctx, q, scope, out)
}

// EachFeature calls fn with every feature of the organization in scope, by
// name, with its tags.
func EachFeature(ctx context.Context, q Querier, scope aims.Scope, fn func(*aims.Feature) error) error {
	list, err := queryFeatures(ctx, q, featureColumns+` FROM features f WHERE f.org_id = $1 ORDER BY f.name_key, f.id`, scope.OrgID())
	if err != nil {
		return err
	}
	if err := loadFeatureTags(ctx, q, scope, list); err != nil {
		return err
	}
	for _, f := range list {
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// FindFeaturesByIDs returns the features of the organization in scope among
// ids, with their tags, by id; unknown ids are left out.
func FindFeaturesByIDs(ctx context.Context, q Querier, scope aims.Scope, ids []string) (map[string]*aims.Feature, error) {
	out := map[string]*aims.Feature{}
	var all []*aims.Feature
	err := eachChunk(ids, func(chunk []string) error {
		list, err := queryFeatures(ctx, q, featureColumns+` FROM features f WHERE f.org_id = $1 AND f.id IN (`+marks(2, len(chunk))+`)`,
			append([]any{scope.OrgID()}, anySlice(chunk)...)...)
		all = append(all, list...)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, f := range all {
		out[f.ID] = f
	}
	return out, loadFeatureTags(ctx, q, scope, all)
}

func queryFeatures(ctx context.Context, q Querier, query string, args ...any) ([]*aims.Feature, error) {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find features: %w", mapError(err))
	}
	defer rows.Close()
	var out []*aims.Feature
	for rows.Next() {
		f, err := scanFeature(rows)
		if err != nil {
			return nil, fmt.Errorf("find features: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// loadFeatureTags fills in the tags of the given features, in order.
func loadFeatureTags(ctx context.Context, q Querier, scope aims.Scope, list []*aims.Feature) error {
	byID := map[string]*aims.Feature{}
	ids := make([]string, 0, len(list))
	for _, f := range list {
		byID[f.ID] = f
		ids = append(ids, f.ID)
	}
	return eachChunk(ids, func(chunk []string) error {
		rows, err := q.queryer().QueryContext(ctx, `SELECT ft.feature_id, t.id, t.name FROM feature_tags ft JOIN tags t ON t.id = ft.tag_id
			WHERE ft.org_id = $1 AND ft.feature_id IN (`+marks(2, len(chunk))+`) ORDER BY ft.feature_id, ft.position`,
			append([]any{scope.OrgID()}, anySlice(chunk)...)...)
		if err != nil {
			return fmt.Errorf("tags of features: %w", mapError(err))
		}
		defer rows.Close()
		for rows.Next() {
			var fid string
			var r aims.LineageRef
			if err := rows.Scan(&fid, &r.ID, &r.Name); err != nil {
				return fmt.Errorf("tags of features: %w", err)
			}
			byID[fid].Tags = append(byID[fid].Tags, r)
		}
		return rows.Err()
	})
}

// UpdateFeature writes after over before.
func UpdateFeature(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Feature) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE features SET name = $1, name_key = $2, description = $3, transformation = $4, unit = $5, updated_at = $6
		WHERE org_id = $7 AND id = $8`,
		after.Name, nameKey(after.Name), after.Description, after.Transformation, after.Unit, after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return featureWriteError(err, after)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("feature")
	}
	if !sameRefs(before.Tags, after.Tags) {
		if err := writeLinks(ctx, tx, scope, "feature_tags", "feature_id", "tag_id", after.ID, after.Tags, "tags", "tag"); err != nil {
			return err
		}
	}
	return tx.recordUpdate(ctx, scope, aims.EntityFeature, before.ID, auditFeature(before), auditFeature(after))
}

// DeleteFeature removes a feature no model version consumes, with its
// links to tags.
func DeleteFeature(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Feature) error {
	var users []string
	if err := collect(ctx, tx, &users, `
		SELECT s.name || ' ' || mv.version FROM model_version_features mvf
		JOIN model_versions mv ON mv.id = mvf.model_version_id JOIN ai_systems s ON s.id = mv.system_id
		WHERE mvf.org_id = $1 AND mvf.feature_id = $2 ORDER BY s.name_key, mv.version_key`, scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("delete feature: %w", err)
	}
	if len(users) > 0 {
		return aims.Errorf(aims.KindConflict, "model versions consume feature %q (%s): remove it from them first", before.Name, preview(users))
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM feature_tags WHERE org_id = $1 AND feature_id = $2`, scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("delete feature: %w", mapError(err))
	}
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM features WHERE org_id = $1 AND id = $2`, scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("delete feature: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, aims.EntityFeature, before.ID, auditFeature(before))
}
