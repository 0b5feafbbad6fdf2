package service_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func benchDB(b *testing.B, dialect string) *store.DB {
	if dialect == "sqlite" {
		return storetest.OpenSQLite(b)
	}
	return storetest.OpenPostgres(b)
}

// BenchmarkRoleGaps computes the competence gap list of one role (5 holders
// for each of 1,000 systems) in an organization of 50,000 people with
// 200,000 training records (issue 16: under 50 ms server side).
func BenchmarkRoleGaps(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			db := benchDB(b, dialect)
			o := newInventoryOrg(b, db, "acme")
			role, err := store.SeedCompetenceBench(b.Context(), db, o.Scope, o.owner.ID,
				store.CompetenceBenchSpec{People: 50_000, Records: 200_000, Systems: 1_000, HoldersPerSystem: 5})
			if err != nil {
				b.Fatal(err)
			}
			ctx := o.as(aims.RoleViewer)
			for b.Loop() {
				gaps, err := o.svc.FindRoleGaps(ctx, role)
				if err != nil {
					b.Fatal(err)
				}
				if len(gaps) == 0 {
					b.Fatal("no gaps")
				}
			}
		})
	}
}

// BenchmarkImportPeopleCSV imports 50,000 new people in one file into a
// fresh organization each time (issue 16: under 10 s).
func BenchmarkImportPeopleCSV(b *testing.B) {
	var file strings.Builder
	file.WriteString("name,email,job_title,department,site\n")
	for i := range 50_000 {
		fmt.Fprintf(&file, "Person %06d,person%06d@acme.test,Operator,Dept %d,Plant %d\n", i, i, i%40, i%7)
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			db := benchDB(b, dialect)
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				o := newInventoryOrg(b, db, fmt.Sprintf("bench%d", i))
				b.StartTimer()
				res, err := o.svc.ImportPeopleCSV(o.as(aims.RoleAdmin), strings.NewReader(file.String()))
				if err != nil {
					b.Fatal(err)
				}
				if res.Created != 50_000 {
					b.Fatalf("created %d", res.Created)
				}
			}
		})
	}
}
