package service_test

import (
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestScheduledMeasurementOncePerPeriod: two replicas of aims serve run
// the hourly measurer against one database at the same moment; each due
// computed objective gets one measurement, not one per replica, and a
// second round within the cadence measures nothing (ISO/IEC 42001 9.1).
func TestScheduledMeasurementOncePerPeriod(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newInventoryOrg(t, db, "acme")
		target := 90.0
		due := aims.DateOf(time.Now().AddDate(0, 6, 0))
		var ids []string
		for _, ind := range []aims.IndicatorName{aims.IndicatorControlsImplemented, aims.IndicatorImpactCurrent, aims.IndicatorOverdueActions} {
			ob := &aims.Objective{Title: "Objective " + string(ind), OwnerID: o.Admin.ID, Comparison: aims.AtLeast, TargetValue: &target,
				Unit: "%", DueDate: &due, Cadence: aims.Monthly, Measure: aims.MeasureComputed, Indicator: ind}
			if err := o.svc.CreateObjective(o.as(aims.RoleAdmin), ob); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ob.ID)
		}
		replicas := []*service.Service{service.New(db, slog.New(slog.DiscardHandler)), service.New(db, slog.New(slog.DiscardHandler))}
		var wg sync.WaitGroup
		counts := make([]int, len(replicas))
		for i, r := range replicas {
			wg.Go(func() {
				n, err := r.MeasureDueObjectives(t.Context())
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		if counts[0]+counts[1] != len(ids) {
			t.Errorf("the replicas measured %d and %d objectives, want %d in all", counts[0], counts[1], len(ids))
		}
		for _, id := range ids {
			ms, err := o.svc.FindMeasurements(o.as(aims.RoleViewer), id)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 1 {
				t.Errorf("objective %s has %d measurements, want 1", id, len(ms))
			}
		}
		if n, err := replicas[0].MeasureDueObjectives(t.Context()); err != nil || n != 0 {
			t.Errorf("a second round within the month measured %d (%v), want 0", n, err)
		}
	})
}
