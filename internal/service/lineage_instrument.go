package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindInstruments lists the instruments of the caller's organization, each
// with its calibration state now (ISO/IEC 42001 A.7.4, A.7.5).
func (s *Service) FindInstruments(ctx context.Context, f aims.InstrumentFilter) ([]*aims.Instrument, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, 0, err
	}
	var v aims.Validation
	if f.Kind != "" && !f.Kind.IsValid() {
		v.Add("kind", "must be one of %s", joinEnum(aims.InstrumentKindValues()))
	}
	if f.State != "" && !f.State.IsValid() {
		v.Add("state", "must be one of %s", joinEnum(aims.CalibrationStateValues()))
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	return store.FindInstruments(ctx, s.db, scope, f, s.db.Now())
}

// FindInstrumentByID returns one instrument with its calibration state now,
// the calibration in force and the tags it produces.
func (s *Service) FindInstrumentByID(ctx context.Context, id string) (*aims.Instrument, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, err
	}
	return store.FindInstrumentByID(ctx, s.db, scope, id, s.db.Now())
}

// CreateInstrument adds an instrument.
func (s *Service) CreateInstrument(ctx context.Context, in *aims.Instrument) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "create instruments")
	if err != nil {
		return err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error { return store.CreateInstrument(ctx, tx, scope, in) })
}

// UpdateInstrument changes an instrument.
func (s *Service) UpdateInstrument(ctx context.Context, id string, upd aims.InstrumentUpdate) (*aims.Instrument, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change instruments")
	if err != nil {
		return nil, err
	}
	var out *aims.Instrument
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindInstrumentByID(ctx, tx, scope, id, tx.Now())
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if err := store.UpdateInstrument(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out, err = store.FindInstrumentByID(ctx, tx, scope, id, tx.Now())
		return err
	})
	return out, err
}

// DeleteInstrument removes an instrument that produces no tag, with its
// calibration records; while tags name it, it is a conflict.
func (s *Service) DeleteInstrument(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete instruments")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindInstrumentByID(ctx, tx, scope, id, tx.Now())
		if err != nil {
			return err
		}
		return store.DeleteInstrument(ctx, tx, scope, before)
	})
}

// FindCalibrations lists the calibration records of one instrument, newest
// validity first.
func (s *Service) FindCalibrations(ctx context.Context, instrumentID string) ([]*aims.Calibration, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindInstrumentByID(ctx, s.db, scope, instrumentID, s.db.Now()); err != nil {
		return nil, err
	}
	return store.FindCalibrations(ctx, s.db, scope, instrumentID)
}

// CreateCalibration records a calibration of an instrument, with its
// certificate as evidence.
func (s *Service) CreateCalibration(ctx context.Context, instrumentID string, c *aims.Calibration) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "record calibrations")
	if err != nil {
		return err
	}
	c.InstrumentID = instrumentID
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		in, err := store.FindInstrumentByID(ctx, tx, scope, instrumentID, tx.Now())
		if err != nil {
			return err
		}
		c.InstrumentName = in.Name
		if err := store.CreateCalibration(ctx, tx, scope, c); err != nil {
			return err
		}
		return reopenForCalibration(ctx, tx, scope, c, in.Name)
	})
}

// DeleteCalibration removes a calibration record entered by mistake.
func (s *Service) DeleteCalibration(ctx context.Context, instrumentID, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete calibrations")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindCalibrationByID(ctx, tx, scope, instrumentID, id)
		if err != nil {
			return err
		}
		return store.DeleteCalibration(ctx, tx, scope, before)
	})
}
