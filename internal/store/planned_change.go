package store

import (
	"context"
	"database/sql"

	"github.com/aimsproject/aims/internal/aims"
)

// plannedChanges is the register of planned changes to the AIMS (ISO/IEC 42001 6.3).
var plannedChanges = register{table: "planned_changes", noun: "planned change", entity: aims.EntityPlannedChange, field: "title"}

// CreatePlannedChange adds a change to the organization in scope.
func CreatePlannedChange(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.PlannedChange) error {
	c.ID = newID()
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	err := plannedChanges.insert(ctx, tx, c.Title, `
		INSERT INTO planned_changes (id, org_id, title, name_key, purpose, consequences, resources, responsible_id, target_date,
			status, completed_on, completion_note, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		c.ID, scope.OrgID(), c.Title, nameKey(c.Title), c.Purpose, c.Consequences, c.Resources, nullString(c.ResponsibleID),
		nullDate(c.TargetDate), string(c.Status), nullDate(c.CompletedOn), c.CompletionNote, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityPlannedChange, c.ID, c)
}

const plannedChangeColumns = `
	SELECT pc.id, pc.title, pc.purpose, pc.consequences, pc.resources, COALESCE(pc.responsible_id, ''), COALESCE(u.name, ''),
		pc.target_date, pc.status, pc.completed_on, pc.completion_note, pc.created_at, pc.updated_at`

const plannedChangeFrom = `
	FROM planned_changes pc
	LEFT JOIN users u ON u.id = pc.responsible_id`

func scanPlannedChange(sc scanner, extra ...any) (*aims.PlannedChange, error) {
	var c aims.PlannedChange
	var status string
	var target, completed sql.NullTime
	dest := []any{&c.ID, &c.Title, &c.Purpose, &c.Consequences, &c.Resources, &c.ResponsibleID, &c.ResponsibleName,
		&target, &status, &completed, &c.CompletionNote, &c.CreatedAt, &c.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.Status = aims.ChangeStatus(status)
	c.TargetDate, c.CompletedOn = scanDate(target), scanDate(completed)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// FindPlannedChangeByID returns one change of the organization in scope.
func FindPlannedChangeByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.PlannedChange, error) {
	c, err := scanPlannedChange(q.queryer().QueryRowContext(ctx, plannedChangeColumns+plannedChangeFrom+
		` WHERE pc.org_id = $1 AND pc.id = $2`, scope.OrgID(), id))
	return c, plannedChanges.one(err)
}

// FindPlannedChanges lists the changes of the organization in scope, open
// ones first, each by target date.
func FindPlannedChanges(ctx context.Context, q Querier, scope aims.Scope, f aims.PlannedChangeFilter) ([]*aims.PlannedChange, int, error) {
	return findPage(ctx, q, "planned changes", plannedChangeColumns+`
		, (SELECT COUNT(*) FROM planned_changes c WHERE c.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR c.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR c.status = $3))`+plannedChangeFrom+`
		WHERE pc.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR pc.name_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR pc.status = $3)
		`+registerOrder("pc", f.Sort, `CASE WHEN pc.status IN ('completed', 'cancelled') THEN 1 ELSE 0 END, pc.target_date IS NULL, pc.target_date,
			pc.name_key, pc.id`, map[string]string{
		"target":  `pc.target_date IS NULL, pc.target_date, pc.name_key, pc.id`,
		"-target": `pc.target_date IS NULL, pc.target_date DESC, pc.name_key, pc.id`,
	})+`
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), likePattern(f.Search), opt(f.Status)}, f.Page,
		func(sc scanner, total *int) (*aims.PlannedChange, error) { return scanPlannedChange(sc, total) })
}

// UpdatePlannedChange writes after over before.
func UpdatePlannedChange(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.PlannedChange) error {
	after.UpdatedAt = tx.now
	err := plannedChanges.update(ctx, tx, after.Title, `
		UPDATE planned_changes SET title = $1, name_key = $2, purpose = $3, consequences = $4, resources = $5,
			responsible_id = $6, target_date = $7, status = $8, completed_on = $9, completion_note = $10, updated_at = $11
		WHERE org_id = $12 AND id = $13`,
		after.Title, nameKey(after.Title), after.Purpose, after.Consequences, after.Resources, nullString(after.ResponsibleID),
		nullDate(after.TargetDate), string(after.Status), nullDate(after.CompletedOn), after.CompletionNote, after.UpdatedAt,
		scope.OrgID(), before.ID)
	if err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityPlannedChange, before.ID, before, after)
}

// DeletePlannedChange removes a change.
func DeletePlannedChange(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.PlannedChange) error {
	return plannedChanges.remove(ctx, tx, scope, before, before.ID, "the planned change is still referenced")
}
