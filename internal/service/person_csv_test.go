package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestPeopleAndTrainingImportsAreAtomic checks that a file with any bad row
// imports nothing and that the answer names every bad row and column, on
// both databases; and that a good file imports, matched by email.
func TestPeopleAndTrainingImportsAreAtomic(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newInventoryOrg(t, db, "acme")
		admin := o.as(aims.RoleAdmin)
		bad := "name,email,active\nAna,ana@acme.test,yes\n,bad address,maybe\nBen,ANA@acme.test,\n"
		_, err := o.svc.ImportPeopleCSV(admin, strings.NewReader(bad))
		var got []string
		if ae, ok := err.(*aims.Error); ok && ae.Kind == aims.KindInvalid {
			for _, f := range ae.Fields {
				got = append(got, f.Field)
			}
		} else {
			t.Fatalf("bad file: err = %v, want invalid", err)
		}
		want := []string{"rows/3/name", "rows/3/email", "rows/3/active", "rows/4/email"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("bad cells (-want +got):\n%s", diff)
		}
		if _, n, _ := o.svc.FindPeople(admin, aims.PersonFilter{Search: "Ana"}); n != 0 {
			t.Errorf("a refused file imported %d people", n)
		}

		res, err := o.svc.ImportPeopleCSV(admin, strings.NewReader("name,email,department\nAna Silva,ana@acme.test,Production\nBen Oduya,,Production\n"))
		if err != nil || res.Created != 2 {
			t.Fatalf("good file: %+v, %v", res, err)
		}
		res, err = o.svc.ImportPeopleCSV(admin, strings.NewReader("name,email,department\nAna Silva,ANA@acme.test,Quality\n"))
		if err != nil || res.Created != 0 || res.Updated != 1 {
			t.Fatalf("update by email: %+v, %v", res, err)
		}

		badTraining := "person_email,competence,completed_on,expires_on\n" +
			"ana@acme.test,AI literacy basics,2026-01-10,2028-01-10\n" +
			"ana@acme.test,First aid,2026-05-01,2026-04-30\n" +
			"nobody@acme.test,,not a date,\n"
		_, err = o.svc.ImportTrainingRecordsCSV(admin, strings.NewReader(badTraining))
		got = nil
		if ae, ok := err.(*aims.Error); ok && ae.Kind == aims.KindInvalid {
			for _, f := range ae.Fields {
				got = append(got, f.Field)
			}
		} else {
			t.Fatalf("bad training file: err = %v, want invalid", err)
		}
		want = []string{"rows/3/expires_on", "rows/4/person_email", "rows/4/competence", "rows/4/completed_on"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("bad training cells (-want +got):\n%s", diff)
		}
		if _, n, _ := o.svc.FindTrainingRecords(admin, aims.TrainingRecordFilter{}); n != 0 {
			t.Errorf("a refused training file imported %d records", n)
		}
	})
}

// TestImportsSealEveryRecord imports people and training records in bulk
// and checks the log on the result (what `aims log check` runs): every
// created person and record has its audit event, sealed, matching the
// stored row, on both databases.
func TestImportsSealEveryRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newInventoryOrg(t, db, "acme")
		admin := o.as(aims.RoleAdmin)
		var people, training strings.Builder
		people.WriteString("name,email,department\n")
		training.WriteString("person_email,competence,completed_on,expires_on\n")
		const n = 300 // more than one multi-row statement on both databases
		for i := range n {
			fmt.Fprintf(&people, "Person %03d,p%03d@acme.test,Dept %d\n", i, i, i%4)
			fmt.Fprintf(&training, "P%03d@acme.test,AI literacy basics,2026-01-%02d,2028-01-10\n", i, 1+i%28)
		}
		before, err := o.svc.CheckLogs(context.Background(), service.LogCheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := o.svc.ImportPeopleCSV(admin, strings.NewReader(people.String()))
		if err != nil || res.Created != n {
			t.Fatalf("import people: %+v, %v", res, err)
		}
		res, err = o.svc.ImportTrainingRecordsCSV(admin, strings.NewReader(training.String()))
		if err != nil || res.Created != n {
			t.Fatalf("import training: %+v, %v", res, err)
		}
		rep, err := o.svc.CheckLogs(context.Background(), service.LogCheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) != 0 {
			t.Fatalf("log check after the imports: %d findings, first %+v", len(rep.Findings), rep.Findings[0])
		}
		if got := rep.Leaves - before.Leaves; got != 2*n {
			t.Errorf("the imports sealed %d leaves, want %d (one per person and record)", got, 2*n)
		}
		_, total, err := o.svc.FindAuditEvents(admin, aims.AuditFilter{EntityType: aims.EntityTrainingRecord})
		if err != nil || total != n {
			t.Errorf("training record audit events: %d, %v; want %d", total, err, n)
		}
	})
}
