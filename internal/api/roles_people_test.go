package api_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// mustPerson makes a person without an account.
func (o *orgEnv) mustPerson(t testing.TB, db *store.DB) *aims.Person {
	t.Helper()
	p := &aims.Person{Name: unique("Person"), Department: "Operations", Site: "Riverside", Active: true}
	p.Normalize()
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreatePerson(ctx, tx, o.Scope, p) })
	return p
}

func aPerson(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustPerson(t, e.db).ID}, body
	}
}

// mustRole makes an AIMS role.
func (o *orgEnv) mustRole(t testing.TB, db *store.DB) *aims.AIMSRole {
	t.Helper()
	r := &aims.AIMSRole{Name: unique("Role")}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateAIMSRole(ctx, tx, o.Scope, r) })
	return r
}

func (o *orgEnv) mustAssignment(t testing.TB, db *store.DB) *aims.RoleAssignment {
	t.Helper()
	a := &aims.RoleAssignment{RoleID: o.mustRole(t, db).ID, PersonID: o.mustPerson(t, db).ID}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateRoleAssignment(ctx, tx, o.Scope, a) })
	return a
}

func (o *orgEnv) mustRequirement(t testing.TB, db *store.DB) *aims.CompetenceRequirement {
	t.Helper()
	c := &aims.CompetenceRequirement{RoleID: o.mustRole(t, db).ID, Competence: "ML validation"}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error {
		return store.CreateCompetenceRequirement(ctx, tx, o.Scope, c)
	})
	return c
}

func (o *orgEnv) mustTraining(t testing.TB, db *store.DB) *aims.TrainingRecord {
	t.Helper()
	d, _ := aims.ParseDate("2026-01-10")
	r := &aims.TrainingRecord{PersonID: o.mustPerson(t, db).ID, Competence: "AI literacy basics", CompletedOn: d}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateTrainingRecord(ctx, tx, o.Scope, r) })
	return r
}

func (o *orgEnv) mustSession(t testing.TB, db *store.DB) *aims.AwarenessSession {
	t.Helper()
	d, _ := aims.ParseDate("2026-02-01")
	s := &aims.AwarenessSession{HeldOn: d, Topic: unique("Briefing"), AttendeeIDs: []string{o.mustPerson(t, db).ID}}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error {
		return store.CreateAwarenessSession(ctx, tx, o.Scope, s)
	})
	return s
}

func withPersonID(id func(t testing.TB, e *apiEnv, o *orgEnv) string, body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": id(t, e, o)}, body
	}
}

func roleID(t testing.TB, e *apiEnv, o *orgEnv) string        { return o.mustRole(t, e.db).ID }
func assignmentID(t testing.TB, e *apiEnv, o *orgEnv) string  { return o.mustAssignment(t, e.db).ID }
func requirementID(t testing.TB, e *apiEnv, o *orgEnv) string { return o.mustRequirement(t, e.db).ID }
func trainingID(t testing.TB, e *apiEnv, o *orgEnv) string    { return o.mustTraining(t, e.db).ID }
func sessionID(t testing.TB, e *apiEnv, o *orgEnv) string     { return o.mustSession(t, e.db).ID }
func personID(t testing.TB, e *apiEnv, o *orgEnv) string      { return o.mustPerson(t, e.db).ID }

