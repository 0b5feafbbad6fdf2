package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// soaWorld is an organization with one member per role.
type soaWorld struct {
	db    *store.DB
	svc   *service.Service
	f     *storetest.Fixture
	users map[aims.Role]*aims.Member
}

func newSoAWorld(t *testing.T, db *store.DB, slug string) *soaWorld {
	t.Helper()
	w := &soaWorld{db: db, svc: service.New(db, nil), f: storetest.NewOrg(t, db, slug), users: map[aims.Role]*aims.Member{}}
	w.users[aims.RoleAdmin] = w.f.Admin
	for _, r := range aims.RoleValues() {
		if r != aims.RoleAdmin {
			w.users[r] = w.f.AddMember(t, db, string(r)+"@"+slug+".test", r)
		}
	}
	return w
}

// as returns a context acting as the member with role.
func (w *soaWorld) as(role aims.Role) context.Context {
	m := w.users[role]
	return authz.WithPrincipal(context.Background(), &authz.Principal{UserID: m.ID, Email: m.Email, Name: m.Name,
		OrgID: w.f.Org.ID, OrgSlug: w.f.Org.Slug, OrgName: w.f.Org.Name, Role: role})
}

func iso(id string) aims.Ref { return aims.Ref{Framework: catalog.ISO42001, ID: id} }

// decideAll marks every row of the draft applicable with a justification.
func (w *soaWorld) decideAll(t *testing.T, number int) {
	t.Helper()
	v, err := w.svc.FindSoAVersion(w.as(aims.RoleAIMSManager), number, aims.SoAFilter{})
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]aims.Ref, len(v.Rows))
	for i, r := range v.Rows {
		refs[i] = r.Ref()
	}
	app, just := aims.Applicable, "Needed for our AI systems"
	if _, err := w.svc.UpdateSoARows(w.as(aims.RoleContributor), number, refs, aims.SoARowUpdate{Applicability: &app, Justification: &just}); err != nil {
		t.Fatal(err)
	}
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	if ae, ok := err.(*aims.Error); ok {
		for _, f := range ae.Fields {
			out[f.Field] = f.Detail
		}
	}
	return out
}

