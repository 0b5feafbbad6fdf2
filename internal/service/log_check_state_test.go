package service_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestLogCheckStateOfTheDemo loads the whole demo (systems, risks, SoA,
// classifications, impact assessments, decisions, lineage) through the
// service, as users would, and checks that every current record matches
// its last sealed state: the state comparison raises nothing on records
// only aims wrote.
func TestLogCheckStateOfTheDemo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := service.New(db, slog.New(slog.DiscardHandler))
		if _, err := demo.Ensure(ctx, svc); err != nil {
			t.Fatal(err)
		}
		rep, err := svc.CheckLogs(ctx, service.LogCheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			t.Errorf("finding on untouched data: %s", f.Detail)
		}
		if rep.Records < 100 {
			t.Errorf("compared %d records with their sealed state, want the demo's hundreds", rep.Records)
		}
		t.Logf("%d logs, %d leaves, %d records compared", rep.Logs, rep.Leaves, rep.Records)
	})
}
