package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// BenchmarkStoreDecisions stores and seals decision events in groups of
// 64 (one group commit of 64 gateways) and 1000 (an NDJSON batch) per
// transaction, on SQLite with every commit durable. It reports events/s.
func BenchmarkStoreDecisions(b *testing.B) {
	for _, group := range []int{1, 64, 1000} {
		b.Run(fmt.Sprintf("group=%d", group), func(b *testing.B) {
			db := storetest.OpenSQLite(b)
			f := storetest.NewOrg(b, db, "bench")
			sys := f.MustCreateSystem(b, db, storetest.System("Setpoint optimizer", f.Admin.ID))
			ctx := context.Background()
			inputs := map[string]json.RawMessage{"TT-101 torque": json.RawMessage("41.25"), "FT-201 flow": json.RawMessage("12.5"), "MT-301 moisture": json.RawMessage("11.1")}
			seq := int64(0)
			b.ResetTimer()
			start := time.Now()
			n := 0
			for b.Loop() {
				ds := make([]*store.NewDecision, group)
				for i := range ds {
					now := db.Now()
					payload := []byte(fmt.Sprintf(`{"model_version":"2.0","source":"gw","seq":%d,"source_time":"%s","inputs":{"TT-101 torque":41.25,"FT-201 flow":12.5,"MT-301 moisture":11.1},"output":{"value":38.5,"unit":"%%"}}`, seq, now.Format(time.RFC3339Nano)))
					salt := make([]byte, ledger.SaltSize)
					d := &aims.Decision{SystemID: sys.ID, ModelVersion: "2.0", Source: "gw", Seq: seq, SourceTime: now, ReceivedAt: now,
						Human: aims.HumanNone, Salt: salt, Payload: payload, PayloadDigest: ledger.SaltedDigest(salt, payload), UnknownModelVersion: true}
					ds[i] = &store.NewDecision{D: d, Inputs: inputs}
					seq++
				}
				if err := db.Transact(ctx, func(tx *store.Tx) error { return store.StoreDecisions(ctx, tx, f.Scope, ds) }); err != nil {
					b.Fatal(err)
				}
				n += group
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
		})
	}
}
