package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// CreateCalibration records a calibration of an instrument of the
// organization in scope; the actor in scope is who recorded it.
func CreateCalibration(ctx context.Context, tx *Tx, scope aims.Scope, c *aims.Calibration) error {
	c.ID = newID()
	c.CreatedAt = tx.now
	c.RecordedBy = scope.Actor().Label
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO calibrations (id, org_id, instrument_id, valid_from, valid_to, result, certificate_ref, certificate_digest,
			performed_by, notes, recorded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, scope.OrgID(), c.InstrumentID, c.ValidFrom.UTC(), c.ValidTo.UTC(), string(c.Result), c.CertificateRef,
		c.CertificateDigest, c.PerformedBy, c.Notes, c.RecordedBy, c.CreatedAt)
	if classify(err) == classForeignKey {
		return aims.ErrNotFound("instrument")
	}
	if err != nil {
		return fmt.Errorf("write calibration: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityCalibration, c.ID, c)
}

// calibrationColumns are what scanCalibration reads, from calibrations c
// joined with instruments i.
const calibrationColumns = `c.id, c.instrument_id, i.name, c.valid_from, c.valid_to, c.result, c.certificate_ref,
	c.certificate_digest, c.performed_by, c.notes, c.recorded_by, c.created_at`

func scanCalibration(sc scanner) (*aims.Calibration, error) {
	var c aims.Calibration
	var result string
	if err := sc.Scan(&c.ID, &c.InstrumentID, &c.InstrumentName, &c.ValidFrom, &c.ValidTo, &result, &c.CertificateRef,
		&c.CertificateDigest, &c.PerformedBy, &c.Notes, &c.RecordedBy, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.Result = aims.CalibrationResult(result)
	c.ValidFrom, c.ValidTo, c.CreatedAt = c.ValidFrom.UTC(), c.ValidTo.UTC(), c.CreatedAt.UTC()
	return &c, nil
}

// FindCalibrations lists the calibrations of one instrument, newest
// validity first.
func FindCalibrations(ctx context.Context, q Querier, scope aims.Scope, instrumentID string) ([]*aims.Calibration, error) {
	return queryCalibrations(ctx, q, `SELECT `+calibrationColumns+` FROM calibrations c JOIN instruments i ON i.id = c.instrument_id
		WHERE c.org_id = $1 AND c.instrument_id = $2 ORDER BY c.valid_from DESC, c.id DESC`, scope.OrgID(), instrumentID)
}

// FindCalibrationsOf returns the calibrations of the given instruments, by
// instrument, oldest validity first.
func FindCalibrationsOf(ctx context.Context, q Querier, scope aims.Scope, instrumentIDs []string) (map[string][]aims.Calibration, error) {
	out := map[string][]aims.Calibration{}
	err := eachChunk(instrumentIDs, func(chunk []string) error {
		list, err := queryCalibrations(ctx, q, `SELECT `+calibrationColumns+` FROM calibrations c JOIN instruments i ON i.id = c.instrument_id
			WHERE c.org_id = $1 AND c.instrument_id IN (`+marks(2, len(chunk))+`) ORDER BY c.valid_from, c.id`,
			append([]any{scope.OrgID()}, anySlice(chunk)...)...)
		for _, c := range list {
			out[c.InstrumentID] = append(out[c.InstrumentID], *c)
		}
		return err
	})
	return out, err
}

func queryCalibrations(ctx context.Context, q Querier, query string, args ...any) ([]*aims.Calibration, error) {
	rows, err := q.queryer().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find calibrations: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.Calibration{}
	for rows.Next() {
		c, err := scanCalibration(rows)
		if err != nil {
			return nil, fmt.Errorf("find calibrations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindCalibrationByID returns one calibration of one instrument.
func FindCalibrationByID(ctx context.Context, q Querier, scope aims.Scope, instrumentID, id string) (*aims.Calibration, error) {
	c, err := scanCalibration(q.queryer().QueryRowContext(ctx, `SELECT `+calibrationColumns+`
		FROM calibrations c JOIN instruments i ON i.id = c.instrument_id
		WHERE c.org_id = $1 AND c.instrument_id = $2 AND c.id = $3`, scope.OrgID(), instrumentID, id))
	if err != nil {
		return nil, notFound(err, "calibration")
	}
	return c, nil
}

// DeleteCalibration removes a calibration record (one entered by mistake
// is deleted and entered again).
func DeleteCalibration(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Calibration) error {
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM calibrations WHERE org_id = $1 AND id = $2`, scope.OrgID(), before.ID)
	if err != nil {
		return fmt.Errorf("delete calibration: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("calibration")
	}
	return tx.recordDelete(ctx, scope, aims.EntityCalibration, before.ID, before)
}
