package service

import (
	"context"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// measureInterval paces the background measurement of computed objectives:
// every hour it measures each computed objective whose latest measurement
// is a cadence period old (or that was never measured).
const measureInterval = time.Hour

// RunObjectiveMeasurer measures the computed objectives of every
// organization on their cadence until ctx ends (ISO/IEC 42001 9.1: measured
// on a schedule, not only when someone remembers).
func (s *Service) RunObjectiveMeasurer(ctx context.Context) {
	t := time.NewTicker(measureInterval)
	defer t.Stop()
	for {
		if _, err := s.MeasureDueObjectives(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "measuring the objectives failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// MeasureDueObjectives measures, in every organization, each computed
// objective due for a measurement by its cadence, as the aims scheduler,
// and returns how many it measured.
func (s *Service) MeasureDueObjectives(ctx context.Context) (int, error) {
	orgs, err := store.ListOrganizations(ctx, s.db)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, org := range orgs {
		p := authz.Operator(org, "aims scheduler")
		p.Kind = aims.ActorSystem
		m, err := s.measureDue(authz.WithPrincipal(ctx, p))
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// measureDue measures the caller's organization's computed objectives
// that are due.
func (s *Service) measureDue(ctx context.Context) (int, error) {
	var due []string
	now := s.db.Now()
	for offset := 0; ; offset += aims.MaxLimit {
		list, _, err := s.FindObjectives(ctx, aims.ObjectiveFilter{Measure: aims.MeasureComputed, Page: aims.Page{Offset: offset, Limit: aims.MaxLimit}})
		if err != nil {
			return 0, err
		}
		for _, o := range list {
			if o.MeasurementDue(now) {
				due = append(due, o.ID)
			}
		}
		if len(list) < aims.MaxLimit {
			break
		}
	}
	n := 0
	for _, id := range due {
		m, err := s.measureObjective(ctx, id, true)
		if err != nil {
			return n, err
		}
		if m != nil {
			n++
		}
	}
	return n, nil
}
