package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/indicator"
	"github.com/aimsproject/aims/internal/store"
)

// objectives is the AI objectives register (ISO/IEC 42001 6.2).
var objectives = register[aims.Objective, *aims.Objective, aims.ObjectiveFilter, aims.ObjectiveUpdate]{
	plural: "objectives",
	list:   store.FindObjectives, find: store.FindObjectiveByID,
	create: store.CreateObjective, update: store.UpdateObjective, delete: store.DeleteObjective,
	checkFilter: func(f aims.ObjectiveFilter) error {
		if f.Measure != "" && !f.Measure.IsValid() {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown measure", Fields: []aims.FieldError{{Field: "measure", Detail: "must be computed or manual"}}}
		}
		return nil
	},
	checkRefs: func(ctx context.Context, q store.Querier, scope aims.Scope, o *aims.Objective) error {
		return checkMember(ctx, q, scope, o.OwnerID)
	},
}

// describeObjectives sets each objective's status from its latest
// measurement (indicator.Status).
func (s *Service) describeObjectives(list ...*aims.Objective) {
	now := s.db.Now()
	for _, o := range list {
		o.Status, o.StatusReason = indicator.Status(o, o.Latest, now)
	}
}

// FindObjectives lists the objectives of the caller's organization with
// their status.
func (s *Service) FindObjectives(ctx context.Context, f aims.ObjectiveFilter) ([]*aims.Objective, int, error) {
	list, total, err := objectives.findAll(ctx, s, f)
	s.describeObjectives(list...)
	return list, total, err
}

// FindObjectiveByID returns one objective with its latest measurement and
// status.
func (s *Service) FindObjectiveByID(ctx context.Context, id string) (*aims.Objective, error) {
	o, err := objectives.findByID(ctx, s, id)
	if err != nil {
		return nil, err
	}
	s.describeObjectives(o)
	return o, nil
}

// CreateObjective adds an objective.
func (s *Service) CreateObjective(ctx context.Context, in *aims.Objective) error {
	if err := objectives.add(ctx, s, in); err != nil {
		return err
	}
	s.describeObjectives(in)
	return nil
}

// UpdateObjective changes an objective.
func (s *Service) UpdateObjective(ctx context.Context, id string, upd aims.ObjectiveUpdate) (*aims.Objective, error) {
	o, err := objectives.change(ctx, s, id, upd)
	if err != nil {
		return nil, err
	}
	s.describeObjectives(o)
	return o, nil
}

// DeleteObjective removes an objective that was never measured.
func (s *Service) DeleteObjective(ctx context.Context, id string) error {
	return objectives.remove(ctx, s, id)
}

// ObjectiveStatusCounts is how many objectives stand at each status, and
// the off-track ones, for the home page.
type ObjectiveStatusCounts struct {
	Total    int                          `json:"total"`
	ByStatus map[aims.ObjectiveStatus]int `json:"by_status"`
	OffTrack []*aims.Objective            `json:"off_track"`
}

// ObjectiveStatuses counts the organization's objectives by status.
func (s *Service) ObjectiveStatuses(ctx context.Context) (*ObjectiveStatusCounts, error) {
	out := &ObjectiveStatusCounts{ByStatus: map[aims.ObjectiveStatus]int{}, OffTrack: []*aims.Objective{}}
	for offset := 0; ; offset += aims.MaxLimit {
		list, total, err := s.FindObjectives(ctx, aims.ObjectiveFilter{Page: aims.Page{Offset: offset, Limit: aims.MaxLimit}})
		if err != nil {
			return nil, err
		}
		out.Total = total
		for _, o := range list {
			out.ByStatus[o.Status]++
			if o.Status == aims.OffTrack {
				out.OffTrack = append(out.OffTrack, o)
			}
		}
		if len(list) < aims.MaxLimit {
			return out, nil
		}
	}
}

// FindMeasurements lists an objective's measurements, oldest first (the
// newest 500).
func (s *Service) FindMeasurements(ctx context.Context, objectiveID string) ([]*aims.Measurement, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read objectives")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindObjectiveByID(ctx, s.db, scope, objectiveID); err != nil {
		return nil, err
	}
	return store.FindMeasurements(ctx, s.db, scope, objectiveID, 0)
}

// MeasureObjective computes a computed objective's indicator now and
// records the measurement with the counts it came from, in one
// transaction, so that the value and its counts are one snapshot.
func (s *Service) MeasureObjective(ctx context.Context, id string) (*aims.Measurement, error) {
	return s.measureObjective(ctx, id, false)
}

// measureObjective is MeasureObjective; onlyIfDue (the scheduler's) first
// takes the objective's lock and measures nothing (nil, nil) when a
// measurement of this cadence period exists: another replica made it.
func (s *Service) measureObjective(ctx context.Context, id string, onlyIfDue bool) (*aims.Measurement, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "measure objectives")
	if err != nil {
		return nil, err
	}
	var m *aims.Measurement
	err = s.transact(ctx, func(tx *store.Tx) error {
		if onlyIfDue {
			if err := store.LockObjective(ctx, tx, scope, id); err != nil {
				return err
			}
		}
		o, err := store.FindObjectiveByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		if onlyIfDue && !o.MeasurementDue(tx.Now()) {
			return nil
		}
		if o.Measure != aims.MeasureComputed {
			return &aims.Error{Kind: aims.KindConflict, Message: "this objective is measured by hand: record a measurement with its evidence instead"}
		}
		res, err := computeIndicator(ctx, tx, scope, o.Indicator, tx.Now())
		if err != nil {
			return err
		}
		m = &aims.Measurement{ObjectiveID: o.ID, Value: res.Value, Source: aims.MeasureComputed, Inputs: res.Inputs, Met: o.Met(res.Value)}
		m.Normalize()
		return store.CreateMeasurement(ctx, tx, scope, m)
	})
	return m, err
}

// RecordMeasurement records a value entered by hand, with its evidence, for
// an objective measured by hand.
func (s *Service) RecordMeasurement(ctx context.Context, id string, m *aims.Measurement) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "record measurements")
	if err != nil {
		return err
	}
	m.Source, m.Inputs = aims.MeasureManual, nil
	m.Normalize()
	if err := m.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		o, err := store.FindObjectiveByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		if o.Measure != aims.MeasureManual {
			return &aims.Error{Kind: aims.KindConflict, Message: "this objective is computed from the records: measure it instead of entering a value"}
		}
		m.ObjectiveID, m.Met = o.ID, o.Met(m.Value)
		return store.CreateMeasurement(ctx, tx, scope, m)
	})
}
