package service_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/cputime"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// BenchmarkRecordDecision posts single events from 64 goroutines through
// the service (validation, group commit, sealing; no HTTP) on SQLite with
// every acknowledged event durable, and reports events/s and the CPU time
// per event.
func BenchmarkRecordDecision(b *testing.B) {
	db := storetest.OpenSQLite(b)
	svc := service.New(db, nil)
	f := storetest.NewOrg(b, db, "bench")
	sys := storetest.System("Setpoint optimizer", f.Admin.ID)
	sys.LifecycleStage = aims.StageDeployed
	f.MustCreateSystem(b, db, sys)
	ctx := service.OperatorContext(context.Background(), f.Org, "bench")
	var seq atomic.Int64
	const clients = 64
	b.ResetTimer()
	start, cpu := time.Now(), cputime.Process()
	var n atomic.Int64
	for b.Loop() {
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				s := seq.Add(1)
				body := fmt.Appendf(nil, `{"model_version":"2.0","source":"gw-%d","seq":%d,"source_time":%q,"inputs":{"TT-101 torque":41.25,"FT-201 flow":12.5,"MT-301 moisture":11.1},"output":{"value":38.5,"unit":"%%"}}`,
					c, s, time.Now().UTC().Format(time.RFC3339Nano))
				if _, err := svc.RecordDecision(ctx, sys.ID, body, service.ViaCLI); err != nil {
					b.Error(err)
				}
				n.Add(1)
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64((cputime.Process()-cpu).Microseconds())/float64(n.Load()), "cpu-µs/event")
}
