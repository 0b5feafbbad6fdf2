package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/cputime"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// BenchmarkStoreDecisions stores and seals decision events on SQLite with
// every commit durable, in transactions of group events: 1 (no group
// commit), 64 from 64 gateways (one event each, as group commit gathers
// them from 64 clients) and 1000 from one gateway (an NDJSON batch). Each
// event is prepared (NewDecision.Prepare) before its transaction, as the
// service does on the caller's goroutine, and only the transactions are
// measured: what the single writer spends, which bounds the rate. It
// reports events/s and the CPU time per event (on a shared machine far
// less noisy than the elapsed time).
func BenchmarkStoreDecisions(b *testing.B) {
	for _, c := range []struct{ group, sources int }{{1, 1}, {64, 64}, {1000, 1}} {
		b.Run(fmt.Sprintf("group=%d/sources=%d", c.group, c.sources), func(b *testing.B) {
			db := storetest.OpenSQLite(b)
			f := storetest.NewOrg(b, db, "bench")
			sys := f.MustCreateSystem(b, db, storetest.System("Setpoint optimizer", f.Admin.ID))
			ctx := context.Background()
			inputs := map[string]json.RawMessage{"TT-101 torque": json.RawMessage("41.25"), "FT-201 flow": json.RawMessage("12.5"), "MT-301 moisture": json.RawMessage("11.1")}
			sources := make([]string, c.sources)
			for i := range sources {
				sources[i] = fmt.Sprintf("gw-%d", i)
			}
			seq := int64(0)
			var wall, cpu time.Duration
			n := 0
			for b.Loop() {
				b.StopTimer()
				ds := make([]*store.NewDecision, c.group)
				for i := range ds {
					now := db.Now()
					src := sources[i%len(sources)]
					payload := fmt.Appendf(nil, `{"model_version":"2.0","source":%q,"seq":%d,"source_time":"%s","inputs":{"TT-101 torque":41.25,"FT-201 flow":12.5,"MT-301 moisture":11.1},"output":{"value":38.5,"unit":"%%"}}`, src, seq, now.Format(time.RFC3339Nano))
					salt := make([]byte, ledger.SaltSize)
					d := &aims.Decision{SystemID: sys.ID, ModelVersion: "2.0", Source: src, Seq: seq, SourceTime: now, ReceivedAt: now,
						Human: aims.HumanNone, Salt: salt, Payload: payload, PayloadDigest: ledger.SaltedDigest(salt, payload), UnknownModelVersion: true}
					ds[i] = &store.NewDecision{D: d, Inputs: inputs}
					if err := ds[i].Prepare(f.Scope.OrgID()); err != nil {
						b.Fatal(err)
					}
					seq++
				}
				b.StartTimer()
				start, cpu0 := time.Now(), cputime.Process()
				if err := db.Transact(ctx, func(tx *store.Tx) error { return store.StoreDecisions(ctx, tx, f.Scope, ds) }); err != nil {
					b.Fatal(err)
				}
				wall, cpu = wall+time.Since(start), cpu+cputime.Process()-cpu0
				n += c.group
			}
			b.ReportMetric(float64(n)/wall.Seconds(), "events/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/event")
		})
	}
}
