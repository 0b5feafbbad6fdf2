package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// objectives is the AI objectives register's table (ISO/IEC 42001 6.2).
var objectives = register{table: "objectives", noun: "objective", entity: aims.EntityObjective}

// CreateObjective adds an objective to the organization in scope.
func CreateObjective(ctx context.Context, tx *Tx, scope aims.Scope, o *aims.Objective) error {
	o.ID = newID()
	o.CreatedAt, o.UpdatedAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO objectives (id, org_id, title, title_key, description, owner_id, comparison, target_value, unit, due_date,
			cadence, resources, evaluation, measure, indicator, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		o.ID, scope.OrgID(), o.Title, nameKey(o.Title), o.Description, o.OwnerID, string(o.Comparison), *o.TargetValue, o.Unit,
		nullDate(o.DueDate), string(o.Cadence), o.Resources, o.Evaluation, string(o.Measure), string(o.Indicator),
		o.CreatedAt, o.UpdatedAt)
	if err != nil {
		return objectiveWriteError(err, o.Title)
	}
	return tx.recordCreate(ctx, scope, aims.EntityObjective, o.ID, o)
}

// objectiveWriteError names the owner when it is not a member; a taken
// title is a conflict on the title.
func objectiveWriteError(err error, title string) error {
	switch {
	case classify(err) == classForeignKey:
		return &aims.Error{Kind: aims.KindInvalid, Message: "the objective's owner is not a member of this organization",
			Fields: []aims.FieldError{{Field: "owner_id", Detail: "is not a member of this organization"}}}
	case isUniqueViolation(err):
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("an objective titled %q already exists", title),
			Fields: []aims.FieldError{{Field: "title", Detail: "is already used by another objective"}}}
	}
	return fmt.Errorf("write objective %q: %w", title, mapError(err))
}

// objectiveColumns and objectiveFrom make objectiveSelect; a list puts its
// count between them. The latest measurement comes with the objective.
const objectiveColumns = `
	SELECT o.id, o.title, o.description, o.owner_id, u.name, o.comparison, o.target_value, o.unit, o.due_date, o.cadence,
		o.resources, o.evaluation, o.measure, o.indicator, o.created_at, o.updated_at,
		m.id, m.measured_at, m.value, m.source, m.inputs, m.evidence, m.note, m.recorded_by, m.met`

const objectiveFrom = `
	FROM objectives o JOIN users u ON u.id = o.owner_id
	LEFT JOIN objective_measurements m ON m.org_id = o.org_id AND m.id = (
		SELECT x.id FROM objective_measurements x WHERE x.org_id = o.org_id AND x.objective_id = o.id
		ORDER BY x.measured_at DESC, x.id DESC LIMIT 1)`

const objectiveSelect = objectiveColumns + objectiveFrom

func scanObjective(sc scanner, extra ...any) (*aims.Objective, error) {
	var o aims.Objective
	var target float64
	var due sql.NullTime
	var comparison, cadence, measure, indicator string
	var mID, mSource, mInputs, mEvidence, mNote, mBy sql.NullString
	var mAt sql.NullTime
	var mValue sql.NullFloat64
	var mMet sql.NullBool
	dest := []any{&o.ID, &o.Title, &o.Description, &o.OwnerID, &o.OwnerName, &comparison, &target, &o.Unit, &due, &cadence,
		&o.Resources, &o.Evaluation, &measure, &indicator, &o.CreatedAt, &o.UpdatedAt,
		&mID, &mAt, &mValue, &mSource, &mInputs, &mEvidence, &mNote, &mBy, &mMet}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	o.TargetValue, o.DueDate = &target, scanDate(due)
	o.Comparison, o.Cadence, o.Measure, o.Indicator = aims.Comparison(comparison), aims.Cadence(cadence),
		aims.MeasureKind(measure), aims.IndicatorName(indicator)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	if mID.Valid {
		m := &aims.Measurement{ID: mID.String, ObjectiveID: o.ID, MeasuredAt: mAt.Time.UTC(), Value: mValue.Float64,
			Source: aims.MeasureKind(mSource.String), Evidence: mEvidence.String, Note: mNote.String, RecordedBy: mBy.String, Met: mMet.Bool}
		if err := decodeList(mInputs.String, &m.Inputs); err != nil {
			return nil, err
		}
		o.Latest = m
	}
	return &o, nil
}

// FindObjectiveByID returns one objective of the organization in scope
// with its latest measurement.
func FindObjectiveByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.Objective, error) {
	o, err := scanObjective(q.queryer().QueryRowContext(ctx, objectiveSelect+` WHERE o.org_id = $1 AND o.id = $2`, scope.OrgID(), id))
	return o, objectives.one(err)
}

