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
	})
}