func TestSoADraftApproveFreezeAndNewDraft(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		mgr := w.as(aims.RoleAIMSManager)
		v1, err := w.svc.StartSoADraft(w.as(aims.RoleContributor), "first")
		if err != nil {
			t.Fatal(err)
		}
		if v1.Number != 1 || len(v1.Rows) != 38 {
			t.Fatalf("first draft: number %d with %d rows, want 1 with the 38 Annex A controls", v1.Number, len(v1.Rows))
		}
		if _, err := w.svc.StartSoADraft(mgr, ""); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("second draft while one exists: err = %v, want conflict", err)
		}

		// Excluding without a justification: 422 naming the field.
		excl := aims.Excluded
		_, err = w.svc.UpdateSoARow(mgr, 1, iso("A.10.4"), aims.SoARowUpdate{Applicability: &excl})
		if !aims.IsKind(err, aims.KindInvalid) || fieldsOf(err)["justification"] == "" {
			t.Fatalf("exclusion without justification: err = %v, want invalid naming justification", err)
		}

		// Approving with undecided controls: 422 listing every one.
		_, err = w.svc.ApproveSoA(mgr, 1, "")
		if !aims.IsKind(err, aims.KindInvalid) || len(fieldsOf(err)) != 38 || fieldsOf(err)["rows/iso42001:A.6.2.8/applicability"] == "" {
			t.Fatalf("approve with 38 undecided: err = %v (%d fields), want invalid listing 38", err, len(fieldsOf(err)))
		}

		w.decideAll(t, 1)
		just := "We sell no AI products"
		row, err := w.svc.UpdateSoARow(mgr, 1, iso("A.10.4"), aims.SoARowUpdate{Applicability: &excl, Justification: &just})
		if err != nil || row.Applicability != aims.Excluded {
			t.Fatalf("exclude A.10.4: %v, %+v", err, row)
		}
		owner := w.users[aims.RoleSystemOwner].ID
		impl := aims.Implemented
		if row, err = w.svc.UpdateSoARow(mgr, 1, iso("A.6.2.8"), aims.SoARowUpdate{Status: &impl, OwnerID: &owner}); err != nil || row.OwnerEmail == "" {
			t.Fatalf("set status and owner: %v %+v", err, row)
		}

		// Only aims_manager and admin approve.
		for _, role := range []aims.Role{aims.RoleContributor, aims.RoleSystemOwner, aims.RoleAuditor, aims.RoleViewer} {
			if _, err := w.svc.ApproveSoA(w.as(role), 1, ""); !aims.IsKind(err, aims.KindForbidden) {
				t.Errorf("%s approves: err = %v, want forbidden", role, err)
			}
		}
		approved, err := w.svc.ApproveSoA(mgr, 1, "management review")
		if err != nil {
			t.Fatal(err)
		}
		if approved.Status != aims.SoAApproved || approved.ApprovedByID != w.users[aims.RoleAIMSManager].ID || approved.ApprovedAt == nil {
			t.Fatalf("approved = %+v, want approver and time recorded", approved)
		}

		// Editing an approved version: 409.
		if _, err := w.svc.UpdateSoARow(mgr, 1, iso("A.2.2"), aims.SoARowUpdate{Status: &impl}); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("edit approved version: err = %v, want conflict", err)
		}
		if _, err := w.svc.ApproveSoA(w.as(aims.RoleAdmin), 1, ""); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("approve again: err = %v, want conflict", err)
		}

		// A new draft starts from the approved version.
		v2, err := w.svc.StartSoADraft(mgr, "")
		if err != nil {
			t.Fatal(err)
		}
		if v2.Number != 2 || v2.BasedOn != 1 {
			t.Fatalf("new draft %d based on %d, want 2 based on 1", v2.Number, v2.BasedOn)
		}
		got, err := w.svc.FindSoAVersion(mgr, 2, aims.SoAFilter{Applicability: aims.Excluded})
		if err != nil || len(got.Rows) != 1 || got.Rows[0].RequirementID != "A.10.4" || got.Rows[0].Justification != just {
			t.Fatalf("draft 2 excluded rows = %+v (%v), want A.10.4 carried over", got, err)
		}
		partial := aims.PartiallyImplemented
		if _, err := w.svc.UpdateSoARow(mgr, 2, iso("A.6.2.8"), aims.SoARowUpdate{Status: &partial}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AddSoAControl(mgr, 2, aims.Ref{Framework: catalog.NISTAIRMF, ID: "GOVERN 1.6"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AddSoAControl(mgr, 2, aims.Ref{Framework: catalog.NISTAIRMF, ID: "GOVERN 1"}); !aims.IsKind(err, aims.KindInvalid) {
			t.Errorf("adding a category as a control: err = %v, want invalid", err)
		}
		diff, err := w.svc.DiffSoA(w.as(aims.RoleAuditor), 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]string{}
		for _, ch := range diff {
			kinds[ch.RequirementID] = ch.Kind
		}
		if len(diff) != 2 || kinds["A.6.2.8"] != "changed" || kinds["GOVERN 1.6"] != "added" {
			t.Errorf("diff 1..2 = %+v, want A.6.2.8 changed and GOVERN 1.6 added", diff)
		}
		if err := w.svc.RemoveSoAControl(mgr, 2, iso("A.2.2")); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("removing an Annex A control: err = %v, want conflict", err)
		}

		// Every change is in the audit trail.
		evs, _, err := w.svc.FindAuditEvents(w.as(aims.RoleAuditor), aims.AuditFilter{EntityType: aims.EntitySoAVersion})
		if err != nil || len(evs) != 3 {
			t.Errorf("SoA version audit events = %d (%v), want create 1, approve 1, create 2", len(evs), err)
		}
	})
}

