package service_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// BenchmarkLineage runs each lineage query on a SQLite database of
// 1,000,000 decisions and 10,000 tags (AIMS_BENCH_DECISIONS overrides the
// count), built once and cached under the temp directory
// (store.LineageBenchPath). The target is each under 50 ms.
func BenchmarkLineage(b *testing.B) {
	spec := store.LineageBenchSpec{Decisions: 1_000_000, Tags: 10_000, Systems: 20}
	if n, err := strconv.Atoi(os.Getenv("AIMS_BENCH_DECISIONS")); err == nil && n > 0 {
		spec.Decisions = n
	}
	ctx := context.Background()
	db, err := store.OpenLineageBench(ctx, spec, b.Logf)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db, nil)
	queries, err := service.LineageBenchQueries(ctx, svc)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range queries {
		b.Run(q.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := q.Run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
		})
	}
}
