package service

import (
	"context"

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
	inputs, err := store.FindTrainingInputs(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	var instIDs []string
	seen := map[string]bool{}
	for _, in := range inputs {
		if !seen[in.InstrumentID] {
			seen[in.InstrumentID] = true
			instIDs = append(instIDs, in.InstrumentID)
		}
	}
	cals, err := store.FindCalibrationsOf(ctx, s.db, scope, instIDs)
	if err != nil {
		return nil, err
	}
	out := []aims.CalibrationExposure{}
	// The inputs come ordered by model version, dataset and instrument:
	// one exposure per run of the three.
	for i := 0; i < len(inputs); {
		in := inputs[i]
		j := i
		var tags []aims.LineageRef
		for ; j < len(inputs) && inputs[j].ModelVersionID == in.ModelVersionID && inputs[j].DatasetID == in.DatasetID &&
			inputs[j].InstrumentID == in.InstrumentID; j++ {
			tags = append(tags, aims.LineageRef{ID: inputs[j].TagID, Name: inputs[j].TagName})
		}
		i = j
		w, ok := aims.DatasetWindow(in.WindowStart, in.WindowEnd)
		if !ok {
			continue
		}
		periods := rules.OutOfCalibration(cals[in.InstrumentID], true, w.From, w.To)
		if len(periods) == 0 {
			continue
		}
		out = append(out, aims.CalibrationExposure{SystemID: in.SystemID, SystemName: in.SystemName, ModelVersionID: in.ModelVersionID,
			Version: in.Version, DatasetID: in.DatasetID, DatasetName: in.DatasetName, Window: w, InstrumentID: in.InstrumentID,
			InstrumentName: in.InstrumentName, Tags: tags, Periods: periods})
	}
	return out, nil
}

// FindOutOfCalibrationDecisions lists the decisions made while an
// instrument producing one of their input tags was out of calibration,
// newest first, one entry per decision and instrument, with the total. A
// zero From or To leaves that end open; periods without a recorded start or
// end run from aims.OpenStart or to aims.OpenEnd.
func (s *Service) FindOutOfCalibrationDecisions(ctx context.Context, f aims.OutOfCalibrationDecisionFilter) ([]aims.OutOfCalibrationDecision, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, 0, err
	}
	from, to := aims.OpenStart, aims.OpenEnd
	if !f.From.IsZero() {
		from = f.From.UTC()
	}
	if !f.To.IsZero() {
		to = f.To.UTC()
	}
	if !to.After(from) {
		return nil, 0, &aims.Error{Kind: aims.KindInvalid, Message: "the time range is empty",
			Fields: []aims.FieldError{{Field: "to", Detail: "must be after from"}}}
	}
	if f.SystemID != "" {
		if _, err := store.FindSystemByID(ctx, s.db, scope, f.SystemID); err != nil {
			return nil, 0, err
		}
	}
	tags, err := store.FindDecisionTagInstruments(ctx, s.db, scope)
	if err != nil {
		return nil, 0, err
	}
	var instIDs []string
	for _, t := range tags {
		instIDs = append(instIDs, t.InstrumentID)
	}
	cals, err := store.FindCalibrationsOf(ctx, s.db, scope, instIDs)
	if err != nil {
		return nil, 0, err
	}
	var periods []store.TagPeriod
	for _, t := range tags {
		for _, p := range rules.OutOfCalibration(cals[t.InstrumentID], true, from, to) {
			periods = append(periods, store.TagPeriod{DecisionTagInstrument: t, Period: p})
		}
	}
	return store.FindDecisionsInPeriods(ctx, s.db, scope, f.SystemID, periods, f.Page)
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
