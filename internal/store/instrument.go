package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateInstrument adds an instrument to the organization in scope.
func CreateInstrument(ctx context.Context, tx *Tx, scope aims.Scope, in *aims.Instrument) error {
	in.ID = newID()
	in.CreatedAt, in.UpdatedAt = tx.now, tx.now
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO instruments (id, org_id, name, name_key, kind, description, location, manufacturer, serial_number,
			calibration_required, calibration_interval_days, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		in.ID, scope.OrgID(), in.Name, nameKey(in.Name), string(in.Kind), in.Description, in.Location, in.Manufacturer,
		in.SerialNumber, in.CalibrationRequired, in.CalibrationIntervalDays, in.CreatedAt, in.UpdatedAt)
	if err != nil {
		return instrumentWriteError(err, in)
	}
	in.CalibrationState = initialState(in)
	return tx.recordCreate(ctx, scope, aims.EntityInstrument, in.ID, in)
}

// initialState is the calibration state of an instrument without records.
func initialState(in *aims.Instrument) aims.CalibrationState {
	if !in.CalibrationRequired {
		return aims.CalibrationNotRequired
	}
	return aims.CalibrationNever
}

func instrumentWriteError(err error, in *aims.Instrument) error {
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: fmt.Sprintf("an instrument named %q already exists", in.Name),
			Fields: []aims.FieldError{{Field: "name", Detail: "is already used by another instrument"}}}
	}
	return fmt.Errorf("write instrument %q: %w", in.Name, mapError(err))
}

// calibrationVouchesAt holds when calibration c vouches for its instrument
// at $2: passed or adjusted, valid then, and not cut short by a failed
// check between its start and $2 (rules.Vouched).
const calibrationVouchesAt = `c.result IN ('passed', 'adjusted') AND c.valid_from <= $2 AND c.valid_to > $2
	AND NOT EXISTS (SELECT 1 FROM calibrations f WHERE f.org_id = c.org_id AND f.instrument_id = c.instrument_id
		AND f.result = 'failed' AND f.valid_from > c.valid_from AND f.valid_from <= $2)`

// instrumentState computes an instrument's calibration state at $2 (see
// aims.CalibrationState); the query names the instrument i.
const instrumentState = `
	CASE WHEN NOT i.calibration_required THEN 'not_required'
		WHEN EXISTS (SELECT 1 FROM calibrations c WHERE c.org_id = i.org_id AND c.instrument_id = i.id
			AND ` + calibrationVouchesAt + `) THEN 'in_calibration'
		WHEN EXISTS (SELECT 1 FROM calibrations c WHERE c.org_id = i.org_id AND c.instrument_id = i.id) THEN 'out_of_calibration'
		ELSE 'never_calibrated' END`

// instrumentInner selects the instruments of org $1 with their state at $2.
const instrumentInner = `
	SELECT i.id, i.name, i.name_key, i.kind, i.description, i.location, i.manufacturer, i.serial_number,
		i.calibration_required, i.calibration_interval_days, i.created_at, i.updated_at, ` + instrumentState + ` AS state
	FROM instruments i WHERE i.org_id = $1`

const instrumentColumns = `x.id, x.name, x.kind, x.description, x.location, x.manufacturer, x.serial_number,
	x.calibration_required, x.calibration_interval_days, x.created_at, x.updated_at, x.state`

func scanInstrument(sc scanner, extra ...any) (*aims.Instrument, error) {
	var in aims.Instrument
	var kind, state string
	if err := sc.Scan(append([]any{&in.ID, &in.Name, &kind, &in.Description, &in.Location, &in.Manufacturer, &in.SerialNumber,
		&in.CalibrationRequired, &in.CalibrationIntervalDays, &in.CreatedAt, &in.UpdatedAt, &state}, extra...)...); err != nil {
		return nil, err
	}
	in.Kind, in.CalibrationState = aims.InstrumentKind(kind), aims.CalibrationState(state)
	in.CreatedAt, in.UpdatedAt = in.CreatedAt.UTC(), in.UpdatedAt.UTC()
	return &in, nil
}

// FindInstrumentByID returns one instrument of the organization in scope,
// with its state and calibration in force at now, and the tags it produces.
func FindInstrumentByID(ctx context.Context, q Querier, scope aims.Scope, id string, now time.Time) (*aims.Instrument, error) {
	in, err := scanInstrument(q.queryer().QueryRowContext(ctx, `SELECT `+instrumentColumns+` FROM (`+instrumentInner+` AND i.id = $3) x`,
		scope.OrgID(), now.UTC(), id))
	if err != nil {
		return nil, notFound(err, "instrument")
	}
	if err := loadCurrentCalibrations(ctx, q, scope, []*aims.Instrument{in}, now); err != nil {
		return nil, err
	}
	in.Tags, err = refs(ctx, q, "tags of instrument", `SELECT id, name FROM tags WHERE org_id = $1 AND instrument_id = $2 ORDER BY name_key`,
		scope.OrgID(), id)
	return in, err
}

