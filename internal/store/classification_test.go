package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func classification(systemID string, tier aims.Tier, rationale string) *aims.Classification {
	yes := true
	return &aims.Classification{SystemID: systemID, SystemName: "s",
		ClassificationResult: aims.ClassificationResult{Tier: tier, Roles: []aims.OperatorRole{aims.OperatorDeployer}, Basis: []string{"Annex III 4(a)"},
			Obligations: []aims.Obligation{{Article: "Art. 26", Title: "Obligations of deployers", Roles: []aims.OperatorRole{aims.OperatorDeployer},
				AppliesFrom: aims.DateOf(time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)), Status: "adopted", LegalBasis: "Art. 113"}},
			Rationale: []aims.Reason{{Basis: "Annex III 4(a)", Text: "recruitment"}, {Text: rationale, Own: true}}},
		Answers: aims.ClassificationAnswers{AISystem: &yes, Roles: []aims.OperatorRole{aims.OperatorDeployer},
			AnnexIIIPoints: []string{"4(a)"}, GPAI: aims.GPAINone, Rationale: rationale}}
}

func TestClassificationVersions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		sys := f.MustCreateSystem(t, db, storetest.System("CV screener", f.Admin.ID))
		other := f.MustCreateSystem(t, db, storetest.System("Chatbot", f.Admin.ID))

		if _, err := store.FindClassification(ctx, db, f.Scope, sys.ID, 0); !aims.IsKind(err, aims.KindNotFound) {
			t.Fatalf("before any classification: err = %v, want not found", err)
		}
		var first, second *aims.Classification
		for i, c := range []*aims.Classification{
			classification(sys.ID, aims.TierHighRisk, "first reading"),
			classification(sys.ID, aims.TierMinimal, "second reading"),
			classification(other.ID, aims.TierTransparency, "chatbot"),
		} {
			err := db.Transact(ctx, func(tx *store.Tx) error {
				if err := store.CreateClassification(ctx, tx, f.Scope, c); err != nil {
					return err
				}
				if tx.EventsRecorded() != 1 {
					t.Errorf("classification %d: %d audit events, want 1", i, tx.EventsRecorded())
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			switch i {
			case 0:
				first = c
			case 1:
				second = c
			}
		}
		if first.Version != 1 || second.Version != 2 || first.ClassifiedByID != f.Admin.ID || first.ClassifiedBy != f.Admin.Email {
			t.Fatalf("versions %d and %d by %q %q, want 1 and 2 by the admin", first.Version, second.Version, first.ClassifiedByID, first.ClassifiedBy)
		}

		cur, err := store.FindClassification(ctx, db, f.Scope, sys.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Version != 2 || cur.Tier != aims.TierMinimal || cur.SystemName != "CV screener" || cur.Answers.Rationale != "second reading" {
			t.Errorf("current = v%d %s %q %q, want v2 minimal of CV screener", cur.Version, cur.Tier, cur.SystemName, cur.Answers.Rationale)
		}
		// What was stored reads back whole: answers and result.
		v1, err := store.FindClassification(ctx, db, f.Scope, sys.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		first.SystemName = "CV screener"
		want, _ := json.Marshal(first)
		got, _ := json.Marshal(v1)
		if string(got) != string(want) {
			t.Errorf("version 1 reads back as\n%s\nwant\n%s", got, want)
		}
		if _, err := store.FindClassification(ctx, db, f.Scope, sys.ID, 3); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("version 3: err = %v, want not found", err)
		}

		versions, err := store.FindClassificationVersions(ctx, db, f.Scope, sys.ID)
		if err != nil || len(versions) != 2 || versions[0].Version != 2 || versions[1].Version != 1 {
			t.Fatalf("versions = %d (%v), want 2 newest first", len(versions), err)
		}
		current, err := store.FindCurrentClassifications(ctx, db, f.Scope, "")
		if err != nil || len(current) != 2 || current[sys.ID].Version != 2 || current[other.ID].Tier != aims.TierTransparency {
			t.Fatalf("current classifications = %+v (%v)", current, err)
		}

		// Versions are never changed, not even below the store.
		for _, q := range []string{`UPDATE classifications SET tier = 'minimal'`, `DELETE FROM classifications`} {
			if err := store.TamperForTest(ctx, db, q); err == nil {
				t.Errorf("%s succeeded", q)
			}
		}
		// A classified system keeps its history: it can be retired, not deleted.
		err = db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteSystem(ctx, tx, f.Scope, sys) })
		if !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("delete a classified system: err = %v, want conflict", err)
		}

		// Another organization sees none of it, and cannot classify the
		// system.
		o := storetest.NewOrg(t, db, "other")
		if _, err := store.FindClassification(ctx, db, o.Scope, sys.ID, 0); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org, current: err = %v, want not found", err)
		}
		if vs, err := store.FindClassificationVersions(ctx, db, o.Scope, sys.ID); err != nil || len(vs) != 0 {
			t.Errorf("other org, versions: %d (%v), want none", len(vs), err)
		}
		if cur, err := store.FindCurrentClassifications(ctx, db, o.Scope, ""); err != nil || len(cur) != 0 {
			t.Errorf("other org, current: %d (%v), want none", len(cur), err)
		}
		err = db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateClassification(ctx, tx, o.Scope, classification(sys.ID, aims.TierMinimal, "x"))
		})
		if !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org classifies the system: err = %v, want not found", err)
		}
	})
}
