package demo_test

import (
	"context"
	"log/slog"
	"math"
	"sort"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDemoIndicatorsMatchTheCountsOnThePages states the value of each
// computed indicator on the demo organization and counts it again the way
// a person would on the pages: the systems list and each system's impact
// summary and impact class, the model versions' approvals, the overdue
// actions the risk register shows, the newest Statement of Applicability's
// rows, the risks above appetite, the AI literacy list. The indicators and the objectives'
// latest measurements must give the same numbers.
func TestDemoIndicatorsMatchTheCountsOnThePages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, slog.New(slog.DiscardHandler))
		_, err := demo.Ensure(ctx, svc)
		must(t, err)
		org, err := svc.ResolveOrganization(ctx, demo.Slug)
		must(t, err)
		ctx = service.OperatorContext(ctx, org, "test")
		all := aims.Page{Limit: aims.MaxLimit}

		// By hand, from the pages.
		hand := map[aims.IndicatorName]float64{}
		systems, _, err := svc.FindSystems(ctx, aims.SystemFilter{Page: all})
		must(t, err)
		var inScope, current, high, validated int
		for _, sys := range systems {
			if sys.InScope {
				inScope++
				sum, err := svc.ImpactSummary(ctx, sys.ID)
				must(t, err)
				if sum.AssessmentID != "" && !sum.OutOfDate {
					current++
				}
			}
			class, err := svc.SystemImpactClass(ctx, sys.ID)
			must(t, err)
			if class.Class != aims.ImpactHigh {
				continue
			}
			high++
			versions, _, err := svc.FindModelVersions(ctx, sys.ID, aims.ModelVersionFilter{})
			must(t, err)
			for _, v := range versions {
				if sys.Deployed != nil && v.ID == sys.Deployed.ID && len(v.Approvals) > 0 && v.Approvals[0].Evidence != "" {
					validated++
				}
			}
		}
		hand[aims.IndicatorImpactCurrent] = pct(current, inScope)
		hand[aims.IndicatorHighImpactValidated] = pct(validated, high)

		risks, _, err := svc.FindRisks(ctx, aims.RiskFilter{Page: all})
		must(t, err)
		criteria, err := svc.RiskCriteriaVersions(ctx)
		must(t, err)
		byVersion := map[int]*aims.RiskCriteria{}
		for _, c := range criteria {
			byVersion[c.Version] = c
		}
		overdue, open := 0, 0
		var ages []float64
		now := db.Now()
		for _, r := range risks {
			overdue += r.OverdueActions
			if r.Status == aims.RiskOpen || r.Status == aims.RiskInTreatment {
				open++
				if rules.AboveAppetite(byVersion[r.CriteriaVersion], r.Current()) {
					ages = append(ages, math.Floor(now.Sub(r.CreatedAt).Hours()/24))
				}
			}
		}
		hand[aims.IndicatorOverdueActions] = float64(overdue)
		hand[aims.IndicatorRiskAboveAppetite] = 0
		if len(ages) > 0 {
			sort.Float64s(ages)
			hand[aims.IndicatorRiskAboveAppetite] = (ages[(len(ages)-1)/2] + ages[len(ages)/2]) / 2
		}

		versions, err := svc.FindSoAVersions(ctx)
		must(t, err)
		newest := 0
		for _, v := range versions {
			newest = max(newest, v.Number)
		}
		soa, err := svc.FindSoAVersion(ctx, newest, aims.SoAFilter{})
		must(t, err)
		applicable, implemented := 0, 0
		for _, r := range soa.Rows {
			if r.Applicability == aims.Applicable {
				applicable++
				if r.Status == aims.Implemented {
					implemented++
				}
			}
		}
		hand[aims.IndicatorControlsImplemented] = pct(implemented, applicable)

		rows, _, err := svc.FindLiteracy(ctx)
		must(t, err)
		sufficient := 0
		for _, r := range rows {
			if r.Status == aims.LiteracySufficient {
				sufficient++
			}
		}
		hand[aims.IndicatorLiteracyCurrent] = pct(sufficient, len(rows))

		// What a person counts on the demo: 4 of the 5 in-scope systems have
		// a current impact assessment (credit scoring's is out of date); the
		// 3 high-impact systems run approved, validated versions; 2 open
		// treatment actions are past due; 17 of the 37 applicable controls
		// are implemented; no open risk is above the appetite (the one high
		// risk is accepted); 11 of the 13 people whose work touches AI have
		// sufficient AI literacy (two operators have a gap).
		want := map[aims.IndicatorName]float64{
			aims.IndicatorImpactCurrent:       80,
			aims.IndicatorHighImpactValidated: 100,
			aims.IndicatorOverdueActions:      2,
			aims.IndicatorControlsImplemented: 45.9,
			aims.IndicatorRiskAboveAppetite:   0,
			aims.IndicatorLiteracyCurrent:     84.6,
		}
		counts := [3][2]int{{current, inScope}, {validated, high}, {implemented, applicable}}
		if counts != [3][2]int{{4, 5}, {3, 3}, {17, 37}} || open != 9 || len(ages) != 0 || sufficient != 11 || len(rows) != 13 {
			t.Errorf("counted by hand: %v, %d open risks, %d above appetite, %d of %d people literate", counts, open, len(ages), sufficient, len(rows))
		}
		values, err := svc.ComputeIndicators(ctx)
		must(t, err)
		for _, v := range values {
			if hand[v.Name] != want[v.Name] || v.Value != want[v.Name] {
				t.Errorf("%s: computed %v, counted by hand %v, want %v", v.Name, v.Value, hand[v.Name], want[v.Name])
			}
		}

		// The objectives: five, three computed whose latest measurement
		// is the indicator's value, one off track.
		objs, _, err := svc.FindObjectives(ctx, aims.ObjectiveFilter{Page: all})
		must(t, err)
		byStatus := map[aims.ObjectiveStatus]int{}
		computed := 0
		for _, o := range objs {
			byStatus[o.Status]++
			ms, err := svc.FindMeasurements(ctx, o.ID)
			must(t, err)
			if len(ms) < 2 && o.Cadence != aims.Quarterly {
				t.Errorf("%q has %d measurements, want a history", o.Title, len(ms))
			}
			if o.Measure != aims.MeasureComputed {
				continue
			}
			computed++
			if o.Latest == nil || o.Latest.Value != want[o.Indicator] {
				t.Errorf("%q: latest measurement %+v, want %v", o.Title, o.Latest, want[o.Indicator])
			}
		}
		if len(objs) != 5 || computed != 3 || byStatus[aims.OffTrack] != 1 {
			t.Errorf("%d objectives, %d computed, by status %v: want 5, 3 computed, 1 off track", len(objs), computed, byStatus)
		}
	})
}

func pct(part, whole int) float64 {
	if whole == 0 {
		return 100
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}