// FindInstruments lists the instruments of the organization in scope by
// name, with their state at now.
func FindInstruments(ctx context.Context, q Querier, scope aims.Scope, f aims.InstrumentFilter, now time.Time) ([]*aims.Instrument, int, error) {
	out, total, err := findPage(ctx, q, "instruments", `
		SELECT `+instrumentColumns+`, COUNT(*) OVER () FROM (`+instrumentInner+`
			AND (CAST($3 AS TEXT) IS NULL OR i.name_key LIKE $3 ESCAPE '\')
			AND (CAST($4 AS TEXT) IS NULL OR i.kind = $4)) x
		WHERE (CAST($5 AS TEXT) IS NULL OR x.state = $5)
		ORDER BY x.name_key, x.id
		LIMIT $6 OFFSET $7`,
		[]any{scope.OrgID(), now.UTC(), likePattern(f.Query), opt(f.Kind), opt(f.State)}, f.Page,
		func(sc scanner, total *int) (*aims.Instrument, error) { return scanInstrument(sc, total) })
	if err != nil {
		return nil, 0, err
	}
	return out, total, loadCurrentCalibrations(ctx, q, scope, out, now)
}

// EachInstrument calls fn with every instrument of the organization in
// scope, by name, with its state at now (exports and imports).
func EachInstrument(ctx context.Context, q Querier, scope aims.Scope, now time.Time, fn func(*aims.Instrument) error) error {
	rows, err := q.queryer().QueryContext(ctx, `SELECT `+instrumentColumns+` FROM (`+instrumentInner+`) x ORDER BY x.name_key, x.id`,
		scope.OrgID(), now.UTC())
	if err != nil {
		return fmt.Errorf("list instruments: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		in, err := scanInstrument(rows)
		if err != nil {
			return fmt.Errorf("list instruments: %w", err)
		}
		if err := fn(in); err != nil {
			return err
		}
	}
	return rows.Err()
}

// loadCurrentCalibrations sets the calibration in force at now of each
// instrument in scope (the one valid longest, when several are).
func loadCurrentCalibrations(ctx context.Context, q Querier, scope aims.Scope, list []*aims.Instrument, now time.Time) error {
	byID := map[string]*aims.Instrument{}
	var ids []string
	for _, in := range list {
		if in.CalibrationState == aims.CalibrationIn {
			byID[in.ID] = in
			ids = append(ids, in.ID)
		}
	}
	return eachChunk(ids, func(chunk []string) error {
		args := []any{scope.OrgID(), now.UTC()}
		rows, err := q.queryer().QueryContext(ctx, `SELECT `+calibrationColumns+` FROM calibrations c JOIN instruments i ON i.id = c.instrument_id
			WHERE c.org_id = $1 AND `+calibrationVouchesAt+`
				AND c.instrument_id IN (`+marks(3, len(chunk))+`)`, append(args, anySlice(chunk)...)...)
		if err != nil {
			return fmt.Errorf("current calibrations: %w", mapError(err))
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCalibration(rows)
			if err != nil {
				return fmt.Errorf("current calibrations: %w", err)
			}
			in := byID[c.InstrumentID]
			if cur := in.CurrentCalibration; cur == nil || c.ValidTo.After(cur.ValidTo) {
				in.CurrentCalibration = c
			}
		}
		return rows.Err()
	})
}

// UpdateInstrument writes after over before.
func UpdateInstrument(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Instrument) error {
	after.UpdatedAt = tx.now
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE instruments SET name = $1, name_key = $2, kind = $3, description = $4, location = $5, manufacturer = $6,
			serial_number = $7, calibration_required = $8, calibration_interval_days = $9, updated_at = $10
		WHERE org_id = $11 AND id = $12`,
		after.Name, nameKey(after.Name), string(after.Kind), after.Description, after.Location, after.Manufacturer,
		after.SerialNumber, after.CalibrationRequired, after.CalibrationIntervalDays, after.UpdatedAt, scope.OrgID(), before.ID)
	if err != nil {
		return instrumentWriteError(err, after)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("instrument")
	}
	return tx.recordUpdate(ctx, scope, aims.EntityInstrument, before.ID, auditInstrument(before), auditInstrument(after))
}

// auditInstrument is an instrument as the audit trail keeps it: without
// what is computed at read time.
func auditInstrument(in *aims.Instrument) *aims.Instrument {
	c := *in
	c.CalibrationState, c.CurrentCalibration, c.Tags = "", nil, nil
	return &c
}

// DeleteInstrument removes an instrument no tag names, with its
// calibration records (each deletion recorded).
func DeleteInstrument(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Instrument) error {
	var tags []string
	if err := collect(ctx, tx, &tags, `SELECT name FROM tags WHERE org_id = $1 AND instrument_id = $2 ORDER BY name_key`,
		scope.OrgID(), before.ID); err != nil {
		return err
	}
	if len(tags) > 0 {
		return aims.Errorf(aims.KindConflict, "tags are produced by instrument %q (%s): link them to another instrument or delete them first",
			before.Name, preview(tags))
	}
	cals, err := FindCalibrations(ctx, tx, scope, before.ID)
	if err != nil {
		return err
	}
	for _, c := range cals {
		if err := DeleteCalibration(ctx, tx, scope, c); err != nil {
			return err
		}
	}
	_, err = tx.tx.ExecContext(ctx, `DELETE FROM instruments WHERE org_id = $1 AND id = $2`, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("delete instrument: %w", mapError(err))
	}
	return tx.recordDelete(ctx, scope, aims.EntityInstrument, before.ID, auditInstrument(before))
}
