package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// BenchmarkAppendLeaves appends batches of 1000 entries of about 400 bytes
// through the log's API, one transaction a batch.
func BenchmarkAppendLeaves(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			var db *store.DB
			if name == "sqlite" {
				db = storetest.OpenSQLite(b)
			} else {
				db = storetest.OpenPostgres(b)
			}
			f := storetest.NewOrg(b, db, "bench")
			ctx := context.Background()
			batch := make([]store.Leaf, 1000)
			for i := range batch {
				batch[i] = store.Leaf{Entry: []byte(fmt.Sprintf(`{"action":"create","actor":{"kind":"token","label":"gateway@plant.example (token edge-7)","token_id":"0190aaaa-0000-7000-8000-000000000002","user_id":"0190aaaa-0000-7000-8000-000000000001"},"after":"sha256:3b0c4f2f0b1f8a6b8e5c1d8f6a0e2f7d9c3b1a0e5f6d7c8b9a0f1e2d3c4b5a69","before":null,"entity":{"id":"0190bbbb-0000-7000-8000-%012d","label":"setpoint 41.2","type":"decision"},"id":"x","type":"aims.audit_event","v":1}`, i))}
			}
			b.ResetTimer()
			for b.Loop() {
				err := db.Transact(ctx, func(tx *store.Tx) error {
					_, err := store.AppendLeaves(ctx, tx, f.Scope, batch)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "leaves/s")
		})
	}
}
