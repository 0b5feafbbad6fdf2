package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestPeopleTenancy checks that a person of another organization answers
// 404 to every operation, as an unknown id does, and stays out of lists
// and exports.
func TestPeopleTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		for _, pair := range [][2]string{{"a", "b"}, {"b", "a"}} {
			me, other := pair[0], pair[1]
			t.Run(me+" on "+other, func(t *testing.T) {
				o := e.orgs[other]
				p := o.mustPerson(t, e.db)
				u := "/api/v1/people/" + p.ID
				e.run(t, []scenario{
					notFoundAs(me, "get", http.MethodGet, u, nil),
					notFoundAs(me, "update", http.MethodPatch, u, map[string]any{"site": "Elsewhere"}),
					notFoundAs(me, "delete", http.MethodDelete, u, nil),
					listAs(me, "list", "/api/v1/people?q="+url.QueryEscape(p.Name), p.ID, p.Name),
					listAs(me, "export", "/api/v1/people/export.csv", p.ID, p.Name),
				})
			})
		}
	})
}

// TestPeopleBadInput checks the answers a client relies on: every bad
// field named, a taken email a conflict on the email, a member's person
// not deletable.
func TestPeopleBadInput(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		admin := o.members[aims.RoleAdmin]
		e.run(t, []scenario{
			{name: "no name, bad email", org: "a", role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/people",
				body: map[string]any{"name": " ", "email": "not an address"}, wantStatus: http.StatusUnprocessableEntity,
				check: wantPointers("/email", "/name")},
			{name: "email of a member", org: "a", role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/people",
				body: map[string]any{"name": "Twin", "email": admin.Email}, wantStatus: http.StatusConflict, check: wantPointers("/email")},
		})
		mine, err := e.svc.FindPersonByUserID(o.operator(), admin.ID)
		if err != nil {
			t.Fatalf("the admin has no person: %v", err)
		}
		e.run(t, []scenario{
			{name: "delete a member's person", org: "a", role: aims.RoleAdmin, method: http.MethodDelete,
				url: "/api/v1/people/" + mine.ID, wantStatus: http.StatusConflict},
		})
	})
}
