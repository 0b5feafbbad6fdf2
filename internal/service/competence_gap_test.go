package service_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestRoleGapsMatchEveryRecord checks that the gap list of a role and the
// AI literacy list, which read only the records that can decide them
// (store/training_current.go), say what the rules say over every training
// record of each person, after records are added, edited to an earlier
// expiry, deleted and imported by CSV: a person who holds both
// competences, one whose records expired, one who never held them, one
// whose current record was deleted, one whose record was edited, one
// imported, one with a record completed in the future, and one whose old
// record without expiry outlasts a newer one that expired.
func TestRoleGapsMatchEveryRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newInventoryOrg(t, db, "acme")
		admin := o.as(aims.RoleAdmin)
		today := aims.DateOf(time.Now())
		day := func(years, months, days int) aims.Date { return aims.Date{Time: today.AddDate(years, months, days)} }
		ptrDay := func(years, months, days int) *aims.Date { d := day(years, months, days); return &d }

		role := &aims.AIMSRole{Name: "Validation lead"}
		if err := o.svc.CreateAIMSRole(admin, role); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*aims.CompetenceRequirement{
			{RoleID: role.ID, Competence: "ML validation"},
			{RoleID: role.ID, Competence: "Statistics", ValidMonths: 24},
		} {
			if err := o.svc.CreateCompetenceRequirement(admin, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := o.svc.SaveLiteracySetting(admin, &aims.LiteracySetting{Competences: []string{"ML validation"}, MaxAgeMonths: 12}); err != nil {
			t.Fatal(err)
		}
		people := map[string]*aims.Person{}
		for _, name := range []string{"Held", "Expired", "Never", "Deleted", "Edited", "Imported", "Future", "Outlasting"} {
			p := &aims.Person{Name: name, Email: strings.ToLower(name) + "@acme.test", Active: true}
			if err := o.svc.CreatePerson(admin, p); err != nil {
				t.Fatal(err)
			}
			if err := o.svc.CreateRoleAssignment(admin, &aims.RoleAssignment{RoleID: role.ID, PersonID: p.ID}); err != nil {
				t.Fatal(err)
			}
			people[name] = p
		}
		record := func(name, competence string, done aims.Date, exp *aims.Date) *aims.TrainingRecord {
			r := &aims.TrainingRecord{PersonID: people[name].ID, Competence: competence, CompletedOn: done, ExpiresOn: exp}
			if err := o.svc.CreateTrainingRecord(admin, r); err != nil {
				t.Fatalf("%s %s: %v", name, competence, err)
			}
			return r
		}
		record("Held", "ML validation", day(-2, 0, 0), nil)
		record("Held", "ml VALIDATION", day(-3, 0, 0), nil) // dominated by the newer one
		record("Held", "Statistics", day(0, -6, 0), nil)
		record("Expired", "ML validation", day(-2, 0, 0), ptrDay(0, -1, 0))
		record("Expired", "ML validation", day(-3, 0, 0), ptrDay(0, -2, 0))
		record("Expired", "Statistics", day(-3, 0, 0), nil)
		record("Deleted", "ML validation", day(-4, 0, 0), ptrDay(-1, 0, 0))
		gone := record("Deleted", "ML validation", day(0, -1, 0), nil)
		edited := record("Edited", "ML validation", day(0, -3, 0), ptrDay(2, 0, 0))
		record("Future", "ML validation", day(0, 0, 1), nil)
		record("Future", "Statistics", day(-1, 0, 0), ptrDay(0, 0, -1))
		record("Future", "Statistics", day(0, 1, 0), nil)
		record("Outlasting", "ML validation", day(-5, 0, 0), nil)
		record("Outlasting", "ML validation", day(0, -4, 0), ptrDay(0, -1, 0))
		record("Outlasting", "Statistics", day(-3, 0, 0), nil)
		record("Outlasting", "Statistics", day(-1, -6, 0), ptrDay(0, -1, 0))

		if err := o.svc.DeleteTrainingRecord(admin, gone.ID); err != nil {
			t.Fatal(err)
		}
		earlier := day(0, 0, -2)
		if _, err := o.svc.UpdateTrainingRecord(admin, edited.ID, aims.TrainingRecordUpdate{ExpiresOn: &earlier}); err != nil {
			t.Fatal(err)
		}
		csv := "person_email,competence,completed_on,expires_on\n" +
			"imported@acme.test,ML validation," + day(0, -2, 0).String() + ",\n" +
			"imported@acme.test,Statistics," + day(-3, 0, 0).String() + "," + day(0, -1, 0).String() + "\n" +
			"edited@acme.test,Statistics," + day(0, -1, 0).String() + ",\n"
		if res, err := o.svc.ImportTrainingRecordsCSV(admin, strings.NewReader(csv)); err != nil || res.Created != 3 {
			t.Fatalf("import: %+v, %v", res, err)
		}

		reqs, _, err := o.svc.FindCompetenceRequirements(admin, aims.CompetenceRequirementFilter{RoleID: role.ID, Page: aims.Page{Limit: aims.MaxLimit}})
		if err != nil || len(reqs) != 2 {
			t.Fatalf("requirements: %d, %v", len(reqs), err)
		}
		slices.SortFunc(reqs, func(a, b *aims.CompetenceRequirement) int { return cmp.Compare(a.Competence, b.Competence) })
		setting := &aims.LiteracySetting{Competences: []string{"ML validation"}, MaxAgeMonths: 12}
		var want []aims.CompetenceGap
		wantLiteracy := map[string]aims.LiteracyStatus{}
		for _, p := range people {
			all, _, err := o.svc.FindTrainingRecords(admin, aims.TrainingRecordFilter{PersonID: p.ID, Page: aims.Page{Limit: aims.MaxLimit}})
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, rules.CompetenceGaps(p, reqs, all, today)...)
			wantLiteracy[p.Name], _ = rules.Literacy(setting, true, all, today)
		}
		got, err := o.svc.FindRoleGaps(o.as(aims.RoleViewer), role.ID)
		if err != nil {
			t.Fatal(err)
		}
		byPerson := func(a, b aims.CompetenceGap) int {
			return cmp.Or(cmp.Compare(a.PersonName, b.PersonName), cmp.Compare(a.Competence, b.Competence))
		}
		slices.SortFunc(want, byPerson)
		slices.SortFunc(got, byPerson)
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("gap list against every record (-want +got):\n%s", diff)
		}

		// What a person counts by hand, so that the comparison above cannot
		// pass with both sides wrong.
		summary := map[string]string{}
		for _, g := range got {
			summary[g.PersonName] += g.Competence + ":" + string(g.Reason) + " "
		}
		for name, s := range map[string]string{
			"Held":       "",
			"Expired":    "ML validation:expired Statistics:expired ",
			"Never":      "ML validation:missing Statistics:missing ",
			"Deleted":    "ML validation:expired Statistics:missing ",
			"Edited":     "ML validation:expired ",
			"Imported":   "Statistics:expired ",
			"Future":     "ML validation:missing Statistics:expired ",
			"Outlasting": "Statistics:expired ",
		} {
			if summary[name] != s {
				t.Errorf("%s: gaps %q, want %q", name, summary[name], s)
			}
		}

		rows, _, err := o.svc.FindLiteracy(o.as(aims.RoleViewer))
		if err != nil {
			t.Fatal(err)
		}
		gotLiteracy := map[string]aims.LiteracyStatus{}
		for _, r := range rows {
			if _, ok := people[r.PersonName]; ok {
				gotLiteracy[r.PersonName] = r.Status
			}
		}
		if diff := gocmp.Diff(wantLiteracy, gotLiteracy); diff != "" {
			t.Errorf("AI literacy against every record (-want +got):\n%s", diff)
		}
	})
}
