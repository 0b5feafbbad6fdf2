package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// lineageFixture is an organization with one instrument (MT-301, needing
// calibration, calibrated for March 2026 only), its tag, a feature of it,
// a software source with a tag nobody uses, and a feature without tags.
type lineageFixture struct {
	*storetest.Fixture
	probe, soft        *aims.Instrument
	moisture, unused   *aims.Tag
	feature, loose     *aims.Feature
	march              *aims.Calibration
	marchFrom, marchTo time.Time
}

func newLineageFixture(t *testing.T, db *store.DB, slug string) *lineageFixture {
	t.Helper()
	ctx := context.Background()
	lf := &lineageFixture{Fixture: storetest.NewOrg(t, db, slug),
		marchFrom: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), marchTo: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	must(t, db.Transact(ctx, func(tx *store.Tx) error {
		lf.probe = &aims.Instrument{Name: "MT-301", Kind: aims.InstrumentSensor, CalibrationRequired: true, CalibrationIntervalDays: 30}
		lf.soft = &aims.Instrument{Name: "Historian", Kind: aims.InstrumentSoftware}
		for _, in := range []*aims.Instrument{lf.probe, lf.soft} {
			if err := store.CreateInstrument(ctx, tx, lf.Scope, in); err != nil {
				return err
			}
		}
		lf.march = &aims.Calibration{InstrumentID: lf.probe.ID, ValidFrom: lf.marchFrom, ValidTo: lf.marchTo, Result: aims.CalibrationPassed,
			CertificateRef: "CAL-1"}
		if err := store.CreateCalibration(ctx, tx, lf.Scope, lf.march); err != nil {
			return err
		}
		lf.moisture = &aims.Tag{Name: "MT-301 moisture", Unit: "%", InstrumentID: lf.probe.ID, QualityCaveats: "drifts when fouled"}
		lf.unused = &aims.Tag{Name: "Shift", InstrumentID: lf.soft.ID}
		for _, tg := range []*aims.Tag{lf.moisture, lf.unused} {
			if err := store.CreateTag(ctx, tx, lf.Scope, tg); err != nil {
				return err
			}
		}
		lf.feature = &aims.Feature{Name: "moisture 5 min mean", Transformation: "5-minute mean", Tags: []aims.LineageRef{{ID: lf.moisture.ID}}}
		lf.loose = &aims.Feature{Name: "bowl speed", Tags: []aims.LineageRef{}}
		for _, f := range []*aims.Feature{lf.feature, lf.loose} {
			if err := store.CreateFeature(ctx, tx, lf.Scope, f); err != nil {
				return err
			}
		}
		return nil
	}))
	return lf
}

func TestLineageRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lf := newLineageFixture(t, db, "acme")
		inMarch := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)

		// The state is computed at the time asked for.
		for _, c := range []struct {
			at   time.Time
			want aims.CalibrationState
		}{{inMarch, aims.CalibrationIn}, {lf.marchTo, aims.CalibrationOut}} {
			got, err := store.FindInstrumentByID(ctx, db, lf.Scope, lf.probe.ID, c.at)
			must(t, err)
			if got.CalibrationState != c.want {
				t.Errorf("state at %s = %s, want %s", c.at, got.CalibrationState, c.want)
			}
			if (got.CurrentCalibration != nil) != (c.want == aims.CalibrationIn) {
				t.Errorf("current calibration at %s = %+v", c.at, got.CurrentCalibration)
			}
			if len(got.Tags) != 1 || got.Tags[0].Name != "MT-301 moisture" {
				t.Errorf("tags of the probe = %v", got.Tags)
			}
		}
		list, n, err := store.FindInstruments(ctx, db, lf.Scope, aims.InstrumentFilter{State: aims.CalibrationIn}, inMarch)
		must(t, err)
		if n != 1 || len(list) != 1 || list[0].Name != "MT-301" || list[0].CurrentCalibration == nil || list[0].CurrentCalibration.CertificateRef != "CAL-1" {
			t.Errorf("instruments in calibration = %d %+v", n, list)
		}
		list, n, err = store.FindInstruments(ctx, db, lf.Scope, aims.InstrumentFilter{Query: "hist"}, inMarch)
		must(t, err)
		if n != 1 || list[0].CalibrationState != aims.CalibrationNotRequired {
			t.Errorf("search hist = %d %+v", n, list)
		}

		// Names are unique in any case.
		err = db.Transact(ctx, func(tx *store.Tx) error {
			return store.CreateTag(ctx, tx, lf.Scope, &aims.Tag{Name: "mt-301 MOISTURE"})
		})
		if !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("duplicate tag name: %v, want conflict", err)
		}
		// Decisions match tag names exactly.
		byName, err := store.FindTagsByNames(ctx, db, lf.Scope, []string{"MT-301 moisture", "mt-301 moisture", "nope"})
		must(t, err)
		if len(byName) != 1 || byName["MT-301 moisture"] == nil || byName["MT-301 moisture"].InstrumentName != "MT-301" {
			t.Errorf("tags by name = %v", byName)
		}

		// Deletes that would leave references dangling are conflicts.
		for name, del := range map[string]func(tx *store.Tx) error{
			"instrument with a tag": func(tx *store.Tx) error { return store.DeleteInstrument(ctx, tx, lf.Scope, lf.probe) },
			"tag of a feature":      func(tx *store.Tx) error { return store.DeleteTag(ctx, tx, lf.Scope, lf.moisture) },
		} {
			if err := db.Transact(ctx, del); !aims.IsKind(err, aims.KindConflict) {
				t.Errorf("delete %s: %v, want conflict", name, err)
			}
		}

		// A model version consumes the feature; a dataset is drawn from the tag.
		sys := lf.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", lf.Admin.ID))
		ds := &aims.Dataset{Name: "Line 2 2026Q1", PersonalData: aims.PersonalDataNo, Tags: []aims.LineageRef{{ID: lf.moisture.ID}}}
		ds.WindowStart, ds.WindowEnd = date(t, "2026-02-15"), date(t, "2026-03-10")
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.CreateDataset(ctx, tx, lf.Scope, ds) }))
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "2.0", Digest: fmt.Sprintf("%064x", 2), Status: aims.ModelApproved,
			Datasets: []aims.DatasetUse{{DatasetID: ds.ID, Purpose: aims.PurposeTraining}},
			Features: []aims.LineageRef{{ID: lf.feature.ID}}}
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.CreateModelVersion(ctx, tx, lf.Scope, mv) }))
		gotMV, err := store.FindModelVersionByID(ctx, db, lf.Scope, sys.ID, mv.ID)
		must(t, err)
		if len(gotMV.Features) != 1 || gotMV.Features[0].Name != "moisture 5 min mean" {
			t.Errorf("model version features = %v", gotMV.Features)
		}
		gotDS, err := store.FindDatasetByID(ctx, db, lf.Scope, ds.ID)
		must(t, err)
		if len(gotDS.Tags) != 1 || gotDS.Tags[0].Name != "MT-301 moisture" {
			t.Errorf("dataset tags = %v", gotDS.Tags)
		}
		gotF, err := store.FindFeatureByID(ctx, db, lf.Scope, lf.feature.ID)
		must(t, err)
		if len(gotF.ModelVersions) != 1 || gotF.ModelVersions[0].Version != "2.0" {
			t.Errorf("feature users = %v", gotF.ModelVersions)
		}
		if err := db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteFeature(ctx, tx, lf.Scope, gotF) }); !aims.IsKind(err, aims.KindConflict) {
			t.Errorf("delete a consumed feature: %v, want conflict", err)
		}
		// A link to a missing record names the entry.
		bad := *gotMV
		bad.Features = []aims.LineageRef{{ID: lf.feature.ID}, {ID: "missing"}}
		err = db.Transact(ctx, func(tx *store.Tx) error { return store.UpdateModelVersion(ctx, tx, lf.Scope, gotMV, &bad) })
		if fields := fieldNames(err); !slices.Equal(fields, []string{"features/1"}) {
			t.Errorf("unknown feature: %v, fields %v", err, fields)
		}

		// The probe is not covered over the training window by one
		// calibration: it is the candidate the exposures check.
		trained, err := store.FindTrainingDatasets(ctx, db, lf.Scope, "")
		must(t, err)
		if len(trained) != 1 || trained[0].Version != "2.0" || !trained[0].Window.From.Equal(time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC)) ||
			!trained[0].Window.To.Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("training datasets = %+v", trained)
		}
		windows := map[string]aims.Period{ds.ID: trained[0].Window}
		pairs, err := store.FindUncoveredInstruments(ctx, db, lf.Scope, windows)
		must(t, err)
		if len(pairs) != 1 || pairs[0].InstrumentID != lf.probe.ID {
			t.Errorf("uncovered = %+v", pairs)
		}
		windows[ds.ID] = aims.Period{From: lf.marchFrom, To: lf.marchTo} // covered by the March calibration
		if pairs, _ := store.FindUncoveredInstruments(ctx, db, lf.Scope, windows); len(pairs) != 0 {
			t.Errorf("uncovered in March = %+v", pairs)
		}

		// A failed check on March 20 ends what the March pass vouched for
		// (rules.Vouched): the SQL agrees with the rule.
		failed := &aims.Calibration{InstrumentID: lf.probe.ID, ValidFrom: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC),
			ValidTo: time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC), Result: aims.CalibrationFailed, CertificateRef: "CAL-2"}
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.CreateCalibration(ctx, tx, lf.Scope, failed) }))
		for at, want := range map[time.Time]aims.CalibrationState{
			inMarch: aims.CalibrationIn, failed.ValidFrom.Add(-time.Second): aims.CalibrationIn,
			failed.ValidFrom: aims.CalibrationOut, time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC): aims.CalibrationOut,
		} {
			got, err := store.FindInstrumentByID(ctx, db, lf.Scope, lf.probe.ID, at)
			must(t, err)
			if got.CalibrationState != want || (got.CurrentCalibration != nil) != (want == aims.CalibrationIn) {
				t.Errorf("after the failed check, state at %s = %s (current %v), want %s", at, got.CalibrationState, got.CurrentCalibration, want)
			}
		}
		if pairs, _ := store.FindUncoveredInstruments(ctx, db, lf.Scope, windows); len(pairs) != 1 {
			t.Errorf("uncovered in March after a failed check = %+v, want the probe", pairs)
		}
		windows[ds.ID] = aims.Period{From: lf.marchFrom, To: failed.ValidFrom}
		if pairs, _ := store.FindUncoveredInstruments(ctx, db, lf.Scope, windows); len(pairs) != 0 {
			t.Errorf("uncovered before the failed check = %+v", pairs)
		}

		// Orphans: the unused tag, the loose feature, and the probe once
		// March is over.
		o, err := store.FindLineageOrphans(ctx, db, lf.Scope, lf.marchTo.Add(time.Hour), 500)
		must(t, err)
		if len(o.UnusedTags) != 1 || o.UnusedTags[0].Name != "Shift" || o.UnusedTagsTotal != 1 {
			t.Errorf("unused tags = %v", o.UnusedTags)
		}
		if len(o.FeaturesWithoutTags) != 1 || o.FeaturesWithoutTags[0].Name != "bowl speed" {
			t.Errorf("features without tags = %v", o.FeaturesWithoutTags)
		}
		if len(o.InstrumentsWithoutCurrentCalibration) != 1 || o.InstrumentsWithoutCurrentCalibration[0].Name != "MT-301" {
			t.Errorf("instruments without calibration = %v", o.InstrumentsWithoutCurrentCalibration)
		}

		// Every write was recorded; deleting the calibration too.
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.DeleteCalibration(ctx, tx, lf.Scope, lf.march) }))
		for _, e := range []struct{ typ, id string }{{aims.EntityInstrument, lf.probe.ID}, {aims.EntityCalibration, lf.march.ID},
			{aims.EntityTag, lf.moisture.ID}, {aims.EntityFeature, lf.feature.ID}} {
			_, n, err := store.FindAuditEvents(ctx, db, lf.Scope, aims.AuditFilter{EntityType: e.typ, EntityID: e.id})
			must(t, err)
			want := 1
			if e.typ == aims.EntityCalibration {
				want = 2
			}
			if n != want {
				t.Errorf("audit events of %s = %d, want %d", e.typ, n, want)
			}
		}

		// Another organization sees none of it.
		other := storetest.NewOrg(t, db, "other")
		if _, err := store.FindInstrumentByID(ctx, db, other.Scope, lf.probe.ID, inMarch); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("other org reads the instrument: %v", err)
		}
		if _, n, _ := store.FindTags(ctx, db, other.Scope, aims.TagFilter{}); n != 0 {
			t.Errorf("other org lists %d tags", n)
		}
		if m, _ := store.FindTagsByIDs(ctx, db, other.Scope, []string{lf.moisture.ID}); len(m) != 0 {
			t.Errorf("other org finds tags by id: %v", m)
		}
	})
}

