package service

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// LineageBenchQuery is one lineage query of the benchmarks, run against the
// database store.OpenLineageBench builds. Run returns how many records the
// answer holds.
type LineageBenchQuery struct {
	Name string
	Run  func() (int, error)
}

// LineageBenchQueries returns the lineage queries `aims bench lineage` and
// BenchmarkLineage time, acting in the benchmark database's organization.
func LineageBenchQueries(ctx context.Context, s *Service) ([]LineageBenchQuery, error) {
	org, err := s.ResolveOrganization(ctx, store.LineageBenchSlug)
	if err != nil {
		return nil, err
	}
	ctx = OperatorContext(ctx, org, "bench")
	systems, _, err := s.FindSystems(ctx, aims.SystemFilter{Page: aims.Page{Limit: 1}})
	if err != nil || len(systems) == 0 {
		return nil, fmt.Errorf("lineage bench: no system (%v)", err)
	}
	sys := systems[0]
	versions, _, err := s.FindModelVersions(ctx, sys.ID, aims.ModelVersionFilter{})
	if err != nil || len(versions) == 0 {
		return nil, fmt.Errorf("lineage bench: no model version (%v)", err)
	}
	decisions, _, err := s.FindDecisions(ctx, sys.ID, aims.DecisionFilter{Page: aims.Page{Limit: 1}})
	if err != nil || len(decisions) == 0 {
		return nil, fmt.Errorf("lineage bench: no decision (%v)", err)
	}
	mv, dec := versions[0], decisions[0]
	q1 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return []LineageBenchQuery{
		{"model version graph", func() (int, error) {
			g, err := s.ModelVersionLineage(ctx, sys.ID, mv.ID)
			if err != nil {
				return 0, err
			}
			return len(g.Nodes), nil
		}},
		{"decision graph", func() (int, error) {
			g, err := s.DecisionLineage(ctx, sys.ID, dec.ID)
			if err != nil {
				return 0, err
			}
			return len(g.Nodes), nil
		}},
		{"calibration exposures", func() (int, error) {
			list, err := s.FindCalibrationExposures(ctx, "")
			return len(list), err
		}},
		{"out-of-calibration decisions", func() (int, error) {
			_, total, err := s.FindOutOfCalibrationDecisions(ctx, aims.OutOfCalibrationDecisionFilter{})
			return total, err
		}},
		{"out-of-calibration decisions, page 20", func() (int, error) {
			_, total, err := s.FindOutOfCalibrationDecisions(ctx, aims.OutOfCalibrationDecisionFilter{Page: aims.Page{Limit: 50, Offset: 950}})
			return total, err
		}},
		{"out-of-calibration decisions, one system, Q1", func() (int, error) {
			_, total, err := s.FindOutOfCalibrationDecisions(ctx, aims.OutOfCalibrationDecisionFilter{SystemID: sys.ID,
				From: q1, To: q1.AddDate(0, 3, 0)})
			return total, err
		}},
		{"orphans", func() (int, error) {
			o, err := s.FindLineageOrphans(ctx)
			if err != nil {
				return 0, err
			}
			return o.UnusedTagsTotal + o.FeaturesWithoutTagsTotal + o.InstrumentsWithoutCurrentCalibrationTotal, nil
		}},
		{"instruments out of calibration", func() (int, error) {
			return count2(s.FindInstruments(ctx, aims.InstrumentFilter{State: aims.CalibrationOut}))
		}},
		{"tags search", func() (int, error) {
			return count2(s.FindTags(ctx, aims.TagFilter{Query: "TAG-09"}))
		}},
		{"features search", func() (int, error) {
			return count2(s.FindFeatures(ctx, aims.FeatureFilter{Query: "feature 01"}))
		}},
	}, nil
}

// count2 turns a list's answer into its total.
func count2[T any](_ []T, total int, err error) (int, error) { return total, err }
