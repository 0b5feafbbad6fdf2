package service_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func march(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// nodeFlags maps a graph's node labels to their flags.
func nodeFlags(g *aims.LineageGraph) map[string][]string {
	out := map[string][]string{}
	for _, n := range g.Nodes {
		out[string(n.Kind)+" "+n.Label] = n.Flags
	}
	return out
}

// TestLineage walks the lineage of a model version and its decisions: a
// moisture probe calibrated 1-10 March and 15 March-30 April, so out of
// calibration 10-15 March, inside the training window (5-20 March) of the
// model version's dataset, and during five of ten daily decisions.
func TestLineage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		edit, viewer := w.as(aims.RoleContributor), w.as(aims.RoleViewer)
		svc := w.svc

		probe := &aims.Instrument{Name: "MT-301", Kind: aims.InstrumentSensor, CalibrationRequired: true}
		if err := svc.CreateInstrument(viewer, probe); !aims.IsKind(err, aims.KindForbidden) {
			t.Fatalf("viewer creates an instrument: %v", err)
		}
		if err := svc.CreateInstrument(w.as(aims.RoleSystemOwner), probe); !aims.IsKind(err, aims.KindForbidden) {
			t.Fatalf("system owner creates an instrument: %v", err)
		}
		mustDo(t, svc.CreateInstrument(edit, probe))
		for _, c := range []*aims.Calibration{
			{ValidFrom: march(1, 0), ValidTo: march(10, 0), Result: aims.CalibrationPassed, CertificateRef: "CAL-1"},
			{ValidFrom: march(10, 0), ValidTo: march(15, 0), Result: aims.CalibrationFailed, CertificateRef: "CAL-2"},
			{ValidFrom: march(15, 0), ValidTo: march(30, 0).AddDate(0, 1, 0), Result: aims.CalibrationAdjusted, CertificateRef: "CAL-3"},
		} {
			mustDo(t, svc.CreateCalibration(edit, probe.ID, c))
		}
		if err := svc.CreateCalibration(edit, probe.ID, &aims.Calibration{ValidFrom: march(2, 0), ValidTo: march(1, 0), Result: "ok"}); fieldList(err) != "result valid_to" {
			t.Errorf("bad calibration: %v", err)
		}
		if err := svc.CreateCalibration(edit, "nope", &aims.Calibration{ValidFrom: march(1, 0), ValidTo: march(2, 0), Result: aims.CalibrationPassed}); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("calibration of an unknown instrument: %v", err)
		}

		if err := svc.CreateTag(edit, &aims.Tag{Name: "X", InstrumentID: "nope"}); fieldList(err) != "instrument_id" {
			t.Errorf("tag of an unknown instrument: %v", err)
		}
		moisture := &aims.Tag{Name: "MT-301 moisture", Unit: "%", InstrumentID: probe.ID, QualityCaveats: "reads high when fouled"}
		mustDo(t, svc.CreateTag(edit, moisture))
		feature := &aims.Feature{Name: "moisture 5 min mean", Transformation: "5-minute rolling mean",
			Tags: []aims.LineageRef{{ID: moisture.ID}, {ID: "nope"}}}
		if err := svc.CreateFeature(edit, feature); fieldList(err) != "tags/1" {
			t.Errorf("feature of an unknown tag: %v", err)
		}
		feature.Tags = feature.Tags[:1]
		mustDo(t, svc.CreateFeature(edit, feature))

		ds := &aims.Dataset{Name: "Line 2 March", Tags: []aims.LineageRef{{ID: moisture.ID}}}
		ds.WindowStart, ds.WindowEnd = dateOf(t, "2026-03-05"), dateOf(t, "2026-03-20")
		mustDo(t, svc.CreateDataset(edit, ds))
		owner := w.users[aims.RoleSystemOwner]
		sys := w.f.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", owner.ID))
		octx := w.as(aims.RoleSystemOwner)
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.0", Digest: strings.Repeat("ab", 32), Status: aims.ModelValidated,
			Datasets: []aims.DatasetUse{{DatasetID: ds.ID, Purpose: aims.PurposeTraining}},
			Features: []aims.LineageRef{{ID: feature.ID}, {ID: "nope"}}}
		if err := svc.CreateModelVersion(octx, mv); fieldList(err) != "features/1" {
			t.Errorf("model version with an unknown feature: %v", err)
		}
		mv.Features = mv.Features[:1]
		mustDo(t, svc.CreateModelVersion(octx, mv))

		// The exposure: this model version, the probe, 10-15 March.
		exp, err := svc.FindCalibrationExposures(viewer, "")
		mustDo(t, err)
		if len(exp) != 1 || exp[0].ModelVersionID != mv.ID || exp[0].InstrumentName != "MT-301" || len(exp[0].Periods) != 1 ||
			!exp[0].Periods[0].From.Equal(march(10, 0)) || !exp[0].Periods[0].To.Equal(march(15, 0)) ||
			len(exp[0].Tags) != 1 || exp[0].Tags[0].Name != "MT-301 moisture" {
			t.Fatalf("exposures = %+v", exp)
		}
		// Calibrated through the window, nothing is exposed.
		fix := &aims.Calibration{ValidFrom: march(10, 0), ValidTo: march(15, 0), Result: aims.CalibrationPassed}
		mustDo(t, svc.CreateCalibration(edit, probe.ID, fix))
		if exp, _ := svc.FindCalibrationExposures(viewer, sys.ID); len(exp) != 0 {
			t.Errorf("after the fix: %+v", exp)
		}
		mustDo(t, svc.DeleteCalibration(edit, probe.ID, fix.ID))

		// Ten decisions at noon, 8 to 17 March, with one undeclared input.
		var body bytes.Buffer
		for i := range 10 {
			fmt.Fprintf(&body, `{"model_version":"2.0","source":"gw","seq":%d,"source_time":%q,"inputs":{"MT-301 moisture":11.5,"XX-9 speed":3},"output":{"value":1,"unit":"%%"}}`+"\n",
				i, march(8+i, 12).Format(time.RFC3339))
		}
		res, err := svc.RecordDecisionBatch(w.as(aims.RoleAdmin), sys.ID, body.Bytes(), "test")
		mustDo(t, err)
		if res.Stored != 10 {
			t.Fatalf("stored %d decisions: %+v", res.Stored, res.Errors)
		}
		got, total, err := svc.FindOutOfCalibrationDecisions(viewer, aims.OutOfCalibrationDecisionFilter{Page: aims.Page{Limit: 2}})
		mustDo(t, err)
		if total != 5 || len(got) != 2 || !got[0].DecidedAt.Equal(march(14, 12)) || got[0].InstrumentName != "MT-301" ||
			!got[0].Period.From.Equal(march(10, 0)) || !got[0].Period.To.Equal(march(15, 0)) {
			t.Fatalf("out-of-calibration decisions = %d of %d: %+v", len(got), total, got)
		}
		_, total, err = svc.FindOutOfCalibrationDecisions(viewer, aims.OutOfCalibrationDecisionFilter{SystemID: sys.ID,
			From: march(12, 0), To: march(20, 0)})
		mustDo(t, err)
		if total != 3 {
			t.Errorf("from 12 March: %d, want 3", total)
		}
		if _, _, err := svc.FindOutOfCalibrationDecisions(viewer, aims.OutOfCalibrationDecisionFilter{From: march(12, 0), To: march(11, 0)}); fieldList(err) != "to" {
			t.Errorf("reversed range: %v", err)
		}

		// The decision of 12 March: the probe out of calibration then, the
		// undeclared input flagged.
		decs, _, err := svc.FindDecisions(viewer, sys.ID, aims.DecisionFilter{})
		mustDo(t, err)
		var on12, on16 string
		for _, d := range decs {
			switch d.SourceTime.Day() {
			case 12:
				on12 = d.ID
			case 16:
				on16 = d.ID
			}
		}
		g, err := svc.DecisionLineage(viewer, sys.ID, on12)
		mustDo(t, err)
		flags := nodeFlags(g)
		if !slices.Contains(flags["instrument MT-301"], aims.FlagOutOfCalibration) ||
			!slices.Contains(flags["tag XX-9 speed"], aims.FlagUndeclaredTag) ||
			!slices.Contains(flags["tag MT-301 moisture"], aims.FlagQualityCaveat) {
			t.Errorf("decision graph flags = %v", flags)
		}
		if kinds := nodeKinds(g); kinds != "instrument tag tag feature dataset model_version decision" {
			t.Errorf("decision graph columns = %q", kinds)
		}
		g, err = svc.DecisionLineage(viewer, sys.ID, on16)
		mustDo(t, err)
		if f := nodeFlags(g)["instrument MT-301"]; len(f) != 0 {
			t.Errorf("16 March: probe flags %v, want none", f)
		}
		// The model version: the probe was out for part of the window.
		g, err = svc.ModelVersionLineage(viewer, sys.ID, mv.ID)
		mustDo(t, err)
		if f := nodeFlags(g)["instrument MT-301"]; !slices.Contains(f, aims.FlagOutOfCalibration) {
			t.Errorf("model version graph: probe flags %v", f)
		}
		wantEdges := []string{"instrument->tag", "tag->feature", "tag->dataset", "feature->model_version", "dataset->model_version"}
		if got := edgeKinds(g); !slices.Equal(got, wantEdges) {
			t.Errorf("edges %v, want %v", got, wantEdges)
		}

		// Deletes that would orphan references are conflicts.
		for name, err := range map[string]error{
			"instrument": svc.DeleteInstrument(edit, probe.ID),
			"tag":        svc.DeleteTag(edit, moisture.ID),
			"feature":    svc.DeleteFeature(edit, feature.ID),
		} {
			if !aims.IsKind(err, aims.KindConflict) {
				t.Errorf("delete %s in use: %v, want conflict", name, err)
			}
		}

		// Another organization sees nothing.
		o := newSoAWorld(t, db, "other")
		if _, err := svc.FindInstrumentByID(o.as(aims.RoleAdmin), probe.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org reads the probe: %v", err)
		}
		if _, total, _ := o.svc.FindOutOfCalibrationDecisions(o.as(aims.RoleAdmin), aims.OutOfCalibrationDecisionFilter{}); total != 0 {
			t.Errorf("other org sees %d decisions", total)
		}
		if _, err := o.svc.ModelVersionLineage(o.as(aims.RoleAdmin), sys.ID, mv.ID); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org draws the model version: %v", err)
		}
	})
}

