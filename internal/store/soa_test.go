package store_test

import (
	"context"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestSoAVersionsAreFrozenOnceApproved(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		v := &aims.SoAVersion{Number: 1, CreatedBy: "test", Rows: []*aims.SoARow{
			{Framework: "iso42001", RequirementID: "A.2.2", Applicability: aims.Applicable, Justification: "j", Status: aims.Implemented, OwnerID: f.Admin.ID},
			{Framework: "iso42001", RequirementID: "A.2.3", Applicability: aims.Excluded, Justification: "j", Status: aims.NotStarted},
		}}
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.CreateSoAVersion(ctx, tx, f.Scope, v) }); err != nil {
			t.Fatal(err)
		}
		// One draft at a time.
		err := db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateSoAVersion(ctx, tx, f.Scope, &aims.SoAVersion{Number: 2, CreatedBy: "test"})
		})
		if !aims.IsKind(err, aims.KindConflict) {
			t.Fatalf("second draft: err = %v, want conflict", err)
		}
		got, err := store.FindSoAVersion(ctx, db, f.Scope, 0)
		if err != nil || got.Number != 1 || len(got.Rows) != 2 || got.Rows[0].OwnerEmail != f.Admin.Email {
			t.Fatalf("newest version = %+v (%v)", got, err)
		}
		after := *got
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.ApproveSoAVersion(ctx, tx, f.Scope, got, &after) }); err != nil {
			t.Fatal(err)
		}
		approved, _ := store.FindSoAVersion(ctx, db, f.Scope, 1)
		if approved.Status != aims.SoAApproved || approved.ApprovedByID != f.Admin.ID || approved.ApprovedAt == nil {
			t.Fatalf("approved version = %+v", approved)
		}
		row := *approved.Rows[0]
		row.Notes = "changed"
		err = db.Transact(ctx, func(tx *store.Tx) error {
			return store.UpdateSoARow(ctx, tx, f.Scope, approved, approved.Rows[0], &row)
		})
		if !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("update row of approved version: err = %v, want conflict", err)
		}
		// Below the store, the database refuses as well.
		for _, q := range []string{`UPDATE soa_rows SET notes = 'x'`, `DELETE FROM soa_rows`, `UPDATE soa_versions SET note = 'x'`} {
			if err := store.TamperForTest(ctx, db, q); err == nil {
				t.Errorf("%s on an approved version succeeded", q)
			}
		}
		// Another organization sees nothing.
		other := storetest.NewOrg(t, db, "other")
		if _, err := store.FindSoAVersion(ctx, db, other.Scope, 1); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org: err = %v, want not found", err)
		}
	})
}

func TestOrgFrameworksTextsAndMappings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		fw := &aims.Framework{ID: "iso27001", Title: "ISO/IEC 27001 Annex A", Requirements: []*aims.Requirement{{ID: "A.5.1", Kind: "control", Title: "Policies"}}}
		err := db.Transact(ctx, func(tx *store.Tx) error {
			if err := store.CreateOrgFramework(ctx, tx, f.Scope, fw); err != nil {
				return err
			}
			if err := store.PutRequirementText(ctx, tx, f.Scope, map[string]string{}, &aims.RequirementText{Framework: "iso42001", ID: "A.2.2", Text: "t"}); err != nil {
				return err
			}
			return store.CreateMapping(ctx, tx, f.Scope, &aims.Mapping{From: "iso27001", Source: "A.5.1", To: "iso42001", Target: "A.2.2", Relationship: aims.RelIntersects, Rationale: "both policies"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.CreateOrgFramework(ctx, tx, f.Scope, fw) }); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("import twice: err = %v, want conflict", err)
		}
		fws, err := store.FindOrgFrameworks(ctx, db, f.Scope)
		if err != nil || len(fws) != 1 || !fws[0].Imported || fws[0].Requirements[0].ID != "A.5.1" {
			t.Fatalf("frameworks = %+v (%v)", fws, err)
		}
		if n, _ := store.CountFrameworkUses(ctx, db, f.Scope, "iso27001"); n != 1 {
			t.Errorf("uses of iso27001 = %d, want 1 (the mapping)", n)
		}
		texts, _ := store.FindRequirementTexts(ctx, db, f.Scope, "iso42001")
		if texts["A.2.2"] != "t" {
			t.Errorf("texts = %v", texts)
		}
		evs, _, _ := store.FindAuditEvents(ctx, db, f.Scope, aims.AuditFilter{EntityType: aims.EntityFramework})
		if len(evs) != 1 {
			t.Errorf("framework audit events = %d, want 1", len(evs))
		}
		other := storetest.NewOrg(t, db, "other")
		if fws, _ := store.FindOrgFrameworks(ctx, db, other.Scope); len(fws) != 0 {
			t.Error("another organization sees the imported framework")
		}
	})
}
