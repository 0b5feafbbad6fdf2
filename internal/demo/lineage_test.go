package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDemoLineage runs the lineage queries on the demo plant: the exposure
// query finds model version 2.3.0 of the optimizer and the moisture probe
// MT-301 (out of calibration 4-18 March 2024, inside its training window),
// and nothing else; the out-of-calibration decisions are exactly the
// optimizer's decisions in the probe's recent stretch; the orphans are the
// trial turbidity analyser, its tag and the feature not yet mapped.
func TestDemoLineage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, nil)
		if _, err := demo.Ensure(ctx, svc); err != nil {
			t.Fatal(err)
		}
		org, err := svc.ResolveOrganization(ctx, demo.Slug)
		if err != nil {
			t.Fatal(err)
		}
		octx := service.OperatorContext(ctx, org, "test")

		exp, err := svc.FindCalibrationExposures(octx, "")
		must(t, err)
		at9 := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, time.UTC) }
		if len(exp) != 1 {
			t.Fatalf("%d exposures, want 1: %+v", len(exp), exp)
		}
		e := exp[0]
		if e.SystemName != "Dewatering setpoint optimizer" || e.Version != "2.3.0" || e.InstrumentName != demo.InstrumentMoisture ||
			e.DatasetName != "Line 2 dewatering historian 2023-2024" || len(e.Periods) != 1 ||
			!e.Periods[0].From.Equal(at9(2024, 3, 4)) || !e.Periods[0].To.Equal(at9(2024, 3, 18)) {
			t.Errorf("exposure = %+v", e)
		}

		// Every out-of-calibration decision, page by page.
		var all []aims.OutOfCalibrationDecision
		total := -1
		for off := 0; total < 0 || off < total; off += aims.MaxLimit {
			page, n, err := svc.FindOutOfCalibrationDecisions(octx, aims.OutOfCalibrationDecisionFilter{Page: aims.Page{Limit: aims.MaxLimit, Offset: off}})
			must(t, err)
			total = n
			all = append(all, page...)
		}
		if total == 0 || len(all) != total {
			t.Fatalf("%d out-of-calibration decisions listed of %d", len(all), total)
		}
		period := all[0].Period
		for _, d := range all {
			if d.InstrumentName != demo.InstrumentMoisture || d.Tag != demo.TagMoisture || d.Period != period || !period.Contains(d.DecidedAt) {
				t.Fatalf("decision %+v is not in the probe's stretch %v", d, period)
			}
		}
		if days := period.To.Sub(period.From).Hours() / 24; days != 5 || time.Since(period.To) < 11*24*time.Hour {
			t.Errorf("the recent stretch is %v (%.1f days)", period, days)
		}
		opt := findSystem(t, svc, octx, "Dewatering setpoint optimizer")
		_, inStretch, err := svc.FindDecisions(octx, opt.ID, aims.DecisionFilter{Since: &period.From, Until: &period.To})
		must(t, err)
		if inStretch != total {
			t.Errorf("%d out-of-calibration decisions, but the optimizer made %d in %v", total, inStretch, period)
		}

		o, err := svc.FindLineageOrphans(octx)
		must(t, err)
		var unused, loose, uncalibrated []string
		for _, x := range o.UnusedTags {
			unused = append(unused, x.Name)
		}
		for _, x := range o.FeaturesWithoutTags {
			loose = append(loose, x.Name)
		}
		for _, x := range o.InstrumentsWithoutCurrentCalibration {
			uncalibrated = append(uncalibrated, x.Name)
		}
		if !slices.Equal(unused, []string{"QT-401 turbidity"}) || !slices.Equal(loose, []string{"polymer dose last hour"}) ||
			!slices.Equal(uncalibrated, []string{"QT-401"}) {
			t.Errorf("orphans: unused tags %q, features without tags %q, instruments without calibration %q", unused, loose, uncalibrated)
		}

		// The graphs: a decision in the stretch flags the probe; the
		// deployed version's graph flags it for its training window, the
		// candidate's (trained after the repair) does not.
		g, err := svc.DecisionLineage(octx, opt.ID, all[0].ID)
		must(t, err)
		if f := nodeFlags(g)["instrument MT-301"]; !slices.Contains(f, aims.FlagOutOfCalibration) {
			t.Errorf("decision graph: MT-301 flags %v", f)
		}
		versions, _, err := svc.FindModelVersions(octx, opt.ID, aims.ModelVersionFilter{})
		must(t, err)
		for _, v := range versions {
			g, err := svc.ModelVersionLineage(octx, opt.ID, v.ID)
			must(t, err)
			flagged := slices.Contains(nodeFlags(g)["instrument MT-301"], aims.FlagOutOfCalibration)
			if flagged != (v.Version == "2.3.0") {
				t.Errorf("model version %s: MT-301 flagged %v", v.Version, flagged)
			}
		}

		must(t, demo.SeedLineage(octx, svc))
		if _, n, _ := svc.FindInstruments(octx, aims.InstrumentFilter{}); n != 6 {
			t.Errorf("seeding again: %d instruments, want 6", n)
		}
	})
}

func findSystem(t *testing.T, svc *service.Service, ctx context.Context, name string) *aims.AISystem {
	t.Helper()
	list, _, err := svc.FindSystems(ctx, aims.SystemFilter{Search: name})
	must(t, err)
	for _, s := range list {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no system %q", name)
	return nil
}

// nodeFlags maps each node of g, as "kind label", to its flags.
func nodeFlags(g *aims.LineageGraph) map[string][]string {
	out := map[string][]string{}
	for _, n := range g.Nodes {
		out[string(n.Kind)+" "+n.Label] = n.Flags
	}
	return out
}
