package service_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestAwarenessAttendeesAreTheOrganizations checks that a session's
// attendees must all be people of the organization: an unknown id and
// another organization's person are each named by their place in the list.
func TestAwarenessAttendeesAreTheOrganizations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newInventoryOrg(t, db, "acme")
		other := newInventoryOrg(t, db, "other")
		admin := o.as(aims.RoleAdmin)
		ana := &aims.Person{Name: "Ana Silva", Active: true}
		if err := o.svc.CreatePerson(admin, ana); err != nil {
			t.Fatal(err)
		}
		stranger := &aims.Person{Name: "Stranger", Active: true}
		if err := other.svc.CreatePerson(other.as(aims.RoleAdmin), stranger); err != nil {
			t.Fatal(err)
		}
		s := &aims.AwarenessSession{HeldOn: aims.DateOf(db.Now()), Topic: "AI policy briefing",
			AttendeeIDs: []string{ana.ID, "no-such-id", stranger.ID}}
		err := o.svc.CreateAwarenessSession(admin, s)
		var got []string
		if ae, ok := err.(*aims.Error); ok && ae.Kind == aims.KindInvalid {
			for _, f := range ae.Fields {
				got = append(got, f.Field)
			}
		} else {
			t.Fatalf("session with foreign attendees: %v, want invalid", err)
		}
		if diff := cmp.Diff([]string{"attendee_ids/1", "attendee_ids/2"}, got); diff != "" {
			t.Errorf("bad attendees (-want +got):\n%s", diff)
		}
		s.AttendeeIDs = []string{ana.ID}
		if err := o.svc.CreateAwarenessSession(admin, s); err != nil {
			t.Fatalf("session with the organization's person: %v", err)
		}
	})
}
