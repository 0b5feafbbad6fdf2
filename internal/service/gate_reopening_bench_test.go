package service_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// BenchmarkAuthorizationReopened asks, through the service (no HTTP), the
// authorization answer for a system of 10 deployed-or-approved model
// versions of which one is re-opened (change control) and one is not,
// alternating, and reports the p99 of single answers. The answers come
// from the per-process cache, which holds the open re-openings since it
// loads them with the rest of the system's state.
func BenchmarkAuthorizationReopened(b *testing.B) {
	db := storetest.OpenSQLite(b)
	svc := service.New(db, nil)
	f := storetest.NewOrg(b, db, "bench")
	spec := storetest.System("Setpoint optimizer", f.Admin.ID)
	spec.LifecycleStage = aims.StageDeployed
	sys := f.MustCreateSystem(b, db, spec)
	ctx := service.OperatorContext(context.Background(), f.Org, "bench")
	ds := &aims.Dataset{Name: "Historian", Origin: "historian"}
	if err := svc.CreateDataset(ctx, ds); err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: fmt.Sprintf("2.%d.0", i), Digest: strings.Repeat(fmt.Sprintf("%02x", i), 32),
			Status: aims.ModelApproved}
		if i == 0 {
			mv.Datasets = []aims.DatasetUse{{DatasetID: ds.ID, Purpose: aims.PurposeTraining}}
		}
		if err := svc.CreateReleasedModelVersion(ctx, mv, aims.ModelVersionApproval{Evidence: "report", AcceptanceCriteria: "MAE < 0.5", Result: "0.31"}); err != nil {
			b.Fatal(err)
		}
	}
	origin := "historian, re-exported"
	if _, err := svc.UpdateDataset(ctx, ds.ID, aims.DatasetUpdate{Origin: &origin}); err != nil {
		b.Fatal(err)
	}
	if a, _ := svc.Authorization(ctx, sys.ID, "2.0.0"); a.Code != aims.AuthzGateReopened {
		b.Fatalf("2.0.0: %+v, want re-opened", a)
	}
	var lat []time.Duration
	i := 0
	for b.Loop() {
		v := "2.0.0"
		if i%2 == 1 {
			v = "2.9.0"
		}
		i++
		t := time.Now()
		if _, err := svc.Authorization(ctx, sys.ID, v); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}
