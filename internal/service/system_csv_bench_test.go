package service_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// BenchmarkImportSystemsCSV imports 10,000 new AI systems in one file, into
// a fresh organization each time, on each database.
func BenchmarkImportSystemsCSV(b *testing.B) {
	var file strings.Builder
	file.WriteString("name,purpose,owner_email,business_unit,site,operator_roles,lifecycle_stage,autonomy,impact_domains,techniques,supplier,tags\n")
	for i := range 10_000 {
		fmt.Fprintf(&file, "System %05d,Predicts wear of line %d,owner@bench%%d.test,Operations,Plant %d,deployer;developer,deployed,advisory,quality;safety,gradient boosting,Dewatering Controls GmbH,plant;line-%d\n",
			i, i, i%7, i%50)
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var db *store.DB
			if dialect == "sqlite" {
				db = storetest.OpenSQLite(b)
			} else {
				db = storetest.OpenPostgres(b)
			}
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				slug := fmt.Sprintf("bench%d", i)
				o := newInventoryOrg(b, db, slug)
				data := strings.ReplaceAll(file.String(), "%d", fmt.Sprint(i))
				b.StartTimer()
				res, err := o.svc.ImportSystemsCSV(o.as(aims.RoleContributor), strings.NewReader(data), false)
				if err != nil {
					b.Fatal(err)
				}
				if res.Created != 10_000 {
					b.Fatalf("created %d", res.Created)
				}
			}
		})
	}
}