func TestLineageDecisionsInPeriods(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lf := newLineageFixture(t, db, "acme")
		sys := lf.MustCreateSystem(t, db, storetest.System("Setpoint optimizer", lf.Admin.ID))
		other := lf.MustCreateSystem(t, db, storetest.System("Dryer", lf.Admin.ID))
		// One decision a day from 2026-02-25 to 2026-03-05 on each system,
		// with the moisture tag; and one a day without it.
		start := time.Date(2026, 2, 25, 12, 0, 0, 0, time.UTC)
		var ds []*store.NewDecision
		for i := range 9 {
			for j, s := range []*aims.AISystem{sys, other} {
				ds = append(ds, newTaggedDecision(s.ID, int64(i*10+j), start.AddDate(0, 0, i), "MT-301 moisture", "TT-101 torque"))
			}
			ds = append(ds, newTaggedDecision(sys.ID, int64(i*10+5), start.AddDate(0, 0, i), "TT-101 torque"))
		}
		must(t, db.Transact(ctx, func(tx *store.Tx) error { return store.StoreDecisions(ctx, tx, lf.Scope, ds) }))

		tags, err := store.FindDecisionTagInstruments(ctx, db, lf.Scope)
		must(t, err)
		if len(tags) != 1 || tags[0].Tag != "MT-301 moisture" || tags[0].InstrumentID != lf.probe.ID {
			t.Fatalf("decision tags of instruments = %+v", tags)
		}
		// Out of calibration before March: 2026-02-25 .. 02-28 (4 days).
		period := store.TagPeriod{DecisionTagInstrument: tags[0], Period: aims.Period{From: start.AddDate(0, 0, -10), To: lf.marchFrom}}
		got, total, err := store.FindDecisionsInPeriods(ctx, db, lf.Scope, "", []store.TagPeriod{period}, aims.Page{Limit: 3})
		must(t, err)
		if total != 8 || len(got) != 3 {
			t.Fatalf("decisions in period = %d of %d, want 3 of 8", len(got), total)
		}
		if !got[0].DecidedAt.Equal(start.AddDate(0, 0, 3)) || got[0].InstrumentName != "MT-301" || got[0].Tag != "MT-301 moisture" ||
			!got[0].Period.To.Equal(lf.marchFrom) || got[0].SystemName == "" {
			t.Errorf("newest = %+v", got[0])
		}
		got, total, err = store.FindDecisionsInPeriods(ctx, db, lf.Scope, sys.ID, []store.TagPeriod{period}, aims.Page{Limit: 50})
		must(t, err)
		if total != 4 || len(got) != 4 {
			t.Errorf("decisions of one system = %d of %d, want 4", len(got), total)
		}
		for _, d := range got {
			if d.SystemID != sys.ID || !period.Contains(d.DecidedAt) {
				t.Errorf("decision %+v outside the filter", d)
			}
		}
		// Past the end: no rows, the total still.
		got, total, err = store.FindDecisionsInPeriods(ctx, db, lf.Scope, "", []store.TagPeriod{period}, aims.Page{Limit: 50, Offset: 50})
		must(t, err)
		if total != 8 || len(got) != 0 {
			t.Errorf("past the end = %d of %d", len(got), total)
		}
		// Several periods, overlapping and not: paging through them in
		// small pages gives the one big page, newest first.
		many := []store.TagPeriod{
			{DecisionTagInstrument: tags[0], Period: aims.Period{From: start.AddDate(0, 0, 6), To: start.AddDate(0, 0, 20)}},
			{DecisionTagInstrument: tags[0], Period: aims.Period{From: start.AddDate(0, 0, -1), To: start.AddDate(0, 0, 2)}},
			{DecisionTagInstrument: store.DecisionTagInstrument{Tag: "TT-101 torque", InstrumentID: "x", InstrumentName: "TT-101"},
				Period: aims.Period{From: start.AddDate(0, 0, 1), To: start.AddDate(0, 0, 7)}},
		}
		all, total, err := store.FindDecisionsInPeriods(ctx, db, lf.Scope, "", many, aims.Page{Limit: 500})
		must(t, err)
		// 3 days x 2 systems, 2 days x 2, 6 days x 3 decisions (two
		// systems with torque, one without moisture).
		if total != 3*2+2*2+6*3 || len(all) != total {
			t.Fatalf("%d of %d decisions in three periods", len(all), total)
		}
		var paged []string
		for off := 0; off < total; off += 4 {
			page, n, err := store.FindDecisionsInPeriods(ctx, db, lf.Scope, "", many, aims.Page{Limit: 4, Offset: off})
			must(t, err)
			if n != total {
				t.Fatalf("page at %d: total %d, want %d", off, n, total)
			}
			for _, d := range page {
				paged = append(paged, d.ID+" "+d.Tag)
			}
		}
		for i, d := range all {
			if i > 0 && d.DecidedAt.After(all[i-1].DecidedAt) {
				t.Errorf("not newest first at %d", i)
			}
			if paged[i] != d.ID+" "+d.Tag {
				t.Fatalf("entry %d: paged %s, in one page %s %s", i, paged[i], d.ID, d.Tag)
			}
		}

		// Another organization's scope finds nothing.
		o := storetest.NewOrg(t, db, "other")
		if _, total, _ := store.FindDecisionsInPeriods(ctx, db, o.Scope, "", []store.TagPeriod{period}, aims.Page{}); total != 0 {
			t.Errorf("other org finds %d decisions", total)
		}
	})
}

func newTaggedDecision(systemID string, seq int64, at time.Time, tags ...string) *store.NewDecision {
	inputs := map[string]json.RawMessage{}
	for _, tg := range tags {
		inputs[tg] = json.RawMessage("1")
	}
	payload := []byte(fmt.Sprintf(`{"seq":%d}`, seq))
	salt := make([]byte, ledger.SaltSize)
	return &store.NewDecision{Inputs: inputs, D: &aims.Decision{SystemID: systemID, ModelVersion: "2.0", Source: "gw", Seq: seq,
		SourceTime: at, ReceivedAt: at, Human: aims.HumanOverridden, Salt: salt, Payload: payload,
		PayloadDigest: ledger.SaltedDigest(salt, payload), UnknownModelVersion: true}}
}

func date(t *testing.T, s string) *aims.Date {
	t.Helper()
	d, err := aims.ParseDate(s)
	must(t, err)
	return &d
}

func fieldNames(err error) []string {
	var out []string
	if ae, ok := err.(*aims.Error); ok {
		for _, f := range ae.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}
