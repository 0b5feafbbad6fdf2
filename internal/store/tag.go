package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateTag adds a tag to the organization in scope.
func CreateTag(ctx context.Context, tx *Tx, scope aims.Scope, t *aims.Tag) error {
	t.ID = newID()
	t.CreatedAt, t.UpdatedAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO tags (id, org_id, name, name_key, unit, instrument_id, description, quality_caveats, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, scope.OrgID(), t.Name, nameKey(t.Name), t.Unit, nullString(t.InstrumentID), t.Description, t.QualityCaveats,
		t.CreatedAt, t.UpdatedAt)
	if err != nil {
		return tagWriteError(err, t)
	}
	return tx.recordCreate(ctx, scope, aims.EntityTag, t.ID, auditTag(t))
}

func tagWriteError(err error, t *aims.Tag) error {
	switch classify(err) {
	case classUnique:
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("a tag named %q already exists", t.Name),
			Fields: []aims.FieldError{{Field: "name", Detail: "is already used by another tag (names are unique in any case)"}}}
	case classForeignKey:
		return &aims.Error{Kind: aims.KindInvalid, Message: "no such instrument",
			Fields: []aims.FieldError{{Field: "instrument_id", Detail: "no such instrument"}}}
	}
	return fmt.Errorf("write tag %q: %w", t.Name, mapError(err))
}

// auditTag is a tag as the audit trail keeps it: without its users.
func auditTag(t *aims.Tag) *aims.Tag {
	c := *t
	c.Features, c.Datasets = nil, nil
	return &c
}

const tagColumns = `
	SELECT t.id, t.name, t.unit, COALESCE(t.instrument_id, ''), COALESCE(i.name, ''), t.description, t.quality_caveats,
		t.created_at, t.updated_at`

const tagFrom = `
	FROM tags t
	LEFT JOIN instruments i ON i.id = t.instrument_id`

const tagSelect = tagColumns + tagFrom

func scanTag(sc scanner, extra ...any) (*aims.Tag, error) {
	var t aims.Tag
	if err := sc.Scan(append([]any{&t.ID, &t.Name, &t.Unit, &t.InstrumentID, &t.InstrumentName, &t.Description, &t.QualityCaveats,
		&t.CreatedAt, &t.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

// FindTagByID returns one tag of the organization in scope, with the
// features and datasets that use it.
func FindTagByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Tag, error) {
	t, err := scanTag(q.queryer().QueryRowContext(ctx, tagSelect+` WHERE t.org_id = $1 AND t.id = $2`, scope.OrgID(), id))
	if err != nil {
		return nil, notFound(err, "tag")
	}
	if t.Features, err = refs(ctx, q, "features of tag", `SELECT f.id, f.name FROM feature_tags ft JOIN features f ON f.id = ft.feature_id
		WHERE ft.org_id = $1 AND ft.tag_id = $2 ORDER BY f.name_key`, scope.OrgID(), id); err != nil {
		return nil, err
	}
	t.Datasets, err = refs(ctx, q, "datasets of tag", `SELECT d.id, d.name FROM dataset_tags dt JOIN datasets d ON d.id = dt.dataset_id
		WHERE dt.org_id = $1 AND dt.tag_id = $2 ORDER BY d.name_key`, scope.OrgID(), id)
	return t, err
}

// FindTags lists the tags of the organization in scope by name.
func FindTags(ctx context.Context, q Querier, scope aims.Scope, f aims.TagFilter) ([]*aims.Tag, int, error) {
	return findPage(ctx, q, "tags", tagColumns+`, COUNT(*) OVER ()`+tagFrom+`
		WHERE t.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR t.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR t.instrument_id = $3)
		ORDER BY t.name_key, t.id
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), likePattern(f.Query), opt(f.InstrumentID)}, f.Page,
		func(sc scanner, total *int) (*aims.Tag, error) { return scanTag(sc, total) })
}

// EachTag calls fn with every tag of the organization in scope, by name.
func EachTag(ctx context.Context, q Querier, scope aims.Scope, fn func(*aims.Tag) error) error {
	return eachTag(ctx, q, tagSelect+` WHERE t.org_id = $1 ORDER BY t.name_key, t.id`, []any{scope.OrgID()}, fn)
}

func eachTag(ctx context.Context, q Querier, query string, args []any, fn func(*aims.Tag) error) error {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("list tags: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTag(rows)
		if err != nil {
			return fmt.Errorf("list tags: %w", err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindTagsByIDs returns the tags of the organization in scope among ids,
// by id; unknown ids are left out.
func FindTagsByIDs(ctx context.Context, q Querier, scope aims.Scope, ids []string) (map[string]*aims.Tag, error) {
	out := map[string]*aims.Tag{}
	err := eachChunk(ids, func(chunk []string) error {
		return eachTag(ctx, q, tagSelect+` WHERE t.org_id = $1 AND t.id IN (`+marks(2, len(chunk))+`)`,
			append([]any{scope.OrgID()}, anySlice(chunk)...), func(t *aims.Tag) error { out[t.ID] = t; return nil })
	})
	return out, err
}

// FindTagsByNames returns the tags of the organization in scope whose
// names are exactly among names (as decisions name their inputs), by name.
func FindTagsByNames(ctx context.Context, q Querier, scope aims.Scope, names []string) (map[string]*aims.Tag, error) {
	out := map[string]*aims.Tag{}
	err := eachChunk(names, func(chunk []string) error {
		return eachTag(ctx, q, tagSelect+` WHERE t.org_id = $1 AND t.name IN (`+marks(2, len(chunk))+`)`,
			append([]any{scope.OrgID()}, anySlice(chunk)...), func(t *aims.Tag) error { out[t.Name] = t; return nil })
	})
	return out, err
}

// UpdateTag writes after over before.
func UpdateTag(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Tag) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE tags SET name = $1, name_key = $2, unit = $3, instrument_id = $4, description = $5, quality_caveats = $6,
			updated_at = $7
		WHERE org_id = $8 AND id = $9`,
		after.Name, nameKey(after.Name), after.Unit, nullString(after.InstrumentID), after.Description, after.QualityCaveats,
		after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return tagWriteError(err, after)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("tag")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityTag, before.ID, auditTag(before), auditTag(after))
}

// DeleteTag removes a tag that no feature and no dataset uses.
func DeleteTag(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Tag) error {
	var users []string
	if err := collect(ctx, tx, &users, `
		SELECT 'feature ' || f.name FROM feature_tags ft JOIN features f ON f.id = ft.feature_id WHERE ft.org_id = $1 AND ft.tag_id = $2
		UNION ALL
		SELECT 'dataset ' || d.name FROM dataset_tags dt JOIN datasets d ON d.id = dt.dataset_id WHERE dt.org_id = $1 AND dt.tag_id = $2`,
		scope.OrgID(), before.ID); err != nil {
		return fmt.Errorf("delete tag: %w", err)
	}
	if len(users) > 0 {
		return aims.Errorf(aims.KindConflict, "tag %q is used by %s: remove it from them first", before.Name, preview(users))
	}
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM tags WHERE org_id = $1 AND id = $2`, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("delete tag: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, aims.EntityTag, before.ID, auditTag(before))
}
