package rules

import (
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/google/go-cmp/cmp"
)

func TestDatasetChanges(t *testing.T) {
	t.Parallel()
	d := func(y int) *aims.Date { x := aims.Date{Time: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)}; return &x }
	base := aims.Dataset{Name: "Kiln 2025", Origin: "historian", CollectionMethod: "export", WindowStart: d(2025), WindowEnd: d(2026),
		Tags: []aims.LineageRef{{ID: "t1"}, {ID: "t2"}}, SupplierID: "s1", PersonalData: aims.PersonalData("no")}
	tests := []struct {
		name string
		edit func(*aims.Dataset)
		want []string
	}{
		{"nothing", func(*aims.Dataset) {}, nil},
		{"name, description, licence, quality notes are not material", func(x *aims.Dataset) {
			x.Name, x.Description, x.Licence, x.QualityNotes = "Kiln 25", "d", "CC-BY", "gaps"
		}, nil},
		{"tags reordered", func(x *aims.Dataset) { x.Tags = []aims.LineageRef{{ID: "t2"}, {ID: "t1"}} }, nil},
		{"tag added", func(x *aims.Dataset) { x.Tags = append(x.Tags, aims.LineageRef{ID: "t3"}) }, []string{"tags"}},
		{"window moved", func(x *aims.Dataset) { x.WindowEnd = d(2027) }, []string{"window"}},
		{"window dropped", func(x *aims.Dataset) { x.WindowStart = nil }, []string{"window"}},
		{"all tags dropped", func(x *aims.Dataset) { x.Tags = nil }, []string{"tags"}},
		{"origin and supplier", func(x *aims.Dataset) { x.Origin, x.SupplierID = "lab", "" }, []string{"origin", "supplier"}},
		{"collection and personal data", func(x *aims.Dataset) {
			x.CollectionMethod, x.PersonalData = "survey", aims.PersonalData("yes")
		}, []string{"collection method", "personal data"}},
	}
	// Recording the tags or the window for the first time documents the
	// data; it does not change it.
	bare := base
	bare.Tags, bare.WindowStart, bare.WindowEnd = nil, nil, nil
	if got := DatasetChanges(&bare, &base); got != nil {
		t.Errorf("first tags and window: %v, want no material change", got)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			after := base
			after.Tags = append([]aims.LineageRef(nil), base.Tags...)
			tt.edit(&after)
			if diff := cmp.Diff(tt.want, DatasetChanges(&base, &after)); diff != "" {
				t.Errorf("DatasetChanges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDatasetUseChanges(t *testing.T) {
	t.Parallel()
	a := aims.DatasetUse{DatasetID: "a", DatasetName: "Kiln 2025", Purpose: aims.PurposeTraining}
	b := aims.DatasetUse{DatasetID: "b", DatasetName: "Kiln 2026", Purpose: aims.PurposeTraining}
	v := aims.DatasetUse{DatasetID: "a", DatasetName: "Kiln 2025", Purpose: aims.PurposeValidation}
	tests := []struct {
		name          string
		before, after []aims.DatasetUse
		want          string
	}{
		{"same", []aims.DatasetUse{a, v}, []aims.DatasetUse{v, a}, ""},
		{"training swapped", []aims.DatasetUse{a}, []aims.DatasetUse{b}, "added training dataset “Kiln 2026”; removed training dataset “Kiln 2025”"},
		{"purpose changed", []aims.DatasetUse{a}, []aims.DatasetUse{v}, "added validation dataset “Kiln 2025”; removed training dataset “Kiln 2025”"},
		{"first use", nil, []aims.DatasetUse{{DatasetID: "x", Purpose: aims.PurposeTest}}, "added test dataset “x”"},
	}
	for _, tt := range tests {
		if got := DatasetUseChanges(tt.before, tt.after); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestReopenings(t *testing.T) {
	t.Parallel()
	c := Change{Cause: aims.CauseDatasetChanged, CauseType: aims.EntityDataset, CauseID: "d1", CauseLabel: "Kiln 2025",
		What: "dataset “Kiln 2025” changed (window)"}
	deps := []aims.DependentVersion{
		{ModelVersionID: "m1", Version: "2.3.0", SystemID: "s", Status: aims.ModelDeployed, Purpose: aims.PurposeTraining},
		{ModelVersionID: "m1", Version: "2.3.0", SystemID: "s", Status: aims.ModelDeployed, Purpose: aims.PurposeTest},
		{ModelVersionID: "m2", Version: "2.4.0-rc1", SystemID: "s", Status: aims.ModelCandidate, Purpose: aims.PurposeTraining},
		{ModelVersionID: "m3", Version: "1.0.0", SystemID: "s", Status: aims.ModelRetired, Purpose: aims.PurposeTraining},
		{ModelVersionID: "m4", Version: "2.2.0", SystemID: "s", Status: aims.ModelApproved},
		{ModelVersionID: "m5", Version: "2.2.1", SystemID: "s", Status: aims.ModelValidated},
	}
	got := Reopenings(c, deps)
	var ids, reasons []string
	for _, r := range got {
		ids = append(ids, r.ModelVersionID)
		reasons = append(reasons, r.Reason)
		if r.Gate != aims.GateValidation || !r.AffectsImpact || r.CauseID != "d1" {
			t.Errorf("re-opening %+v: want the validation gate, affecting the impact assessment, caused by d1", r)
		}
	}
	if diff := cmp.Diff([]string{"m1", "m4", "m5"}, ids); diff != "" {
		t.Errorf("re-opened versions (-want +got):\n%s", diff)
	}
	if want := "training dataset “Kiln 2025” changed (window) (model version 2.3.0)"; reasons[0] != want {
		t.Errorf("reason %q, want %q", reasons[0], want)
	}
	if want := "dataset “Kiln 2025” changed (window) (model version 2.2.0)"; reasons[1] != want {
		t.Errorf("reason %q, want %q", reasons[1], want)
	}

	nv := NewVersionReopening("s", &aims.ModelVersion{ID: "m9", Version: "2.5.0"}, "from MLflow")
	if nv.Gate != aims.GateDeployment || nv.ModelVersionID != "" || nv.AffectsImpact || nv.Reason != "model version 2.5.0 was registered from MLflow" {
		t.Errorf("new version re-opening %+v", nv)
	}
}

func TestHoldsValidation(t *testing.T) {
	t.Parallel()
	want := map[aims.ModelVersionStatus]bool{aims.ModelCandidate: false, aims.ModelValidated: true, aims.ModelApproved: true,
		aims.ModelDeployed: true, aims.ModelRetired: false}
	for s, w := range want {
		if HoldsValidation(s) != w {
			t.Errorf("HoldsValidation(%s) = %v, want %v", s, !w, w)
		}
	}
}

func TestImpactReopened(t *testing.T) {
	t.Parallel()
	signed := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cleared := signed.Add(48 * time.Hour)
	list := []*aims.GateReopening{
		{Reason: "before", AffectsImpact: true, ReopenedAt: signed.Add(-time.Hour)},
		{Reason: "after", AffectsImpact: true, ReopenedAt: signed.Add(time.Hour)},
		{Reason: "after", AffectsImpact: true, ReopenedAt: signed.Add(2 * time.Hour)},
		{Reason: "cleared", AffectsImpact: true, ReopenedAt: signed.Add(time.Hour), ClearedAt: &cleared},
		{Reason: "new version", AffectsImpact: false, ReopenedAt: signed.Add(time.Hour)},
	}
	if diff := cmp.Diff([]string{"after after sign-off", "cleared after sign-off"}, ImpactReopened(signed, list)); diff != "" {
		t.Errorf("ImpactReopened (-want +got):\n%s", diff)
	}
}