func init() {
	addOpCases(map[string]opCase{
		"list-people":   {allowed: everyone, prepare: noParams, success: 200},
		"export-people": {allowed: exporters, prepare: noParams, success: 200},
		"create-person": {allowed: editors, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"name": unique("Operator"), "job_title": "Night shift operator"}
		}},
		"get-person":    {allowed: everyone, prepare: aPerson(nil), success: 200},
		"update-person": {allowed: editors, prepare: aPerson(map[string]any{"site": "Harbour"}), success: 200},
		"delete-person": {allowed: editors, prepare: aPerson(nil), success: 204},

		"list-aims-roles": {allowed: everyone, prepare: noParams, success: 200},
		"create-aims-role": {allowed: editors, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"name": unique("Data steward"), "responsibilities": "Keeps provenance"}
		}},
		"get-aims-role":         {allowed: everyone, prepare: withPersonID(roleID, nil), success: 200},
		"update-aims-role":      {allowed: editors, prepare: withPersonID(roleID, map[string]any{"authorities": "May block"}), success: 200},
		"delete-aims-role":      {allowed: editors, prepare: withPersonID(roleID, nil), success: 204},
		"list-aims-role-gaps":   {allowed: everyone, prepare: withPersonID(roleID, nil), success: 200},
		"list-role-assignments": {allowed: everyone, prepare: noParams, success: 200},
		"create-role-assignment": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"role_id": roleID(t, e, o), "person_id": personID(t, e, o)}
		}},
		"get-role-assignment":    {allowed: everyone, prepare: withPersonID(assignmentID, nil), success: 200},
		"update-role-assignment": {allowed: editors, prepare: withPersonID(assignmentID, map[string]any{"note": "Night shift"}), success: 200},
		"delete-role-assignment": {allowed: editors, prepare: withPersonID(assignmentID, nil), success: 204},
		"get-raci":               {allowed: everyone, prepare: noParams, success: 200},
		"update-raci": {allowed: editors, success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"cells": []map[string]any{{"process": "risk_assessment", "role_id": roleID(t, e, o), "letter": "R"}}}
		}},

		"list-competence-requirements": {allowed: everyone, prepare: noParams, success: 200},
		"create-competence-requirement": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"role_id": roleID(t, e, o), "competence": "Functional safety", "valid_months": 36}
		}},
		"get-competence-requirement":    {allowed: everyone, prepare: withPersonID(requirementID, nil), success: 200},
		"update-competence-requirement": {allowed: editors, prepare: withPersonID(requirementID, map[string]any{"action": "Book the course"}), success: 200},
		"delete-competence-requirement": {allowed: editors, prepare: withPersonID(requirementID, nil), success: 204},
		"list-training-records":         {allowed: everyone, prepare: noParams, success: 200},
		"export-training-records":       {allowed: exporters, prepare: noParams, success: 200},
		"create-training-record": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"person_id": personID(t, e, o), "competence": "AI literacy basics", "completed_on": "2026-03-01", "expires_on": "2028-03-01"}
		}},
		"get-training-record":     {allowed: everyone, prepare: withPersonID(trainingID, nil), success: 200},
		"update-training-record":  {allowed: editors, prepare: withPersonID(trainingID, map[string]any{"evidence": "Certificate 42"}), success: 200},
		"delete-training-record":  {allowed: editors, prepare: withPersonID(trainingID, nil), success: 204},
		"list-awareness-sessions": {allowed: everyone, prepare: noParams, success: 200},
		"create-awareness-session": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"held_on": "2026-03-01", "topic": "Using the credit scorer responsibly", "attendee_ids": []string{personID(t, e, o)}}
		}},
		"get-awareness-session":    {allowed: everyone, prepare: withPersonID(sessionID, nil), success: 200},
		"update-awareness-session": {allowed: editors, prepare: withPersonID(sessionID, map[string]any{"notes": "Slides shared"}), success: 200},
		"delete-awareness-session": {allowed: editors, prepare: withPersonID(sessionID, nil), success: 204},
		"get-ai-literacy":          {allowed: everyone, prepare: noParams, success: 200},
		"put-ai-literacy": {allowed: editors, success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"competences": []string{"AI literacy basics"}, "max_age_months": 24}
		}},
		"get-person-competence": {allowed: everyone, prepare: withPersonID(personID, nil), success: 200},
		"get-person-documents":  {allowed: everyone, prepare: withPersonID(personID, nil), success: 200},
		"import-people": {allowed: editors, contentType: "text/csv", success: 200, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, "name,job_title\n" + unique("Imported") + ",Operator\n"
		}},
		"import-training-records": {allowed: editors, contentType: "text/csv", success: 200, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			p := &aims.Person{Name: unique("Trainee"), Email: unique("trainee") + "@example.test", Active: true}
			p.Normalize()
			o.mustWrite(t, e.db, func(ctx context.Context, tx *store.Tx) error { return store.CreatePerson(ctx, tx, o.Scope, p) })
			return nil, "person_email,competence,completed_on\n" + p.Email + ",AI literacy basics,2026-01-10\n"
		}},
	})
}
