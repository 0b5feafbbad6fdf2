package service

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// FindCalibrationExposures finds every model version (of one AI system,
// or of all when systemID is "") whose training window overlaps a period
// in which an instrument behind one of its inputs was out of calibration
// (ISO/IEC 42001 A.7.4): an instrument producing a tag that a dataset it
// was trained on declares, out of calibration for part of that dataset's
// window. Only the dataset's tags count: they say where its data came from
// (a vendor's data declares none of the plant's tags, though the model
// consumes features of them). Datasets without a window are left out.
func (s *Service) FindCalibrationExposures(ctx context.Context, systemID string) ([]aims.CalibrationExposure, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, err
	}
	if systemID != "" {
		if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
			return nil, err
		}
	}
	trained, err := store.FindTrainingDatasets(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	windows := map[string]aims.Period{}
	for _, td := range trained {
		windows[td.DatasetID] = td.Window
	}
	// Most instruments are covered by one calibration over a window: only
	// the others are checked calibration by calibration.
	pairs, err := store.FindUncoveredInstruments(ctx, s.db, scope, windows)
	if err != nil {
		return nil, err
	}
	var instIDs []string
	seen := map[string]bool{}
	for _, p := range pairs {
		if !seen[p.InstrumentID] {
			seen[p.InstrumentID] = true
			instIDs = append(instIDs, p.InstrumentID)
		}
	}
	cals, err := store.FindCalibrationsOf(ctx, s.db, scope, instIDs)
	if err != nil {
		return nil, err
	}
	periods := map[store.DatasetInstrument][]aims.Period{}
	byDataset := map[string][]string{}
	var exposed []store.DatasetInstrument
	for _, p := range pairs {
		w := windows[p.DatasetID]
		if ps := rules.OutOfCalibration(cals[p.InstrumentID], true, w.From, w.To); len(ps) > 0 {
			periods[p] = ps
			byDataset[p.DatasetID] = append(byDataset[p.DatasetID], p.InstrumentID)
			exposed = append(exposed, p)
		}
	}
	out := []aims.CalibrationExposure{}
	if len(exposed) == 0 {
		return out, nil
	}
	tags, err := store.FindDatasetInstrumentTags(ctx, s.db, scope, exposed)
	if err != nil {
		return nil, err
	}
	insts, err := store.FindInstrumentsByIDs(ctx, s.db, scope, instIDs, s.db.Now())
	if err != nil {
		return nil, err
	}
	for _, td := range trained {
		ids := byDataset[td.DatasetID]
		slices.SortFunc(ids, func(a, b string) int {
			return cmp.Or(cmp.Compare(strings.ToLower(insts[a].Name), strings.ToLower(insts[b].Name)), cmp.Compare(a, b))
		})
		for _, id := range ids {
			p := store.DatasetInstrument{DatasetID: td.DatasetID, InstrumentID: id}
			out = append(out, aims.CalibrationExposure{SystemID: td.SystemID, SystemName: td.SystemName, ModelVersionID: td.ModelVersionID,
				Version: td.Version, DatasetID: td.DatasetID, DatasetName: td.DatasetName, Window: td.Window, InstrumentID: id,
				InstrumentName: insts[id].Name, Tags: tags[p], Periods: periods[p]})
		}
	}
	return out, nil
}

// FindOutOfCalibrationDecisions lists the decisions made while an
// instrument producing one of their input tags was out of calibration,
// newest first, one entry per decision and instrument, with the total. A
// zero From or To leaves that end open; periods without a recorded start or
// end run from aims.OpenStart or to aims.OpenEnd.
func (s *Service) FindOutOfCalibrationDecisions(ctx context.Context, f aims.OutOfCalibrationDecisionFilter) ([]aims.OutOfCalibrationDecision, int, error) {
	scope, periods, err := s.outOfCalibrationPeriods(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	return store.FindDecisionsInPeriods(ctx, s.db, scope, f.SystemID, periods, f.Page)
}

// outOfCalibrationPeriods authorizes reading lineage records and returns
// the periods, within the filter's time range, in which the instrument of a
// tag that decisions named was out of calibration.
func (s *Service) outOfCalibrationPeriods(ctx context.Context, f aims.OutOfCalibrationDecisionFilter) (aims.Scope, []store.TagPeriod, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return aims.Scope{}, nil, err
	}
	from, to := aims.OpenStart, aims.OpenEnd
	if !f.From.IsZero() {
		from = f.From.UTC()
	}
	if !f.To.IsZero() {
		to = f.To.UTC()
	}
	if !to.After(from) {
		return aims.Scope{}, nil, &aims.Error{Kind: aims.KindInvalid, Message: "the time range is empty",
			Fields: []aims.FieldError{{Field: "to", Detail: "must be after from"}}}
	}
	if f.SystemID != "" {
		if _, err := store.FindSystemByID(ctx, s.db, scope, f.SystemID); err != nil {
			return aims.Scope{}, nil, err
		}
	}
	if f.InstrumentID != "" {
		if _, err := store.FindInstrumentByID(ctx, s.db, scope, f.InstrumentID, s.db.Now()); err != nil {
			return aims.Scope{}, nil, err
		}
	}
	tags, err := store.FindDecisionTagInstruments(ctx, s.db, scope)
	if err != nil {
		return aims.Scope{}, nil, err
	}
	var instIDs []string
	for _, t := range tags {
		instIDs = append(instIDs, t.InstrumentID)
	}
	cals, err := store.FindCalibrationsOf(ctx, s.db, scope, instIDs)
	if err != nil {
		return aims.Scope{}, nil, err
	}
	var periods []store.TagPeriod
	for _, t := range tags {
		if f.InstrumentID != "" && t.InstrumentID != f.InstrumentID {
			continue
		}
		for _, p := range rules.OutOfCalibration(cals[t.InstrumentID], true, from, to) {
			periods = append(periods, store.TagPeriod{DecisionTagInstrument: t, Period: p})
		}
	}
	return scope, periods, nil
}

// FindLineageOrphans finds the loose ends of the lineage records: tags no
// model version uses, features without tags, and instruments that need
// calibration and have none in force now (at most aims.MaxLimit of each,
// with the totals).
func (s *Service) FindLineageOrphans(ctx context.Context) (*aims.LineageOrphans, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, err
	}
	return store.FindLineageOrphans(ctx, s.db, scope, s.db.Now(), aims.MaxLimit)
}