func TestSoARolesAndTenancy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		if _, err := w.svc.StartSoADraft(w.as(aims.RoleAuditor), ""); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("auditor starts a draft: err = %v, want forbidden", err)
		}
		if _, err := w.svc.StartSoADraft(w.as(aims.RoleSystemOwner), ""); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("system owner starts a draft: err = %v, want forbidden", err)
		}
		if err := demo.SeedSoA(w.as(aims.RoleAdmin), w.svc); err != nil {
			t.Fatal(err)
		}
		impl := aims.Implemented
		if _, err := w.svc.UpdateSoARow(w.as(aims.RoleAuditor), 2, iso("A.2.2"), aims.SoARowUpdate{Status: &impl}); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("auditor edits: err = %v, want forbidden", err)
		}
		// An auditor reads and exports every version.
		for _, n := range []int{1, 2} {
			if _, err := w.svc.FindSoAVersion(w.as(aims.RoleAuditor), n, aims.SoAFilter{}); err != nil {
				t.Errorf("auditor reads version %d: %v", n, err)
			}
			for _, format := range service.SoAExportFormats {
				var buf bytes.Buffer
				if _, err := w.svc.ExportSoA(w.as(aims.RoleAuditor), &buf, n, format); err != nil || buf.Len() == 0 {
					t.Errorf("auditor exports version %d as %s: %v", n, format, err)
				}
			}
		}
		var buf bytes.Buffer
		if _, err := w.svc.ExportSoA(w.as(aims.RoleViewer), &buf, 1, "csv"); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("viewer exports: err = %v, want forbidden", err)
		}
		// Another organization sees none of it.
		other := newSoAWorld(t, db, "other")
		if _, err := other.svc.FindSoAVersion(other.as(aims.RoleAdmin), 1, aims.SoAFilter{}); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org reads version 1: err = %v, want not found", err)
		}
		if vs, err := other.svc.FindSoAVersions(other.as(aims.RoleAdmin)); err != nil || len(vs) != 0 {
			t.Errorf("other org lists %d versions (%v), want none", len(vs), err)
		}
	})
}

func TestSeedDemoSoA(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "demo")
		ctx := service.OperatorContext(context.Background(), w.f.Org, "demo")
		if err := demo.SeedSoA(ctx, w.svc); err != nil {
			t.Fatal(err)
		}
		if err := demo.SeedSoA(ctx, w.svc); err != nil { // a second start changes nothing
			t.Fatal(err)
		}
		vs, err := w.svc.FindSoAVersions(ctx)
		if err != nil || len(vs) != 2 || vs[0].Status != aims.SoADraft || vs[1].Status != aims.SoAApproved {
			t.Fatalf("versions = %+v (%v), want approved 1 and draft 2", vs, err)
		}
		v1, _ := w.svc.FindSoAVersion(ctx, 1, aims.SoAFilter{Applicability: aims.Excluded})
		if len(v1.Rows) < 2 {
			t.Errorf("version 1 has %d exclusions, want some", len(v1.Rows))
		}
		diff, _ := w.svc.DiffSoA(ctx, 1, 2)
		if len(diff) < 3 {
			t.Errorf("diff 1..2 has %d changes, want a few", len(diff))
		}
		_, cov, err := w.svc.SoACoverage(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cov {
			if c.Framework == catalog.NISTAIRMF && (c.Total != 72 || len(c.Covered) == 0 || len(c.Uncovered) == 0) {
				t.Errorf("NIST coverage of the demo SoA: %d of %d, %d uncovered", len(c.Covered), c.Total, len(c.Uncovered))
			}
		}
		if strings.TrimSpace(vs[1].ApprovedBy) == "" {
			t.Error("approval records no approver")
		}
	})
}
