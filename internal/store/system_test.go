package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestSystemCreateFindUpdateDelete(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "acme")
		s := storetest.System("Setpoint optimizer", f.Admin.ID)
		s.Tags = []string{"plant", "dewatering"}
		s.ImpactDomains = []aims.ImpactDomain{aims.DomainSafety, aims.DomainFundamentalRights}
		f.MustCreateSystem(t, db, s)

		got, err := store.FindSystemByID(ctx, db, f.Scope, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, got, cmp.FilterPath(func(p cmp.Path) bool {
			return p.Last().String() == ".OwnerName" || p.Last().String() == ".OwnerEmail"
		}, cmp.Ignore())); diff != "" {
			t.Errorf("stored system differs (-want +got):\n%s", diff)
		}
		if got.OwnerEmail != f.Admin.Email {
			t.Errorf("owner email = %q, want %q", got.OwnerEmail, f.Admin.Email)
		}

		// A second system with the same name in another case is a conflict.
		err = db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateSystem(ctx, tx, f.Scope, storetest.System("SETPOINT optimizer", f.Admin.ID))
		})
		if !aims.IsKind(err, aims.KindConflict) {
			t.Fatalf("duplicate name: err = %v, want conflict", err)
		}

		after := *got
		after.LifecycleStage = aims.StageDeployed
		err = db.Transact(ctx, func(tx *store.Tx) error { return store.UpdateSystem(ctx, tx, f.Scope, got, &after) })
		if err != nil {
			t.Fatal(err)
		}
		evs, n, err := store.FindAuditEvents(ctx, db, f.Scope, aims.AuditFilter{EntityType: aims.EntityAISystem, EntityID: s.ID})
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 || len(evs) != 2 {
			t.Fatalf("audit events = %d (total %d), want 2", len(evs), n)
		}
		upd := evs[0]
		if upd.Action != aims.ActionUpdate || upd.Actor.UserID != f.Admin.ID {
			t.Errorf("newest event = %s by %q, want update by %q", upd.Action, upd.Actor.UserID, f.Admin.ID)
		}
		var before, afterJSON aims.AISystem
		if err := json.Unmarshal(upd.Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(upd.After, &afterJSON); err != nil {
			t.Fatal(err)
		}
		if before.LifecycleStage != aims.StageDevelopment || afterJSON.LifecycleStage != aims.StageDeployed {
			t.Errorf("before/after stage = %s/%s, want development/deployed", before.LifecycleStage, afterJSON.LifecycleStage)
		}
		if upd.OccurredAt.Nanosecond()%1000 != 0 {
			t.Errorf("event time %v is not truncated to microseconds", upd.OccurredAt)
		}

		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteSystem(ctx, tx, f.Scope, &after) }); err != nil {
			t.Fatal(err)
		}
		if _, err := store.FindSystemByID(ctx, db, f.Scope, s.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("after delete: err = %v, want not found", err)
		}
		evs, _, _ = store.FindAuditEvents(ctx, db, f.Scope, aims.AuditFilter{EntityID: s.ID, Action: aims.ActionDelete})
		if len(evs) != 1 || evs[0].After != nil || evs[0].Before == nil {
			t.Errorf("delete event = %+v, want one with before and no after", evs)
		}
	})
}

func TestSystemFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "filters")
		owner := f.AddMember(t, db, "owner@filters.test", aims.RoleSystemOwner)
		mk := func(name string, stage aims.LifecycleStage, ownerID string, domains []aims.ImpactDomain, inScope bool, tags ...string) {
			s := storetest.System(name, ownerID)
			s.LifecycleStage, s.ImpactDomains, s.InScope, s.Tags = stage, domains, inScope, tags
			if !inScope {
				s.ScopeJustification = "test"
			}
			s.Normalize()
			f.MustCreateSystem(t, db, s)
		}
		mk("Credit scoring", aims.StageDeployed, owner.ID, []aims.ImpactDomain{aims.DomainCreditFinance, aims.DomainFundamentalRights}, true, "Finance")
		mk("CV screener", aims.StageDeployed, f.Admin.ID, []aims.ImpactDomain{aims.DomainEmployment}, true)
		mk("Chatbot", aims.StageDesign, owner.ID, []aims.ImpactDomain{aims.DomainPrivacy}, false, "customer")
		mk("100%_match", aims.StageIdea, f.Admin.ID, nil, true)

		yes, no := true, false
		tests := []struct {
			name   string
			filter aims.SystemFilter
			want   []string
		}{
			{"all by name", aims.SystemFilter{}, []string{"100%_match", "Chatbot", "Credit scoring", "CV screener"}},
			{"search any case", aims.SystemFilter{Search: "CRED"}, []string{"Credit scoring"}},
			{"search treats % literally", aims.SystemFilter{Search: "0%_"}, []string{"100%_match"}},
			{"search % matches nothing else", aims.SystemFilter{Search: "%"}, []string{"100%_match"}},
			{"stage", aims.SystemFilter{LifecycleStage: aims.StageDeployed}, []string{"Credit scoring", "CV screener"}},
			{"owner", aims.SystemFilter{OwnerID: owner.ID}, []string{"Chatbot", "Credit scoring"}},
			{"domain", aims.SystemFilter{ImpactDomain: aims.DomainFundamentalRights}, []string{"Credit scoring"}},
			{"in scope", aims.SystemFilter{InScope: &yes}, []string{"100%_match", "Credit scoring", "CV screener"}},
			{"out of scope", aims.SystemFilter{InScope: &no}, []string{"Chatbot"}},
			{"tag, any case", aims.SystemFilter{Tag: "finance"}, []string{"Credit scoring"}},
			{"newest first", aims.SystemFilter{Sort: "-updated_at", Page: aims.Page{Limit: 2}}, []string{"100%_match", "Chatbot"}},
			{"second page", aims.SystemFilter{Page: aims.Page{Limit: 2, Offset: 2}}, []string{"Credit scoring", "CV screener"}},
			{"every filter at once", aims.SystemFilter{Search: "c", LifecycleStage: aims.StageDeployed, OwnerID: owner.ID, Autonomy: aims.AutonomyAdvisory,
				ImpactDomain: aims.DomainCreditFinance, InScope: &yes, Tag: "finance"}, []string{"Credit scoring"}},
			{"filtered second page", aims.SystemFilter{Search: "cr", Page: aims.Page{Limit: 1, Offset: 1}}, []string{"CV screener"}},
		}
		for _, tc := range tests {
			got, total, err := store.FindSystems(ctx, db, f.Scope, tc.filter)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var names []string
			for _, s := range got {
				names = append(names, s.Name)
			}
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, diff)
			}
			if tc.filter.Limit == 0 && total != len(tc.want) {
				t.Errorf("%s: total = %d, want %d", tc.name, total, len(tc.want))
			}
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := storetest.NewOrg(t, db, "org-a")
		b := storetest.NewOrg(t, db, "org-b")
		sa := a.MustCreateSystem(t, db, storetest.System("Shared name", a.Admin.ID))
		// The same name in another organization is fine.
		b.MustCreateSystem(t, db, storetest.System("Shared name", b.Admin.ID))

		if _, err := store.FindSystemByID(ctx, db, b.Scope, sa.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("B reads A's system: err = %v, want not found", err)
		}
		list, total, err := store.FindSystems(ctx, db, b.Scope, aims.SystemFilter{})
		if err != nil || total != 1 || list[0].ID == sa.ID {
			t.Errorf("B's list = %d systems (err %v), want only its own", total, err)
		}
		err = db.Transact(ctx, func(tx *store.Tx) error {
			after := *sa
			after.Name = "stolen"
			return store.UpdateSystem(ctx, tx, b.Scope, sa, &after)
		})
		if !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("B updates A's system: err = %v, want not found", err)
		}
		// B cannot make one of A's members the owner of B's system.
		err = db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateSystem(ctx, tx, b.Scope, storetest.System("Foreign owner", a.Admin.ID))
		})
		if err == nil {
			t.Error("B created a system owned by A's admin")
		}
		evs, _, _ := store.FindAuditEvents(ctx, db, b.Scope, aims.AuditFilter{EntityID: sa.ID})
		if len(evs) != 0 {
			t.Errorf("B sees %d audit events of A's system", len(evs))
		}
	})
}

