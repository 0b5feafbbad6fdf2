package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestChangeControlReopensTheValidationGate is issue 17's "done means":
// changing the training dataset of the deployed model version re-opens its
// validation gate, marks the impact assessment out of date, and turns the
// authorization answer for that version to no with the reason; clearing
// the re-opening makes it authorized again. Another organization cannot
// see or clear it (404); a viewer or the system's owner cannot clear it
// (403).
func TestChangeControlReopensTheValidationGate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		mgr, owner := w.as(aims.RoleAIMSManager), w.as(aims.RoleSystemOwner)
		spec := storetest.System("Setpoint optimizer", w.users[aims.RoleSystemOwner].ID)
		spec.LifecycleStage = aims.StageDeployed
		sys := w.f.MustCreateSystem(t, db, spec)
		ds := &aims.Dataset{Name: "Line 2 historian 2023-2024", Origin: "Plant historian", PersonalData: aims.PersonalData("no"),
			WindowStart: &aims.Date{Time: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}, WindowEnd: &aims.Date{Time: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}}
		if err := w.svc.CreateDataset(mgr, ds); err != nil {
			t.Fatal(err)
		}
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.3.0", Digest: strings.Repeat("ab", 32), Status: aims.ModelDeployed,
			Datasets: []aims.DatasetUse{{DatasetID: ds.ID, Purpose: aims.PurposeTraining}}}
		if err := w.svc.CreateReleasedModelVersion(mgr, mv, testApproval); err != nil {
			t.Fatal(err)
		}
		signImpact(t, w, sys.ID)
		if a, err := w.svc.Authorization(owner, sys.ID, "2.3.0"); err != nil || !a.Authorized {
			t.Fatalf("before the change: %+v (%v)", a, err)
		}

		// A change that is not material re-opens nothing.
		desc := "Exported by the process engineer"
		if _, err := w.svc.UpdateDataset(mgr, ds.ID, aims.DatasetUpdate{Description: &desc}); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := w.svc.FindGateReopenings(owner, sys.ID, aims.GateReopeningFilter{OpenOnly: true}); len(list) != 0 {
			t.Fatalf("a new description re-opened %+v", list)
		}

		// The training data's window moves: material.
		end := aims.Date{Time: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
		if _, err := w.svc.UpdateDataset(mgr, ds.ID, aims.DatasetUpdate{WindowEnd: &end}); err != nil {
			t.Fatal(err)
		}
		list, n, err := w.svc.FindGateReopenings(w.as(aims.RoleViewer), sys.ID, aims.GateReopeningFilter{OpenOnly: true})
		if err != nil || n != 1 {
			t.Fatalf("re-openings %d %+v (%v), want one", n, list, err)
		}
		r := list[0]
		wantReason := "training dataset “Line 2 historian 2023-2024” changed (window) (model version 2.3.0)"
		if r.ModelVersionID != mv.ID || r.ModelVersion != "2.3.0" || r.Gate != aims.GateValidation || r.Cause != aims.CauseDatasetChanged ||
			r.CauseID != ds.ID || r.CauseType != aims.EntityDataset || r.Reason != wantReason || !r.Open() {
			t.Fatalf("re-opening %+v", r)
		}
		a, err := w.svc.Authorization(owner, sys.ID, "2.3.0")
		if err != nil || a.Authorized || a.Code != aims.AuthzGateReopened ||
			!strings.HasPrefix(a.Reason, wantReason+" on 20") || !strings.HasSuffix(a.Reason, ": validation gate re-opened") {
			t.Fatalf("after the change: %+v (%v)", a, err)
		}
		if a, _ := w.svc.Authorization(owner, sys.ID, ""); !a.Authorized {
			t.Errorf("the system itself: %+v, want authorized (only the version is re-opened)", a)
		}
		work, err := w.svc.MyWork(owner)
		var item *aims.WorkItem
		for i := range work {
			if work[i].Kind == aims.WorkGateReopened {
				item = &work[i]
			}
		}
		if err != nil || item == nil || item.Title != "Setpoint optimizer 2.3.0" || item.Detail != "Pass the validation gate again: "+wantReason ||
			item.Link != "/systems/"+sys.ID+"/versions/"+mv.ID+"#reopenings" {
			t.Errorf("the owner's work %+v (%v), want the re-opened gate", work, err)
		}
		if work, _ := w.svc.MyWork(mgr); len(work) > 0 && work[len(work)-1].Kind == aims.WorkGateReopened {
			t.Errorf("the manager, who owns no system, has %+v", work)
		}
		sum, err := w.svc.ImpactSummary(owner, sys.ID)
		if err != nil || !sum.OutOfDate || len(sum.Reasons) != 1 || sum.Reasons[0] != wantReason+" after sign-off" {
			t.Fatalf("impact summary %+v (%v), want out of date by the dataset change", sum, err)
		}

		// Attackers: another organization sees nothing and clears nothing;
		// a viewer and the system's owner may not clear.
		evil := newSoAWorld(t, db, "evil")
		if _, _, err := evil.svc.FindGateReopenings(evil.as(aims.RoleAdmin), sys.ID, aims.GateReopeningFilter{}); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization lists: %v, want not found", err)
		}
		clear := aims.GateClearance{ModelVersionID: mv.ID, Reason: "Revalidated on the longer window: MAE 0.31"}
		if _, err := evil.svc.ClearGateReopenings(evil.as(aims.RoleAdmin), sys.ID, clear); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("another organization clears: %v, want not found", err)
		}
		for _, role := range []aims.Role{aims.RoleViewer, aims.RoleSystemOwner, aims.RoleContributor, aims.RoleAuditor} {
			if _, err := w.svc.ClearGateReopenings(w.as(role), sys.ID, clear); !aims.IsKind(err, aims.KindForbidden) {
				t.Errorf("%s clears: %v, want forbidden", role, err)
			}
		}
		if _, err := w.svc.ClearGateReopenings(mgr, sys.ID, aims.GateClearance{ModelVersionID: mv.ID}); fieldList(err) != "reason" {
			t.Errorf("clearing without a reason: %v", err)
		}
		if a, _ := w.svc.Authorization(owner, sys.ID, "2.3.0"); a.Authorized {
			t.Fatal("a refused clearing cleared")
		}

		cleared, err := w.svc.ClearGateReopenings(mgr, sys.ID, clear)
		if err != nil || len(cleared) != 1 || cleared[0].ClearedBy != w.users[aims.RoleAIMSManager].ID || cleared[0].ClearedReason != clear.Reason {
			t.Fatalf("cleared %+v (%v)", cleared, err)
		}
		if a, err := w.svc.Authorization(owner, sys.ID, "2.3.0"); err != nil || !a.Authorized {
			t.Fatalf("after clearing: %+v (%v)", a, err)
		}
		if _, err := w.svc.ClearGateReopenings(mgr, sys.ID, clear); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("clearing twice: %v, want conflict", err)
		}
		// Passing the gate again does not re-assess the impact.
		if sum, _ := w.svc.ImpactSummary(owner, sys.ID); !sum.OutOfDate {
			t.Errorf("impact summary after clearing %+v, want still out of date", sum)
		}
		if all, _, _ := w.svc.FindGateReopenings(owner, sys.ID, aims.GateReopeningFilter{}); len(all) != 1 || all[0].Open() {
			t.Errorf("history %+v, want the one cleared re-opening", all)
		}
	})
}

