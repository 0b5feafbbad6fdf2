package service

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// LineageBenchQuery is one lineage query of the benchmarks, run against the
// database store.OpenLineageBench builds. Run returns how many records the
// answer holds.
type LineageBenchQuery struct {
	Name string
	Run  func() (int, error)
}

// OpenLineageBench opens the lineage benchmark database of spec (building
// and caching it when missing, see store.OpenLineageBench) and returns a
// service over it; close the service's DB when done.
func OpenLineageBench(ctx context.Context, spec store.LineageBenchSpec, logf func(string, ...any)) (*Service, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	seed := func(db *store.DB) (aims.Scope, string, error) {
		svc := New(db, quiet)
		org, m, err := svc.BootstrapUser(ctx, Bootstrap{OrgSlug: store.LineageBenchSlug, OrgName: "Lineage benchmark",
			Email: "bench@lineage.invalid", Name: "Bench", Role: aims.RoleAdmin, Password: "lineage-bench-password",
			Actor: aims.Actor{Kind: aims.ActorCLI, Label: "bench"}})
		if err != nil {
			return aims.Scope{}, "", err
		}
		scope, _, err := authz.Authorize(OperatorContext(ctx, org, "bench"), authz.Edit, "build the lineage benchmark")
		return scope, m.ID, err
	}
	db, err := store.OpenLineageBench(ctx, spec, seed, logf)
	if err != nil {
		return nil, err
	}
	return New(db, quiet), nil
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
	oldest := versions[len(versions)-1] // retired early in the year: its decisions are far from the newest
	for _, v := range versions {
		if v.CreatedAt.Before(oldest.CreatedAt) || (v.CreatedAt.Equal(oldest.CreatedAt) && v.Version < oldest.Version) {
			oldest = v
		}
	}
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
		{"instruments never calibrated", func() (int, error) {
			return count2(s.FindInstruments(ctx, aims.InstrumentFilter{State: aims.CalibrationNever}))
		}},
		// The operator view's reads over the same decisions (a system's
		// page: its newest decisions, filtered, and the override chart).
		{"decisions of a system, page 1", func() (int, error) {
			return count2(s.FindDecisions(ctx, sys.ID, aims.DecisionFilter{}))
		}},
		{"decisions of a system, overridden, page 1", func() (int, error) {
			return count2(s.FindDecisions(ctx, sys.ID, aims.DecisionFilter{Human: aims.HumanOverridden}))
		}},
		{"decisions of a system, one source, page 1", func() (int, error) {
			return count2(s.FindDecisions(ctx, sys.ID, aims.DecisionFilter{Source: dec.Source}))
		}},
		{"decisions of a system, one model version, page 1", func() (int, error) {
			return count2(s.FindDecisions(ctx, sys.ID, aims.DecisionFilter{ModelVersion: dec.ModelVersion}))
		}},
		{"decisions of a system, one model version by id, page 1", func() (int, error) {
			return count2(s.FindDecisions(ctx, sys.ID, aims.DecisionFilter{ModelVersion: mv.ID}))
		}},
		{"decisions of a system, a retired model version, page 1", func() (int, error) {
			return count2(s.FindDecisions(ctx, sys.ID, aims.DecisionFilter{ModelVersion: oldest.Version}))
		}},
		{"override chart of a system, 2 years by day", func() (int, error) {
			b, err := s.DecisionOverrides(ctx, sys.ID, 730)
			return len(b), err
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
