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

// TestOutOfCalibrationEpisodes groups out-of-calibration decisions by
// instrument and period with counts: probe P is calibrated 1-10 and 15-20
// March, so out of calibration 10-15 March and from 20 March on; meter Q
// was never calibrated. Daily decisions 8-22 March name P's moisture tag,
// on even days its temperature tag too (counted once), from 21 March Q's
// flow; two are overridden, and another system's decision on 12 March
// counts only without the system filter.
func TestOutOfCalibrationEpisodes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newSoAWorld(t, db, "acme")
		edit, viewer, admin := w.as(aims.RoleContributor), w.as(aims.RoleViewer), w.as(aims.RoleAdmin)
		svc := w.svc
		p := &aims.Instrument{Name: "P-1 probe", Kind: aims.InstrumentSensor, CalibrationRequired: true}
		q := &aims.Instrument{Name: "Q-2 meter", Kind: aims.InstrumentSensor, CalibrationRequired: true}
		mustDo(t, svc.CreateInstrument(edit, p))
		mustDo(t, svc.CreateInstrument(edit, q))
		for _, c := range []*aims.Calibration{
			{ValidFrom: march(1, 0), ValidTo: march(10, 0), Result: aims.CalibrationPassed, CertificateRef: "CAL-1"},
			{ValidFrom: march(15, 0), ValidTo: march(20, 0), Result: aims.CalibrationPassed, CertificateRef: "CAL-2"},
		} {
			mustDo(t, svc.CreateCalibration(edit, p.ID, c))
		}
		for _, tg := range []*aims.Tag{{Name: "P moisture", InstrumentID: p.ID}, {Name: "P temperature", InstrumentID: p.ID}, {Name: "Q flow", InstrumentID: q.ID}} {
			mustDo(t, svc.CreateTag(edit, tg))
		}
		owner := w.users[aims.RoleSystemOwner]
		sys := w.f.MustCreateSystem(t, db, storetest.System("Dryer optimizer", owner.ID))
		other := w.f.MustCreateSystem(t, db, storetest.System("Press optimizer", owner.ID))
		var body bytes.Buffer
		for day := 8; day <= 22; day++ {
			inputs := `"P moisture":11.5`
			if day%2 == 0 {
				inputs += `,"P temperature":80`
			}
			if day >= 21 {
				inputs += `,"Q flow":3`
			}
			human := ""
			if day == 11 || day == 13 {
				human = fmt.Sprintf(`,"human":{"action":"overridden","by":"j.doe","at":%q,"value":40}`, march(day, 13).Format(time.RFC3339))
			}
			fmt.Fprintf(&body, `{"model_version":"2.0","source":"gw","seq":%d,"source_time":%q,"inputs":{%s},"output":{"value":1}%s}`+"\n",
				day, march(day, 12).Format(time.RFC3339), inputs, human)
		}
		res, err := svc.RecordDecisionBatch(admin, sys.ID, body.Bytes(), "test")
		mustDo(t, err)
		if res.Stored != 15 {
			t.Fatalf("stored %d decisions: %+v", res.Stored, res.Errors)
		}
		_, err = svc.RecordDecisionBatch(admin, other.ID, []byte(fmt.Sprintf(`{"model_version":"1.0","source":"gw2","seq":1,"source_time":%q,"inputs":{"P moisture":9},"output":{"value":2}}`+"\n",
			march(12, 6).Format(time.RFC3339))), "test")
		mustDo(t, err)

		type row struct {
			Instrument string
			Tags       string
			From, To   time.Time
			N, Over    int
			First      time.Time
			Last       time.Time
		}
		rows := func(f aims.OutOfCalibrationDecisionFilter) []row {
			t.Helper()
			eps, err := svc.FindOutOfCalibrationEpisodes(viewer, f)
			mustDo(t, err)
			var out []row
			for _, e := range eps {
				out = append(out, row{e.InstrumentName, strings.Join(e.Tags, ","), e.Period.From, e.Period.To, e.Decisions, e.Overridden, e.FirstDecidedAt, e.LastDecidedAt})
			}
			return out
		}
		got := rows(aims.OutOfCalibrationDecisionFilter{SystemID: sys.ID})
		want := []row{
			{"P-1 probe", "P moisture,P temperature", march(20, 0), aims.OpenEnd, 3, 0, march(20, 12), march(22, 12)},
			{"Q-2 meter", "Q flow", aims.OpenStart, aims.OpenEnd, 2, 0, march(21, 12), march(22, 12)},
			{"P-1 probe", "P moisture,P temperature", march(10, 0), march(15, 0), 5, 2, march(10, 12), march(14, 12)},
		}
		if !slices.Equal(got, want) {
			t.Errorf("episodes of the dryer optimizer:\n got %+v\nwant %+v", got, want)
		}
		all := rows(aims.OutOfCalibrationDecisionFilter{})
		if len(all) != 3 || all[2].N != 6 || !all[2].First.Equal(march(10, 12)) {
			t.Errorf("episodes of every system: %+v", all)
		}
		if got := rows(aims.OutOfCalibrationDecisionFilter{InstrumentID: q.ID}); len(got) != 1 || got[0].Instrument != "Q-2 meter" {
			t.Errorf("Q's episodes: %+v", got)
		}
		// Expanding an episode lists its decisions, one row per decision and tag.
		ds, total, err := svc.FindOutOfCalibrationDecisions(viewer, aims.OutOfCalibrationDecisionFilter{SystemID: sys.ID, InstrumentID: p.ID,
			From: march(10, 0), To: march(15, 0), Page: aims.Page{Limit: 50}})
		mustDo(t, err)
		ids := map[string]bool{}
		for _, d := range ds {
			ids[d.ID] = true
		}
		if total != 8 || len(ids) != 5 {
			t.Errorf("the 10-15 March episode expands to %d rows of %d decisions, want 8 of 5", total, len(ids))
		}
		if _, err := svc.FindOutOfCalibrationEpisodes(viewer, aims.OutOfCalibrationDecisionFilter{InstrumentID: "nope"}); !aims.IsKind(err, aims.KindNotFound) {
			t.Errorf("unknown instrument: %v", err)
		}

		var csv bytes.Buffer
		if err := svc.ExportOutOfCalibrationEpisodesCSV(viewer, &csv, aims.OutOfCalibrationDecisionFilter{}); !aims.IsKind(err, aims.KindForbidden) {
			t.Errorf("a viewer exports: %v", err)
		}
		mustDo(t, svc.ExportOutOfCalibrationEpisodesCSV(w.as(aims.RoleAuditor), &csv, aims.OutOfCalibrationDecisionFilter{SystemID: sys.ID}))
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv.String(), "\ufeff")), "\n")
		wantCSV := []string{
			"instrument,tags,out_of_calibration_from,out_of_calibration_to,decisions,overridden,first_decision_at,last_decision_at",
			"P-1 probe,P moisture; P temperature,2026-03-20T00:00:00Z,,3,0,2026-03-20T12:00:00Z,2026-03-22T12:00:00Z",
			"Q-2 meter,Q flow,,,2,0,2026-03-21T12:00:00Z,2026-03-22T12:00:00Z",
			"P-1 probe,P moisture; P temperature,2026-03-10T00:00:00Z,2026-03-15T00:00:00Z,5,2,2026-03-10T12:00:00Z,2026-03-14T12:00:00Z",
		}
		if !slices.Equal(lines, wantCSV) {
			t.Errorf("CSV:\n%s", strings.Join(lines, "\n"))
		}
	})
}