func TestModelVersionsAndDatasets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "mv")
		s := f.MustCreateSystem(t, db, storetest.System("Predictive maintenance", f.Admin.ID))
		d := &aims.Dataset{Name: "Vibration 2025", PersonalData: aims.PersonalDataNo}
		d.Normalize()
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.CreateDataset(ctx, tx, f.Scope, d) }))

		mv := &aims.ModelVersion{SystemID: s.ID, Version: "1.0.0", Digest: "sha256:" + repeat("ab", 32), Status: aims.ModelCandidate,
			Datasets: []aims.DatasetUse{{DatasetID: d.ID, Purpose: aims.PurposeTraining}}}
		mv.Normalize()
		must(t, mv.Validate())
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.CreateModelVersion(ctx, tx, f.Scope, mv) }))

		got, err := store.FindModelVersionByID(ctx, db, f.Scope, s.ID, mv.ID)
		must(t, err)
		if got.Digest != repeat("ab", 32) || len(got.Datasets) != 1 || got.Datasets[0].DatasetName != "Vibration 2025" {
			t.Errorf("model version = %+v", got)
		}
		if got.RegisteredBy != f.Admin.ID {
			t.Errorf("registered by %q, want %q", got.RegisteredBy, f.Admin.ID)
		}

		// Deploying stamps the time and shows on the system.
		after := *got
		after.Status = aims.ModelDeployed
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.UpdateModelVersion(ctx, tx, f.Scope, got, &after) }))
		sys, err := store.FindSystemByID(ctx, db, f.Scope, s.ID)
		must(t, err)
		if sys.Deployed == nil || sys.Deployed.Version != "1.0.0" || sys.ModelVersionCount != 1 {
			t.Errorf("system deployed = %+v, count %d", sys.Deployed, sys.ModelVersionCount)
		}
		got2, _ := store.FindModelVersionByID(ctx, db, f.Scope, s.ID, mv.ID)
		if got2.DeployedAt == nil {
			t.Error("deployed_at not set")
		}

		// Linked records refuse deletion with a conflict.
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteDataset(ctx, tx, f.Scope, d) }); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("delete used dataset: err = %v, want conflict", err)
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteSystem(ctx, tx, f.Scope, sys) }); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("delete system with versions: err = %v, want conflict", err)
		}
		// Same version label twice is a conflict.
		dup := *mv
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.CreateModelVersion(ctx, tx, f.Scope, &dup) }); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("duplicate version: err = %v, want conflict", err)
		}
		used, err := store.FindDatasetByID(ctx, db, f.Scope, d.ID)
		must(t, err)
		if len(used.UsedBy) != 1 || used.UsedBy[0].SystemName != "Predictive maintenance" {
			t.Errorf("dataset used by = %+v", used.UsedBy)
		}
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteModelVersion(ctx, tx, f.Scope, got2) }))
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteDataset(ctx, tx, f.Scope, d) }))
	})
}

func TestAuditTrailIsAppendOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "append")
		f.MustCreateSystem(t, db, storetest.System("Any", f.Admin.ID))
		if err := store.TamperForTest(ctx, db, `UPDATE audit_events SET actor_label = 'someone else'`); err == nil {
			t.Error("an audit event was updated")
		}
		if err := store.TamperForTest(ctx, db, `DELETE FROM audit_events`); err == nil {
			t.Error("audit events were deleted")
		}
	})
}

func TestFailedTransactionRecordsNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := storetest.NewOrg(t, db, "atomic")
		_ = db.Transact(ctx, func(tx *store.Tx) error {
			if err := store.CreateSystem(ctx, tx, f.Scope, storetest.System("One", f.Admin.ID)); err != nil {
				return err
			}
			return store.CreateSystem(ctx, tx, f.Scope, storetest.System("one", f.Admin.ID)) // conflict: rolls back both
		})
		_, total, _ := store.FindSystems(ctx, db, f.Scope, aims.SystemFilter{})
		evs, _, _ := store.FindAuditEvents(ctx, db, f.Scope, aims.AuditFilter{EntityType: aims.EntityAISystem})
		if total != 0 || len(evs) != 0 {
			t.Errorf("after a failed transaction: %d systems, %d events; want none", total, len(evs))
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