// TestChangeControlCauses checks each other material change: a feature's
// tags, the system's supplier, a failed recalibration of an input
// instrument, another training dataset named, and a new candidate version
// (the system's deployment gate, which holds no version back).
func TestChangeControlCauses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		mgr := w.as(aims.RoleAIMSManager)
		spec := storetest.System("Setpoint optimizer", w.users[aims.RoleSystemOwner].ID)
		spec.LifecycleStage = aims.StageDeployed
		sys := w.f.MustCreateSystem(t, db, spec)
		inst := &aims.Instrument{Name: "MT-301", Kind: aims.InstrumentAnalyser, CalibrationRequired: true, CalibrationIntervalDays: 90}
		if err := w.svc.CreateInstrument(mgr, inst); err != nil {
			t.Fatal(err)
		}
		tag := &aims.Tag{Name: "L2.MOIST", InstrumentID: inst.ID}
		other := &aims.Tag{Name: "L2.FLOW"}
		for _, x := range []*aims.Tag{tag, other} {
			if err := w.svc.CreateTag(mgr, x); err != nil {
				t.Fatal(err)
			}
		}
		feat := &aims.Feature{Name: "cake moisture lagged", Tags: []aims.LineageRef{{ID: tag.ID}}}
		if err := w.svc.CreateFeature(mgr, feat); err != nil {
			t.Fatal(err)
		}
		d1, d2 := &aims.Dataset{Name: "2024"}, &aims.Dataset{Name: "2025"}
		for _, d := range []*aims.Dataset{d1, d2} {
			if err := w.svc.CreateDataset(mgr, d); err != nil {
				t.Fatal(err)
			}
		}
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.3.0", Digest: strings.Repeat("ab", 32), Status: aims.ModelDeployed,
			Features: []aims.LineageRef{{ID: feat.ID}}, Datasets: []aims.DatasetUse{{DatasetID: d1.ID, Purpose: aims.PurposeTraining}}}
		if err := w.svc.CreateReleasedModelVersion(mgr, mv, testApproval); err != nil {
			t.Fatal(err)
		}
		causes := func() []aims.ReopenCause {
			t.Helper()
			list, _, err := w.svc.FindGateReopenings(mgr, sys.ID, aims.GateReopeningFilter{OpenOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			var out []aims.ReopenCause
			for _, r := range list {
				out = append(out, r.Cause)
			}
			return out
		}
		if c := causes(); len(c) != 0 {
			t.Fatalf("a released version re-opened %v", c)
		}
		steps := []struct {
			name   string
			change func() error
			want   aims.ReopenCause
		}{
			{"feature tags", func() error {
				ids := []string{tag.ID, other.ID}
				_, err := w.svc.UpdateFeature(mgr, feat.ID, aims.FeatureUpdate{Tags: &ids})
				return err
			}, aims.CauseFeatureTagsChanged},
			{"failed recalibration", func() error {
				now := time.Now().UTC().Truncate(time.Hour)
				return w.svc.CreateCalibration(mgr, inst.ID, &aims.Calibration{ValidFrom: now.Add(-time.Hour), ValidTo: now,
					Result: aims.CalibrationFailed, CertificateRef: "CAL-1"})
			}, aims.CauseRecalibrationFailed},
			{"supplier", func() error {
				sp := &aims.Supplier{Name: "Aquametrics", Supplies: []aims.SupplyCategory{aims.SupplyCategoryValues()[0]}}
				if err := w.svc.CreateSupplier(mgr, sp); err != nil {
					return err
				}
				_, err := w.svc.UpdateSystem(mgr, sys.ID, aims.SystemUpdate{SupplierID: &sp.ID})
				return err
			}, aims.CauseSupplierChanged},
			{"another training dataset", func() error {
				uses := []aims.DatasetUse{{DatasetID: d2.ID, Purpose: aims.PurposeTraining}}
				_, err := w.svc.UpdateModelVersion(mgr, sys.ID, mv.ID, aims.ModelVersionUpdate{Datasets: &uses})
				return err
			}, aims.CauseModelDatasetsChanged},
		}
		for _, st := range steps {
			if err := st.change(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			c := causes()
			if len(c) == 0 || c[0] != st.want {
				t.Fatalf("after %s: open causes %v, want %s first", st.name, c, st.want)
			}
			if a, _ := w.svc.Authorization(mgr, sys.ID, "2.3.0"); a.Code != aims.AuthzGateReopened {
				t.Errorf("after %s: authorization %+v", st.name, a)
			}
			if _, err := w.svc.ClearGateReopenings(mgr, sys.ID, aims.GateClearance{ModelVersionID: mv.ID, Reason: "checked"}); err != nil {
				t.Fatal(err)
			}
		}

		// A new candidate re-opens the system's deployment gate; the
		// deployed version still acts; the candidate's gate pass clears it.
		rc := &aims.ModelVersion{SystemID: sys.ID, Version: "2.4.0-rc1", Digest: strings.Repeat("cd", 32)}
		if err := w.svc.CreateModelVersion(mgr, rc); err != nil {
			t.Fatal(err)
		}
		list, _, _ := w.svc.FindGateReopenings(mgr, sys.ID, aims.GateReopeningFilter{OpenOnly: true})
		if len(list) != 1 || list[0].Gate != aims.GateDeployment || list[0].ModelVersionID != "" || list[0].CauseID != rc.ID ||
			list[0].Reason != "model version 2.4.0-rc1 was registered" {
			t.Fatalf("after a new candidate: %+v", list)
		}
		if a, _ := w.svc.Authorization(mgr, sys.ID, "2.3.0"); !a.Authorized {
			t.Errorf("a new candidate held the deployed version back: %+v", a)
		}
		err := db.Transact(mgr, func(tx *store.Tx) error {
			_, err := service.ClearModelVersionReopenings(mgr, tx, w.f.Scope, sys.ID, rc.ID, "", "validation gate passed")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if c := causes(); len(c) != 0 {
			t.Errorf("after the candidate's gate pass: open %v", c)
		}
	})
}

// signImpact writes a complete impact assessment of the system and has its
// owner sign it off.
func signImpact(t *testing.T, w *soaWorld, systemID string) {
	t.Helper()
	draft, err := w.svc.StartImpactAssessment(w.as(aims.RoleContributor), systemID)
	if err != nil {
		t.Fatal(err)
	}
	areas, parties, conclusion := completeAreas(), []aims.AffectedParty{aims.PartyIndividuals}, "Acceptable with operator review"
	upd := aims.ImpactAssessmentUpdate{Areas: &areas, AffectedParties: &parties, Conclusion: &conclusion}
	if _, err := w.svc.UpdateImpactAssessment(w.as(aims.RoleContributor), systemID, draft.ID, upd); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SignOffImpactAssessment(w.as(aims.RoleSystemOwner), systemID, draft.ID); err != nil {
		t.Fatal(err)
	}
}

// TestPassingTheGateAgainClosesTheReopening: a deployed version whose
// validation gate a material change re-opened passes its gates again by the
// approval act at the status it holds; while its checks fail the act is
// refused and the edge still says no; an admin's recorded override passes
// it, the re-opening is closed by that pass, and the edge says yes again.
// With nothing re-opened, there is nothing to re-validate (409).
func TestPassingTheGateAgainClosesTheReopening(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		mgr, owner, admin := w.as(aims.RoleAIMSManager), w.as(aims.RoleSystemOwner), w.as(aims.RoleAdmin)
		spec := storetest.System("Setpoint optimizer", w.users[aims.RoleSystemOwner].ID)
		spec.LifecycleStage = aims.StageDeployed
		sys := w.f.MustCreateSystem(t, db, spec)
		ds := &aims.Dataset{Name: "Line 2 historian", Origin: "Plant historian", PersonalData: aims.PersonalData("no")}
		if err := w.svc.CreateDataset(mgr, ds); err != nil {
			t.Fatal(err)
		}
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.3.0", Digest: strings.Repeat("cd", 32), Status: aims.ModelDeployed,
			Datasets: []aims.DatasetUse{{DatasetID: ds.ID, Purpose: aims.PurposeTraining}}}
		if err := w.svc.CreateReleasedModelVersion(mgr, mv, testApproval); err != nil {
			t.Fatal(err)
		}
		origin := "Laboratory samples"
		if _, err := w.svc.UpdateDataset(mgr, ds.ID, aims.DatasetUpdate{Origin: &origin}); err != nil {
			t.Fatal(err)
		}
		if a, _ := w.svc.Authorization(owner, sys.ID, "2.3.0"); a.Authorized || a.Code != aims.AuthzGateReopened {
			t.Fatalf("after the change: %+v", a)
		}
		act := testApproval
		act.Status = aims.ModelDeployed
		if _, err := w.svc.ApproveModelVersion(mgr, sys.ID, mv.ID, &act); !aims.IsKind(err, aims.KindConflict) {
			t.Fatalf("re-validation with failing checks: %v, want 409", err)
		}
		if a, _ := w.svc.Authorization(owner, sys.ID, "2.3.0"); a.Authorized {
			t.Fatal("a refused re-validation let the version act")
		}
		act = testApproval
		act.Status, act.OverrideReason = aims.ModelDeployed, "Re-validated on the laboratory samples; report to follow"
		got, err := w.svc.ApproveModelVersion(admin, sys.ID, mv.ID, &act)
		if err != nil || got.Status != aims.ModelDeployed {
			t.Fatalf("re-validation by an admin's override: %+v (%v)", got, err)
		}
		if a, err := w.svc.Authorization(owner, sys.ID, "2.3.0"); err != nil || !a.Authorized {
			t.Fatalf("after passing again: %+v (%v)", a, err)
		}
		all, _, err := w.svc.FindGateReopenings(owner, sys.ID, aims.GateReopeningFilter{})
		if err != nil || len(all) != 1 || all[0].Open() || all[0].ClearedBy != w.users[aims.RoleAdmin].ID || !strings.Contains(all[0].ClearedReason, "again") {
			t.Fatalf("re-openings after the pass %+v (%v)", all, err)
		}
		act = testApproval
		act.Status, act.OverrideReason = aims.ModelDeployed, "once more"
		if _, err := w.svc.ApproveModelVersion(admin, sys.ID, mv.ID, &act); !aims.IsKind(err, aims.KindConflict) || !strings.Contains(err.Error(), "nothing to re-validate") {
			t.Errorf("re-validating with nothing re-opened: %v, want 409", err)
		}
	})
}
