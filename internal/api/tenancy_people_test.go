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
					notFoundAs(me, "documents", http.MethodGet, u+"/documents", nil),
					notFoundAs(me, "update", http.MethodPatch, u, map[string]any{"site": "Elsewhere"}),
					notFoundAs(me, "delete", http.MethodDelete, u, nil),
					listAs(me, "list", "/api/v1/people?q="+url.QueryEscape(p.Name), p.ID, p.Name),
					listAs(me, "export", "/api/v1/people/export.csv", p.ID, p.Name),
				})
				role := o.mustRole(t, e.db)
				asg := o.mustAssignment(t, e.db)
				req := o.mustRequirement(t, e.db)
				tr := o.mustTraining(t, e.db)
				ses := o.mustSession(t, e.db)
				e.run(t, []scenario{
					notFoundAs(me, "role", http.MethodGet, "/api/v1/aims-roles/"+role.ID, nil),
					notFoundAs(me, "role gaps", http.MethodGet, "/api/v1/aims-roles/"+role.ID+"/gaps", nil),
					notFoundAs(me, "assignment", http.MethodDelete, "/api/v1/role-assignments/"+asg.ID, nil),
					notFoundAs(me, "requirement", http.MethodPatch, "/api/v1/competence-requirements/"+req.ID, map[string]any{"action": "x"}),
					notFoundAs(me, "training", http.MethodGet, "/api/v1/training-records/"+tr.ID, nil),
					notFoundAs(me, "session", http.MethodGet, "/api/v1/awareness-sessions/"+ses.ID, nil),
					notFoundAs(me, "competence", http.MethodGet, u+"/competence", nil),
					listAs(me, "roles", "/api/v1/aims-roles", role.ID),
					listAs(me, "raci", "/api/v1/raci", role.ID),
					listAs(me, "training list", "/api/v1/training-records", tr.ID),
					listAs(me, "training export", "/api/v1/training-records/export.csv", tr.ID),
					listAs(me, "literacy", "/api/v1/ai-literacy", p.ID),
					unprocessableAs(me, "assign another's person", http.MethodPost, "/api/v1/role-assignments",
						map[string]any{"role_id": role.ID, "person_id": p.ID}, "/person_id /role_id"),
					unprocessableAs(me, "train another's person", http.MethodPost, "/api/v1/training-records",
						map[string]any{"person_id": p.ID, "competence": "X", "completed_on": "2026-01-01"}, "/person_id"),
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
		person := o.mustPerson(t, e.db)
		e.run(t, []scenario{
			{name: "expiry before the date", org: "a", role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/training-records",
				body:       map[string]any{"person_id": person.ID, "competence": "First aid", "completed_on": "2026-05-01", "expires_on": "2026-04-30"},
				wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/expires_on")},
			{name: "expiry on the date", org: "a", role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/training-records",
				body:       map[string]any{"person_id": person.ID, "competence": "First aid", "completed_on": "2026-05-01", "expires_on": "2026-05-01"},
				wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/expires_on")},
			{name: "unknown RACI letter and process", org: "a", role: aims.RoleAdmin, method: http.MethodPatch, url: "/api/v1/raci",
				body:       map[string]any{"cells": []map[string]any{{"process": "lunch", "role_id": "x", "letter": "Z"}}},
				wantStatus: http.StatusUnprocessableEntity, check: wantPointers("/cells/0/letter", "/cells/0/process")},
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
