package cli_test

import (
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// TestDemoTrainingDatasetChangeReopensTheGate is issue 17's "done means" on
// the demo itself: changing the training dataset of the setpoint
// optimizer's deployed 2.3.0 re-opens its validation gate, puts the
// impact assessment out of date and turns the edge's answer for 2.3.0 to
// no with the reason; the clearing act makes it authorized again. An edit
// of the re-opening made behind aims's back is named by `aims log check`.
func TestDemoTrainingDatasetChangeReopensTheGate(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg := demoTarget(t, pg)
			systems, _, err := tg.svc.FindSystems(tg.op, aims.SystemFilter{Search: "Dewatering setpoint optimizer"})
			if err != nil || len(systems) != 1 {
				t.Fatalf("optimizer: %d (%v)", len(systems), err)
			}
			sys := systems[0]
			if list, _, _ := tg.svc.FindGateReopenings(tg.op, sys.ID, aims.GateReopeningFilter{OpenOnly: true}); len(list) != 1 ||
				list[0].Gate != aims.GateDeployment || !strings.Contains(list[0].Reason, "2.4.0-rc1") {
				t.Errorf("the demo's open re-openings %+v, want the deployment gate for 2.4.0-rc1 only", list)
			}
			if a, err := tg.svc.Authorization(tg.op, sys.ID, "2.3.0"); err != nil || !a.Authorized {
				t.Fatalf("2.3.0 on the untouched demo: %+v (%v)", a, err)
			}
			before, err := tg.svc.ImpactSummary(tg.op, sys.ID)
			if err != nil || before.AssessmentID == "" || before.OutOfDate {
				t.Fatalf("the demo's impact summary %+v (%v), want a current signed-off assessment", before, err)
			}
			versions, _, err := tg.svc.FindModelVersions(tg.op, sys.ID, aims.ModelVersionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var dsID string
			for _, v := range versions {
				for _, u := range v.Datasets {
					if v.Version == "2.3.0" && u.Purpose == aims.PurposeTraining && strings.HasPrefix(u.DatasetName, "Line 2") {
						dsID = u.DatasetID
					}
				}
			}
			if dsID == "" {
				t.Fatal("2.3.0 has no Line 2 training dataset")
			}
			origin := "Plant historian, re-exported after the tag mapping was corrected"
			if _, err := tg.svc.UpdateDataset(tg.op, dsID, aims.DatasetUpdate{Origin: &origin}); err != nil {
				t.Fatal(err)
			}
			a, err := tg.svc.Authorization(tg.op, sys.ID, "2.3.0")
			if err != nil || a.Authorized || a.Code != aims.AuthzGateReopened ||
				!strings.HasPrefix(a.Reason, "training dataset “Line 2 dewatering historian 2023-2024” changed (origin) (model version 2.3.0) on ") {
				t.Fatalf("2.3.0 after its training dataset changed: %+v (%v)", a, err)
			}
			if sum, _ := tg.svc.ImpactSummary(tg.op, sys.ID); !sum.OutOfDate {
				t.Errorf("impact summary %+v, want out of date", sum)
			}
			open, _, _ := tg.svc.FindGateReopenings(tg.op, sys.ID, aims.GateReopeningFilter{ModelVersionID: a.ModelVersionID, OpenOnly: true})
			if len(open) != 1 {
				t.Fatalf("open re-openings of 2.3.0: %+v", open)
			}

			// Behind aims's back: the re-opening is said to be about nothing.
			storetest.RawExec(t, tg.opts, `UPDATE gate_reopenings SET reason = 'nothing changed' WHERE id = '`+open[0].ID+`'`)
			out, err := run(t, "", append([]string{"log", "check"}, tg.flags...)...)
			if err == nil || !strings.Contains(out, "gate_reopening "+open[0].ID) || !strings.Contains(out, `reason is "nothing changed"`) {
				t.Fatalf("log check after editing a re-opening: %v\n%s", err, out)
			}

			if _, err := tg.svc.ClearGateReopenings(tg.op, sys.ID, aims.GateClearance{ModelVersionID: a.ModelVersionID,
				Reason: "Re-validated on the re-exported data: MAE 0.29"}); err != nil {
				t.Fatal(err)
			}
			if a, err := tg.svc.Authorization(tg.op, sys.ID, "2.3.0"); err != nil || !a.Authorized {
				t.Fatalf("2.3.0 after clearing: %+v (%v)", a, err)
			}
		})
	}
}