func nodeKinds(g *aims.LineageGraph) string {
	var out []string
	for _, n := range g.Nodes {
		out = append(out, string(n.Kind))
	}
	return strings.Join(out, " ")
}

func edgeKinds(g *aims.LineageGraph) []string {
	kind := map[string]string{}
	for _, n := range g.Nodes {
		kind[n.ID] = string(n.Kind)
	}
	var out []string
	for _, e := range g.Edges {
		out = append(out, kind[e.From]+"->"+kind[e.To])
	}
	return out
}

func dateOf(t *testing.T, s string) *aims.Date {
	t.Helper()
	d, err := aims.ParseDate(s)
	mustDo(t, err)
	return &d
}

// TestLineageCSV imports instruments, tags and features: a file with bad
// rows imports nothing and names every bad row and column; a good file
// imports; an export imports back unchanged.
func TestLineageCSV(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		edit := w.as(aims.RoleContributor)
		svc := w.svc
		bad := "name,kind,calibration_required,calibration_interval_days\n" +
			"TT-101,sensor,yes,365\n" +
			",sensor,,\n" +
			"FT-201,flowmeter,maybe,x\n" +
			"tt-101,meter,,\n"
		_, err := svc.ImportLineageCSV(edit, "instruments", strings.NewReader(bad))
		if got := fieldList(err); got != "rows/3/name rows/4/kind rows/4/calibration_required rows/4/calibration_interval_days rows/5/name" {
			t.Fatalf("bad file: %v, fields %q", err, got)
		}
		if _, n, _ := svc.FindInstruments(edit, aims.InstrumentFilter{}); n != 0 {
			t.Fatalf("a bad file imported %d instruments", n)
		}
		if _, err := svc.ImportLineageCSV(w.as(aims.RoleSystemOwner), "instruments", strings.NewReader(bad)); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("system owner imports: %v", err)
		}
		if _, err := svc.ImportLineageCSV(edit, "pumps", strings.NewReader(bad)); fieldList(err) != "kind" {
			t.Errorf("unknown kind: %v", err)
		}
		good := "Name,Kind,Location,Calibration required\nTT-101,sensor,Line 2,\nHistorian,software,,\n"
		n, err := svc.ImportLineageCSV(edit, "instruments", strings.NewReader(good))
		mustDo(t, err)
		list, _, _ := svc.FindInstruments(edit, aims.InstrumentFilter{})
		if n != 2 || len(list) != 2 || list[0].Name != "Historian" || list[0].CalibrationRequired || !list[1].CalibrationRequired || list[1].Location != "Line 2" {
			t.Fatalf("imported %d: %+v", n, list)
		}
		_, err = svc.ImportLineageCSV(edit, "tags", strings.NewReader("name,unit,instrument\nTT-101 torque,kNm,TT-101\nShift,,Nope\n"))
		if fieldList(err) != "rows/3/instrument" {
			t.Errorf("tag of an unknown instrument: %v", err)
		}
		_, err = svc.ImportLineageCSV(edit, "tags", strings.NewReader("name,unit,instrument,quality_caveats\nTT-101 torque,kNm,tt-101,=spiky\nShift,,Historian,\n"))
		mustDo(t, err)
		_, err = svc.ImportLineageCSV(edit, "features", strings.NewReader("name,transformation,tags\ntorque mean,mean,TT-101 torque; Gone\n"))
		if fieldList(err) != "rows/2/tags" {
			t.Errorf("feature of an unknown tag: %v", err)
		}
		_, err = svc.ImportLineageCSV(edit, "features", strings.NewReader("name,transformation,tags\ntorque mean,mean,TT-101 torque; shift\n"))
		mustDo(t, err)
		fs, _, _ := svc.FindFeatures(edit, aims.FeatureFilter{})
		if len(fs) != 1 || len(fs[0].Tags) != 2 || fs[0].Tags[1].Name != "Shift" {
			t.Fatalf("features = %+v", fs)
		}

		// Export and import back: nothing changes, nothing is recorded.
		for _, kind := range []string{"instruments", "tags", "features"} {
			var out bytes.Buffer
			mustDo(t, svc.ExportLineageCSV(edit, kind, &out))
			if kind == "tags" && !strings.Contains(out.String(), "'=spiky") {
				t.Errorf("a formula is not escaped: %q", out.String())
			}
			_, before, _ := svc.FindAuditEvents(w.as(aims.RoleAdmin), aims.AuditFilter{})
			if _, err := svc.ImportLineageCSV(edit, kind, &out); err != nil {
				t.Fatalf("import the %s export: %v", kind, err)
			}
			if _, after, _ := svc.FindAuditEvents(w.as(aims.RoleAdmin), aims.AuditFilter{}); after != before {
				t.Errorf("importing the %s export back recorded %d changes", kind, after-before)
			}
		}
		tags, _, _ := svc.FindTags(edit, aims.TagFilter{Query: "torque"})
		if len(tags) != 1 || tags[0].QualityCaveats != "=spiky" || tags[0].InstrumentName != "TT-101" {
			t.Errorf("tag after the round trip: %+v", tags)
		}
	})
}
