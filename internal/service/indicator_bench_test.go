package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// BenchmarkComputeIndicators computes every indicator once (issue 16: all
// of them under 1 s in total) on an organization of 1,000 AI systems, each
// with two model versions (the deployed ones approved with evidence), a
// signed-off impact assessment (every tenth out of date: a new version
// deployed since), two risks with a treatment action each (a third of
// them past due), the Statement of Applicability's 39 controls, and
// 50,000 people with 200,000 training records (5,000 and 20,000 with
// -short). Run
//
//	go test ./internal/service -run '^$' -bench ComputeIndicators -count 5
//
// with AIMS_TEST_POSTGRES_URL set for the PostgreSQL half.
func BenchmarkComputeIndicators(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var db *store.DB
			if dialect == "sqlite" {
				db = storetest.OpenSQLite(b)
			} else {
				if storetest.PostgresURL(b) == "" {
					b.Skip("set AIMS_TEST_POSTGRES_URL")
				}
				db = storetest.OpenPostgres(b)
			}
			svc := service.New(db, slog.New(slog.DiscardHandler))
			ctx := seedIndicatorBench(b, db, svc, 1000)
			first, err := svc.ComputeIndicators(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for _, v := range first {
				b.Logf("%s = %v %v", v.Name, v.Value, v.Inputs)
			}
			b.ResetTimer()
			for b.Loop() {
				list, err := svc.ComputeIndicators(ctx)
				if err != nil || len(list) == 0 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
		})
	}
}

func seedIndicatorBench(b *testing.B, db *store.DB, svc *service.Service, systems int) context.Context {
	b.Helper()
	start := time.Now()
	f := storetest.NewOrg(b, db, "bench")
	ctx := service.OperatorContext(context.Background(), f.Org, "bench")
	if _, err := svc.SaveRiskCriteria(ctx, aims.DefaultRiskCriteria()); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.StartSoADraft(ctx, "bench"); err != nil {
		b.Fatal(err)
	}
	ids := f.SeedInventory(b, db, f.Admin.ID, systems, 2)
	levels := []string{"low", "medium", "high"}
	today := aims.DateOf(time.Now())
	const batch = 250
	for lo := 0; lo < len(ids); lo += batch {
		err := db.Transact(context.Background(), func(tx *store.Tx) error {
			for i := lo; i < min(lo+batch, len(ids)); i++ {
				sys, err := store.FindSystemByID(ctx, tx, f.Scope, ids[i])
				if err != nil {
					return err
				}
				if sys.Deployed != nil {
					versions, _, err := store.FindModelVersions(ctx, tx, f.Scope, sys.ID, aims.ModelVersionFilter{})
					if err != nil {
						return err
					}
					for _, v := range versions {
						if v.ID == sys.Deployed.ID {
							if _, err := store.ApproveModelVersion(ctx, tx, f.Scope, v, &aims.ModelVersionApproval{Status: aims.ModelDeployed,
								Evidence: "validation report", AcceptanceCriteria: "MAE below 0.5", Result: "MAE 0.4"}); err != nil {
								return err
							}
						}
					}
				}
				a := &aims.ImpactAssessment{SystemID: sys.ID}
				if err := store.CreateImpactAssessment(ctx, tx, f.Scope, a); err != nil {
					return err
				}
				snap := aims.SnapshotOf(sys)
				if i%10 == 0 {
					snap.DeployedModelVersionID, snap.Purpose = "", "an older purpose" // out of date
				}
				after := *a
				if err := store.SignOffImpactAssessment(ctx, tx, f.Scope, a, &after, snap); err != nil {
					return err
				}
				for k := range 2 {
					lvl := levels[(i+k)%3]
					r := &aims.Risk{SystemID: sys.ID, Title: fmt.Sprintf("Risk %d-%d", i, k), OwnerID: f.Admin.ID, CriteriaVersion: 1,
						Likelihood: 2, Consequence: 2, Level: lvl, LevelRank: (i + k) % 3, ResidualRank: -1, Status: aims.RiskOpen,
						Source: aims.RiskSource{Kind: aims.SourceCustom, Text: "bench"}}
					r.Normalize()
					if err := store.CreateRisk(ctx, tx, f.Scope, r); err != nil {
						return err
					}
					due := aims.DateOf(today.AddDate(0, 0, 30-(i%3)*30))
					act := &aims.TreatmentAction{RiskID: r.ID, Title: "Treat " + r.Title, OwnerID: f.Admin.ID, DueDate: &due, Status: aims.ActionPlanned}
					if err := store.CreateRiskAction(ctx, tx, f.Scope, act); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	// The people whose AI literacy the literacy indicator judges: 50,000
	// people, five holders of a role per system, 200,000 training records
	// (as BenchmarkRoleGaps), one of whose competences counts as literacy.
	people, records := 50_000, 200_000
	if testing.Short() {
		people, records = 5_000, 20_000
	}
	if _, err := store.SeedCompetenceBench(ctx, db, f.Scope, f.Admin.ID,
		store.CompetenceBenchSpec{People: people, Records: records, HoldersPerSystem: 5, SystemIDs: ids}); err != nil {
		b.Fatal(err)
	}
	if err := svc.SaveLiteracySetting(ctx, &aims.LiteracySetting{Competences: []string{"ML validation"}, MaxAgeMonths: 24}); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d systems with assessments, %d risks and actions, %d people and %d training records in %v",
		systems, 2*systems, people, records, time.Since(start).Round(time.Millisecond))
	return ctx
}
