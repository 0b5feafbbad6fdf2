package service_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
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