// FindObjectives lists the objectives of the organization in scope by due
// date, then title.
func FindObjectives(ctx context.Context, q Querier, scope aims.Scope, f aims.ObjectiveFilter) ([]*aims.Objective, int, error) {
	return findPage(ctx, q, "objectives", objectiveColumns+`
		, (SELECT COUNT(*) FROM objectives c WHERE c.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR c.title_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR c.measure = $3))`+objectiveFrom+`
		WHERE o.org_id = $1
			AND (CAST($2 AS TEXT) IS NULL OR o.title_key LIKE $2 ESCAPE '\')
			AND (CAST($3 AS TEXT) IS NULL OR o.measure = $3)
		`+objectiveOrderOf(f.Sort)+`
		LIMIT $4 OFFSET $5`,
		[]any{scope.OrgID(), likePattern(f.Search), opt(f.Measure)}, f.Page,
		func(sc scanner, total *int) (*aims.Objective, error) { return scanObjective(sc, total) })
}

// objectiveOrder is the ORDER BY of each sort ObjectiveFilter accepts.
var objectiveOrder = map[string]string{
	"due":         `ORDER BY o.due_date, o.title_key, o.id`,
	"-due":        `ORDER BY o.due_date DESC, o.title_key, o.id`,
	"title":       `ORDER BY o.title_key, o.id`,
	"-title":      `ORDER BY o.title_key DESC, o.id DESC`,
	"owner":       `ORDER BY LOWER(u.name), o.due_date, o.title_key, o.id`,
	"-owner":      `ORDER BY LOWER(u.name) DESC, o.due_date, o.title_key, o.id`,
	"updated_at":  `ORDER BY o.updated_at, o.id`,
	"-updated_at": `ORDER BY o.updated_at DESC, o.id DESC`,
}

func objectiveOrderOf(sort string) string {
	if o, ok := objectiveOrder[sort]; ok {
		return o
	}
	return objectiveOrder["due"]
}

// UpdateObjective writes after over before.
func UpdateObjective(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Objective) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE objectives SET title = $1, title_key = $2, description = $3, owner_id = $4, comparison = $5, target_value = $6,
			unit = $7, due_date = $8, cadence = $9, resources = $10, evaluation = $11, measure = $12, indicator = $13, updated_at = $14
		WHERE org_id = $15 AND id = $16`,
		after.Title, nameKey(after.Title), after.Description, after.OwnerID, string(after.Comparison), *after.TargetValue,
		after.Unit, nullDate(after.DueDate), string(after.Cadence), after.Resources, after.Evaluation, string(after.Measure),
		string(after.Indicator), after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return objectiveWriteError(err, after.Title)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("objective")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityObjective, before.ID, before, after)
}

// DeleteObjective removes an objective that was never measured.
func DeleteObjective(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Objective) error {
	return objectives.remove(ctx, tx, scope, before, before.ID,
		fmt.Sprintf("objective %q has sealed measurements: they stay on record, so the objective stays too", before.Title))
}

// CreateMeasurement records a measurement of an objective at the
// transaction's time, sealed in the organization's log.
func CreateMeasurement(ctx context.Context, tx *Tx, scope aims.Scope, m *aims.Measurement) error {
	m.ID = newID()
	m.MeasuredAt = tx.now
	m.RecordedBy = scope.Actor().Label
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO objective_measurements (id, org_id, objective_id, measured_at, value, source, inputs, evidence, note, recorded_by, met)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		m.ID, scope.OrgID(), m.ObjectiveID, m.MeasuredAt, m.Value, string(m.Source), encodeList(m.Inputs), m.Evidence, m.Note,
		m.RecordedBy, m.Met)
	if err != nil {
		return fmt.Errorf("record measurement: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityMeasurement, m.ID, m)
}

// FindMeasurements lists the measurements of an objective, oldest first,
// the newest limit of them (0: all).
func FindMeasurements(ctx context.Context, q Querier, scope aims.Scope, objectiveID string, limit int) ([]*aims.Measurement, error) {
	if limit <= 0 {
		limit = aims.MaxLimit
	}
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT id, measured_at, value, source, inputs, evidence, note, recorded_by, met FROM (
			SELECT id, measured_at, value, source, inputs, evidence, note, recorded_by, met
			FROM objective_measurements WHERE org_id = $1 AND objective_id = $2
			ORDER BY measured_at DESC, id DESC LIMIT $3) newest
		ORDER BY measured_at, id`, scope.OrgID(), objectiveID, limit)
	if err != nil {
		return nil, fmt.Errorf("find measurements: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.Measurement{}
	for rows.Next() {
		m := aims.Measurement{ObjectiveID: objectiveID}
		var source, inputs string
		if err := rows.Scan(&m.ID, &m.MeasuredAt, &m.Value, &source, &inputs, &m.Evidence, &m.Note, &m.RecordedBy, &m.Met); err != nil {
			return nil, fmt.Errorf("find measurements: %w", err)
		}
		m.MeasuredAt, m.Source = m.MeasuredAt.UTC(), aims.MeasureKind(source)
		if err := decodeList(inputs, &m.Inputs); err != nil {
			return nil, err
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}

// LockObjective holds the objective for the rest of tx, so that two
// replicas deciding at once whether it is due to be measured take turns
// (SQLite's single writer already serializes them).
func LockObjective(ctx context.Context, tx *Tx, scope aims.Scope, id string) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	var got string
	err := tx.queryRow(ctx, `SELECT id FROM objectives WHERE org_id = $1 AND id = $2 FOR UPDATE`, scope.OrgID(), id).Scan(&got)
	return objectives.one(err)
}
