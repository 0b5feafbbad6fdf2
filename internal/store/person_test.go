package store_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestPeople checks what the people register promises on both databases:
// every member has a person linked to the account, a person without an
// account may be added, an email is unique in any case, filters and sorts
// select what they say, and another organization's person is not found.
func TestPeople(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		other := storetest.NewOrg(t, db, "other")

		admin, err := store.FindPersonByUserID(ctx, db, f.Scope, f.Admin.ID)
		if err != nil {
			t.Fatalf("the admin member has no person: %v", err)
		}
		if admin.Email != f.Admin.Email || !admin.Active {
			t.Errorf("admin's person = %+v", admin)
		}

		create := func(scope aims.Scope, p *aims.Person) error {
			p.Normalize()
			return db.Transact(ctx, func(tx *store.Tx) error { return store.CreatePerson(ctx, tx, scope, p) })
		}
		night := &aims.Person{Name: "Ana Silva", JobTitle: "Operator", Department: "Production", Site: "Riverside", Active: true}
		if err := create(f.Scope, night); err != nil {
			t.Fatal(err)
		}
		// Two people without email are fine; a taken email in another case is not.
		if err := create(f.Scope, &aims.Person{Name: "Ben Ode", Department: "production", Site: "Harbour", Active: true}); err != nil {
			t.Fatal(err)
		}
		err = create(f.Scope, &aims.Person{Name: "Twin", Email: "  " + upper(f.Admin.Email), Active: true})
		if !aims.IsKind(err, aims.KindConflict) {
			t.Fatalf("taken email: err = %v, want a conflict", err)
		}
		// The same email in another organization is another person.
		if err := create(other.Scope, &aims.Person{Name: "Twin", Email: f.Admin.Email, Active: true}); err != nil {
			t.Fatal(err)
		}

		list, total, err := store.FindPeople(ctx, db, f.Scope, aims.PersonFilter{Department: "PRODUCTION", Sort: "-name"})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(list) != 2 || list[0].Name != "Ben Ode" || list[1].Name != "Ana Silva" {
			t.Errorf("department filter sorted by name descending: %d %v", total, names(list))
		}
		list, _, _ = store.FindPeople(ctx, db, f.Scope, aims.PersonFilter{Site: "riverside", Search: "silv"})
		if len(list) != 1 || list[0].ID != night.ID {
			t.Errorf("site and search: %v", names(list))
		}
		inactive := false
		if _, total, _ = store.FindPeople(ctx, db, f.Scope, aims.PersonFilter{Active: &inactive}); total != 0 {
			t.Errorf("inactive people: %d, want 0", total)
		}

		if _, err := store.FindPersonByID(ctx, db, other.Scope, night.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization's person: err = %v, want not found", err)
		}
		_, total, _ = store.FindPeople(ctx, db, other.Scope, aims.PersonFilter{})
		if total != 2 { // its admin and Twin
			t.Errorf("other organization lists %d people, want 2", total)
		}

		// A person who becomes a member is linked by email, not duplicated.
		ana := &aims.Person{Name: "Ana", Email: "ana@acme.example", Active: true}
		if err := create(f.Scope, ana); err != nil {
			t.Fatal(err)
		}
		joined := f.AddMember(t, db, "ana@acme.example", aims.RoleViewer)
		linked, err := store.FindPersonByUserID(ctx, db, f.Scope, joined.ID)
		if err != nil || linked.ID != ana.ID {
			t.Errorf("member's person = %v, %v; want the existing person %s", linked, err, ana.ID)
		}
		err = db.Transact(ctx, func(tx *store.Tx) error { return store.DeletePerson(ctx, tx, f.Scope, linked) })
		if !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("delete a member's person: err = %v, want a conflict", err)
		}
	})
}

func names(list []*aims.Person) []string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.Name
	}
	return out
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
