package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// lineagePlant is the demo plant's lineage in small: a moisture probe
// (MT-301) whose calibration ran out during the training window, a flow
// meter (FT-201) in calibration, their tags and features, the training
// dataset, and the deployed model version that consumes both features.
type lineagePlant struct {
	sys                *aims.AISystem
	mv                 *aims.ModelVersion
	probe, meter       *aims.Instrument
	moisture, flow     *aims.Tag
	fMoisture, fFlow   *aims.Feature
	dataset            *aims.Dataset
	decisionTime       time.Time
	windowFrom, calEnd time.Time
}

func newLineagePlant(t *testing.T, e *testEnv) *lineagePlant {
	t.Helper()
	ctx := e.ctx(aims.RoleAdmin)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		must(err)
		return d
	}
	p := &lineagePlant{windowFrom: day("2024-01-01"), calEnd: day("2024-04-01")}
	p.probe = &aims.Instrument{Name: "MT-301", Kind: aims.InstrumentSensor, Location: "Belt press 3", CalibrationRequired: true,
		CalibrationIntervalDays: 90}
	must(e.svc.CreateInstrument(ctx, p.probe))
	// Calibrated for the first quarter of the window only.
	must(e.svc.CreateCalibration(ctx, p.probe.ID, &aims.Calibration{ValidFrom: p.windowFrom, ValidTo: p.calEnd,
		Result: aims.CalibrationPassed, CertificateRef: "CAL-2024-017", PerformedBy: "Endress lab"}))
	p.meter = &aims.Instrument{Name: "FT-201", Kind: aims.InstrumentMeter, CalibrationRequired: true}
	must(e.svc.CreateInstrument(ctx, p.meter))
	must(e.svc.CreateCalibration(ctx, p.meter.ID, &aims.Calibration{ValidFrom: day("2023-01-01"), ValidTo: day("2100-01-01"),
		Result: aims.CalibrationPassed, CertificateRef: "CAL-2023-002"}))

	p.moisture = &aims.Tag{Name: "MT-301 moisture", Unit: "% DS", InstrumentID: p.probe.ID, QualityCaveats: "Fouls after a polymer overdose"}
	must(e.svc.CreateTag(ctx, p.moisture))
	p.flow = &aims.Tag{Name: "FT-201 flow", Unit: "m3/h", InstrumentID: p.meter.ID}
	must(e.svc.CreateTag(ctx, p.flow))
	p.fMoisture = &aims.Feature{Name: "moisture 5 min mean", Unit: "% DS", Transformation: "5-minute mean",
		Tags: []aims.LineageRef{{ID: p.moisture.ID}}}
	must(e.svc.CreateFeature(ctx, p.fMoisture))
	p.fFlow = &aims.Feature{Name: "flow 5 min mean", Transformation: "5-minute mean", Tags: []aims.LineageRef{{ID: p.flow.ID}}}
	must(e.svc.CreateFeature(ctx, p.fFlow))

	start, end := aims.Date{Time: p.windowFrom}, aims.Date{Time: day("2024-06-30")}
	p.dataset = &aims.Dataset{Name: "Historian 2024 H1", PersonalData: aims.PersonalDataNo, WindowStart: &start, WindowEnd: &end,
		Tags: []aims.LineageRef{{ID: p.moisture.ID}, {ID: p.flow.ID}}}
	must(e.svc.CreateDataset(ctx, p.dataset))

	p.sys = storetest.System("Dewatering setpoint optimizer", e.members[aims.RoleSystemOwner].ID)
	p.sys.LifecycleStage = aims.StageDeployed
	e.org.MustCreateSystem(t, e.db, p.sys)
	p.mv = &aims.ModelVersion{SystemID: p.sys.ID, Version: "2.1.0", Digest: strings.Repeat("ab", 32), Status: aims.ModelDeployed,
		Datasets: []aims.DatasetUse{{DatasetID: p.dataset.ID, Purpose: aims.PurposeTraining}},
		Features: []aims.LineageRef{{ID: p.fMoisture.ID}, {ID: p.fFlow.ID}}}
	must(e.svc.CreateReleasedModelVersion(ctx, p.mv, testApproval))

	// A decision now, while the probe is out of calibration.
	p.decisionTime = time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	body := fmt.Sprintf(`{"model_version":"2.1.0","source":"gw-1","seq":1,"source_time":%q,"inputs":{"MT-301 moisture":23.5,"FT-201 flow":41},"output":{"value":7.5,"unit":"kg/t"}}`,
		p.decisionTime.Format(time.RFC3339))
	if _, err := e.svc.RecordDecision(ctx, p.sys.ID, []byte(body), service.ViaCLI); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLineagePagesShowTheChain reads the lineage as a viewer: the overview
// finds the model version trained on readings out of calibration, the
// lists show calibration states, and the model version's page and the
// operator view draw the graph with the probe marked in words.
func TestLineagePagesShowTheChain(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		p := newLineagePlant(t, e)
		mvPath := "/systems/" + p.sys.ID + "/versions/" + p.mv.ID

		over := e.get(aims.RoleViewer, "/lineage").want(t, http.StatusOK)
		row := query(t, over.doc, "#exposures table.exposures tbody tr")
		query(t, row, `a[href="`+mvPath+`"]`)
		query(t, row, `a[href="/lineage/instruments/`+p.probe.ID+`"]`)
		if got := text(query(t, row, "td ul.plain li")); got != "2024-04-01 to 2024-06-30" {
			t.Errorf("exposed period %q", got)
		}
		query(t, over.doc, `a[href="/lineage/out-of-calibration-decisions"]`)
		if got := text(query(t, over.doc, "h1")); got != "Data lineage" {
			t.Errorf("h1 %q", got)
		}
		if got := texts(over.doc, `nav[aria-label=Main] summary[aria-current=true]`); !slices.Equal(got, []string{"Inventory"}) {
			t.Errorf("current menu on /lineage = %v", got)
		}

		list := e.get(aims.RoleViewer, "/lineage/instruments").want(t, http.StatusOK)
		states := map[string]string{}
		for _, tr := range queryAll(list.doc, "table.instruments tbody tr") {
			states[text(query(t, tr, "td a"))] = text(query(t, tr, "td .badge"))
		}
		if states["MT-301"] != "Out of calibration" || states["FT-201"] != "In calibration" {
			t.Errorf("calibration states %v", states)
		}
		query(t, list.doc, `table.instruments tbody tr td .badge.danger`)
		if got := texts(e.get(aims.RoleViewer, "/lineage/instruments?state=in_calibration").doc, "table.instruments tbody td a"); !slices.Equal(got, []string{"FT-201"}) {
			t.Errorf("state filter found %v", got)
		}
		if got := texts(e.get(aims.RoleViewer, "/lineage/instruments?q=mt-3").doc, "table.instruments tbody td a"); !slices.Equal(got, []string{"MT-301"}) {
			t.Errorf("search found %v", got)
		}

		inst := e.get(aims.RoleViewer, "/lineage/instruments/"+p.probe.ID).want(t, http.StatusOK)
		if got := len(queryAll(inst.doc, "table.calibrations tbody tr")); got != 1 {
			t.Errorf("%d calibrations listed, want 1", got)
		}
		query(t, inst.doc, `dd a[href="/lineage/tags/`+p.moisture.ID+`"]`)

		tag := e.get(aims.RoleViewer, "/lineage/tags/"+p.moisture.ID).want(t, http.StatusOK)
		query(t, tag.doc, `a[href="/lineage/instruments/`+p.probe.ID+`"]`)
		query(t, tag.doc, `a[href="/lineage/features/`+p.fMoisture.ID+`"]`)
		query(t, tag.doc, `a[href="/datasets/`+p.dataset.ID+`"]`)
		feat := e.get(aims.RoleViewer, "/lineage/features/"+p.fMoisture.ID).want(t, http.StatusOK)
		query(t, feat.doc, `a[href="`+mvPath+`"]`)

		// The model version's page draws its lineage, the probe flagged in
		// words as well as colour.
		mv := e.get(aims.RoleViewer, mvPath).want(t, http.StatusOK)
		graph := query(t, mv.doc, "figure#lineage-graph svg")
		for _, id := range []string{"instrument:" + p.probe.ID, "instrument:" + p.meter.ID, "tag:" + p.moisture.ID, "tag:" + p.flow.ID,
			"feature:" + p.fMoisture.ID, "feature:" + p.fFlow.ID, "dataset:" + p.dataset.ID, "model_version:" + p.mv.ID} {
			query(t, graph, `a.node[data-node="`+id+`"] title`)
		}
		probe := query(t, graph, `a.node.flag-out_of_calibration[data-node="instrument:`+p.probe.ID+`"]`)
		if got := text(query(t, probe, "text.marker")); got != "⚠ out of calibration" {
			t.Errorf("probe marker %q", got)
		}
		noMatch(t, graph, `a[data-node="instrument:`+p.meter.ID+`"] text.marker`)
		query(t, graph, `a.node.flag-quality_caveat[data-node="tag:`+p.moisture.ID+`"]`)
		if got := len(queryAll(mv.doc, "figure#lineage-graph details.lineage-table tbody tr")); got < 8 {
			t.Errorf("%d rows in the table of links, want at least 8", got)
		}
		query(t, mv.doc, `dd a[href="/lineage/features/`+p.fFlow.ID+`"]`)
		noMatch(t, mv.doc, `a[href="`+mvPath+`/edit"]`)

		// The operator view draws the deployed version's lineage.
		sys := e.get(aims.RoleViewer, "/systems/"+p.sys.ID).want(t, http.StatusOK)
		query(t, sys.doc, `#operation figure#operation-lineage a.node[data-node="model_version:`+p.mv.ID+`"]`)
		query(t, sys.doc, `#operation figure#operation-lineage a.node.flag-out_of_calibration`)
		query(t, sys.doc, `section[aria-labelledby=versions] a[href="`+mvPath+`"]`)

		// The decision made while the probe was out of calibration.
		ooc := e.get(aims.RoleViewer, "/lineage/out-of-calibration-decisions").want(t, http.StatusOK)
		rows := queryAll(ooc.doc, "table.ooc-decisions tbody tr")
		if len(rows) != 1 || !strings.Contains(text(rows[0]), "MT-301 moisture") {
			t.Fatalf("out-of-calibration decisions: %d rows", len(rows))
		}
		query(t, rows[0], `a[href="/lineage/instruments/`+p.probe.ID+`"]`)
		// The decision's own page traces its inputs to the probe, marked
		// as out of calibration when the decision was made.
		decPath := attr(query(t, rows[0], "td a"), "href")
		dec := e.get(aims.RoleViewer, decPath).want(t, http.StatusOK)
		if got := len(queryAll(dec.doc, "table.decision-inputs tbody tr")); got != 2 {
			t.Errorf("%d inputs shown, want 2", got)
		}
		query(t, dec.doc, `figure#decision-lineage a.node.flag-out_of_calibration[data-node="instrument:`+p.probe.ID+`"] text.marker`)
		noMatch(t, dec.doc, `figure#decision-lineage a[data-node="instrument:`+p.meter.ID+`"] text.marker`)
		query(t, dec.doc, `dd a[href="`+mvPath+`"]`)
		e.do(e.other.Admin, http.MethodGet, decPath, nil, nil).want(t, http.StatusNotFound)
		before := p.decisionTime.AddDate(0, 0, -2).Format(time.DateOnly)
		if got := len(queryAll(e.get(aims.RoleViewer, "/lineage/out-of-calibration-decisions?to="+before).doc, "table.ooc-decisions tbody tr")); got != 0 {
			t.Errorf("%d decisions until %s, want 0", got, before)
		}
		bad := e.get(aims.RoleViewer, "/lineage/out-of-calibration-decisions?from=yesterday").want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#from[aria-invalid=true]")
	})
}

// TestLineagePagesWriteOnlyForWriters checks that viewers and auditors get
// no write buttons and that the server refuses their posts anyway, and
// that another organization's records are not found.
func TestLineagePagesWriteOnlyForWriters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		p := newLineagePlant(t, e)
		inst := "/lineage/instruments/" + p.probe.ID
		for _, role := range []aims.Role{aims.RoleViewer, aims.RoleAuditor} {
			for _, path := range []string{"/lineage", "/lineage/instruments", inst, "/lineage/tags", "/lineage/tags/" + p.moisture.ID,
				"/lineage/features", "/lineage/features/" + p.fMoisture.ID} {
				pg := e.get(role, path).want(t, http.StatusOK)
				noMatch(t, pg.doc, `main a[href$="/new"]`)
				noMatch(t, pg.doc, `main a[href$="/edit"]`)
				noMatch(t, pg.doc, `main a[href$="/delete"]`)
				noMatch(t, pg.doc, `main form[method=post]`)
				noMatch(t, pg.doc, `main a[href="/lineage/import"]`)
			}
			e.get(role, "/lineage/instruments/new").want(t, http.StatusForbidden)
			e.get(role, "/lineage/import").want(t, http.StatusForbidden)
			e.post(role, "/lineage/instruments/new", url.Values{"name": {"LT-9"}, "kind": {"sensor"}}).want(t, http.StatusForbidden)
			e.post(role, inst+"/edit", url.Values{"name": {"MT-301"}, "kind": {"sensor"}}).want(t, http.StatusForbidden)
			e.post(role, inst+"/calibrations", url.Values{"valid_from": {"2025-01-01"}, "valid_to": {"2025-06-30"}, "result": {"passed"}}).
				want(t, http.StatusForbidden)
			e.post(role, "/lineage/tags/new", url.Values{"name": {"LT-9 level"}}).want(t, http.StatusForbidden)
			e.post(role, "/lineage/features/"+p.fFlow.ID+"/edit", url.Values{"name": {"flow"}}).want(t, http.StatusForbidden)
			e.post(role, "/lineage/tags/"+p.flow.ID+"/delete", nil).want(t, http.StatusForbidden)
		}
		// A contributor sees the buttons and the calibration form.
		pg := e.get(aims.RoleContributor, inst).want(t, http.StatusOK)
		query(t, pg.doc, `a[href="`+inst+`/edit"]`)
		query(t, pg.doc, `form[action="`+inst+`/calibrations"]`)
		del := query(t, pg.doc, `table.calibrations a[href$="/delete"]`)
		delPath := attr(del, "href")
		for _, role := range []aims.Role{aims.RoleViewer, aims.RoleAuditor} {
			e.get(role, delPath).want(t, http.StatusForbidden)
			e.post(role, delPath, nil).want(t, http.StatusForbidden)
		}
		e.do(e.other.Admin, http.MethodGet, delPath, nil, nil).want(t, http.StatusNotFound)
		e.do(e.other.Admin, http.MethodPost, delPath, nil, nil).want(t, http.StatusNotFound)
		e.get(aims.RoleContributor, inst+"/calibrations/no-such-id/delete").want(t, http.StatusNotFound)
		// Deleting a calibration asks first, naming it, then deletes it.
		confirm := e.get(aims.RoleContributor, delPath).want(t, http.StatusOK)
		if got := text(query(t, confirm.doc, "main h1")); !strings.Contains(got, "MT-301, 2024-01-01 to 2024-04-01") {
			t.Errorf("confirmation asks %q", got)
		}
		query(t, confirm.doc, `main form[method=post][action="`+delPath+`"] button`)
		e.post(aims.RoleContributor, delPath, nil).want(t, http.StatusSeeOther)
		if got := len(queryAll(e.get(aims.RoleViewer, inst).doc, "table.calibrations tbody tr")); got != 0 {
			t.Errorf("%d calibrations listed after the delete, want 0", got)
		}
		query(t, e.get(aims.RoleContributor, "/lineage").doc, `main a[href="/lineage/import"]`)

		// Another organization's records do not exist for it.
		other := e.other.Admin
		for _, path := range []string{inst, inst + "/edit", "/lineage/tags/" + p.moisture.ID, "/lineage/features/" + p.fMoisture.ID,
			"/lineage/tags/" + p.moisture.ID + "/edit"} {
			e.do(other, http.MethodGet, path, nil, nil).want(t, http.StatusNotFound)
		}
		e.do(other, http.MethodPost, inst+"/calibrations", url.Values{"valid_from": {"2025-01-01"}, "valid_to": {"2025-06-30"},
			"result": {"passed"}}, nil).want(t, http.StatusNotFound)
		e.do(other, http.MethodPost, inst+"/delete", nil, nil).want(t, http.StatusNotFound)
		if got := len(queryAll(e.do(other, http.MethodGet, "/lineage/instruments", nil, nil).doc, "table.instruments tbody tr")); got != 0 {
			t.Errorf("another organization lists %d instruments", got)
		}
	})
}

// TestLineageForms writes through the forms: a calibration refused next to
// its field and then recorded, a feature's tags picked, and the pickers on
// the model version and dataset forms.
func TestLineageForms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		p := newLineagePlant(t, e)
		inst := "/lineage/instruments/" + p.probe.ID

		bad := e.post(aims.RoleContributor, inst+"/calibrations", url.Values{"valid_from": {"2025-06-30"}, "valid_to": {"2025-01-01"},
			"result": {"passed"}, "certificate_ref": {"CAL-2025-001"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "#add-calibration input#valid_to[aria-invalid=true]")
		query(t, bad.doc, "#add-calibration #valid_to-error")
		if got := attr(query(t, bad.doc, "input#certificate_ref"), "value"); got != "CAL-2025-001" {
			t.Errorf("certificate kept as %q", got)
		}
		bad = e.post(aims.RoleContributor, inst+"/calibrations", url.Values{"valid_from": {"2025-01-01"}, "valid_to": {"2025-12-31"},
			"result": {"passed"}, "certificate_digest": {"not a digest"}}).want(t, http.StatusUnprocessableEntity)
		query(t, bad.doc, "input#certificate_digest[aria-invalid=true]")

		today := time.Now().UTC()
		ok := e.post(aims.RoleContributor, inst+"/calibrations", url.Values{"valid_from": {today.AddDate(0, 0, -1).Format(time.DateOnly)},
			"valid_to": {today.AddDate(0, 6, 0).Format(time.DateOnly)}, "result": {"adjusted"}, "certificate_ref": {"CAL-2025-001"},
			"certificate_digest": {strings.Repeat("0f", 32)}, "performed_by": {"Endress lab"}}).want(t, http.StatusSeeOther)
		if ok.location != inst+"#calibrations" {
			t.Errorf("after recording: %q", ok.location)
		}
		pg := e.get(aims.RoleViewer, inst).want(t, http.StatusOK)
		if got := len(queryAll(pg.doc, "table.calibrations tbody tr")); got != 2 {
			t.Errorf("%d calibrations after adding one, want 2", got)
		}
		if got := text(query(t, pg.doc, "#calibration-state")); got != "In calibration" {
			t.Errorf("state after a current calibration %q", got)
		}

		// An instrument's form refuses a duplicate name next to the field.
		dup := e.post(aims.RoleContributor, "/lineage/instruments/new", url.Values{"name": {"MT-301"}, "kind": {"sensor"}})
		if dup.status != http.StatusConflict && dup.status != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate instrument: status %d", dup.status)
		}
		query(t, dup.doc, "input#name[aria-invalid=true]")
		created := e.post(aims.RoleContributor, "/lineage/instruments/new", url.Values{"name": {"LT-9"}, "kind": {"sensor"},
			"calibration_required": {"true"}, "calibration_interval_days": {"365"}}).want(t, http.StatusSeeOther)
		lt := e.get(aims.RoleViewer, created.location).want(t, http.StatusOK)
		if got := text(query(t, lt.doc, "#calibration-state")); got != "Never calibrated" {
			t.Errorf("new instrument state %q", got)
		}

		// A feature's tags are picked with checkboxes.
		form := e.get(aims.RoleContributor, "/lineage/features/"+p.fFlow.ID+"/edit").want(t, http.StatusOK)
		query(t, form.doc, `fieldset#tags input[type=checkbox][value="`+p.flow.ID+`"][checked]`)
		query(t, form.doc, `fieldset#tags input[type=checkbox][value="`+p.moisture.ID+`"]`)
		e.post(aims.RoleContributor, "/lineage/features/"+p.fFlow.ID+"/edit", url.Values{"name": {"flow 5 min mean"},
			"tags": {p.flow.ID, p.moisture.ID}}).want(t, http.StatusSeeOther)
		f, err := e.svc.FindFeatureByID(e.ctx(aims.RoleViewer), p.fFlow.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Tags) != 2 {
			t.Errorf("feature tags after the edit: %v", f.Tags)
		}
		// A tag that does not exist is refused next to the picker.
		refused := e.post(aims.RoleContributor, "/lineage/features/new", url.Values{"name": {"ghost"}, "tags": {"no-such-tag"}}).
			want(t, http.StatusUnprocessableEntity)
		query(t, refused.doc, "fieldset#tags #tags-error")

		// The model version form picks features, the dataset form tags.
		mvForm := e.get(aims.RoleContributor, "/systems/"+p.sys.ID+"/versions/"+p.mv.ID+"/edit").want(t, http.StatusOK)
		query(t, mvForm.doc, `fieldset#features input[value="`+p.fMoisture.ID+`"][checked]`)
		dsForm := e.get(aims.RoleContributor, "/datasets/"+p.dataset.ID+"/edit").want(t, http.StatusOK)
		query(t, dsForm.doc, `fieldset#tags input[value="`+p.moisture.ID+`"][checked]`)
		ds := e.get(aims.RoleViewer, "/datasets/"+p.dataset.ID).want(t, http.StatusOK)
		query(t, ds.doc, `dd a[href="/lineage/tags/`+p.flow.ID+`"]`)
	})
}

// uploadLineage posts a CSV file of kind to the lineage import page.
func (e *testEnv) uploadLineage(role aims.Role, kind, csv string) page {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", kind+".csv")
	_, _ = fw.Write([]byte(csv))
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/lineage/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(testMemberHeader, e.members[role].ID)
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return e.parse(rec.Result())
}

// TestLineageImportPage reports every bad row of a refused file and
// imports nothing, then imports a good one.
func TestLineageImportPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		pg := e.get(aims.RoleContributor, "/lineage/import?kind=tags").want(t, http.StatusOK)
		query(t, pg.doc, `form[action="/lineage/import"][enctype="multipart/form-data"] input#file[type=file]`)
		query(t, pg.doc, `select#kind option[value=tags][selected]`)

		bad := e.uploadLineage(aims.RoleContributor, "instruments",
			"name,kind,location\nMT-301,sensor,Belt press 3\nFT-201,thermometer,Inlet\n,meter,Outlet\n").
			want(t, http.StatusUnprocessableEntity)
		problems := queryAll(bad.doc, "table.problems tbody tr")
		if len(problems) < 2 {
			t.Fatalf("%d problems listed, want one per bad row (2)", len(problems))
		}
		var lines []string
		for _, tr := range problems {
			lines = append(lines, text(query(t, tr, "td")))
		}
		if !slices.Contains(lines, "3") || !slices.Contains(lines, "4") || slices.Contains(lines, "2") {
			t.Errorf("problem lines %v, want 3 and 4 (the header is line 1)", lines)
		}
		if body := text(query(t, bad.doc, "table.problems")); !strings.Contains(body, "kind") || !strings.Contains(body, "name") {
			t.Errorf("problem columns not named: %s", body)
		}
		if got := len(queryAll(e.get(aims.RoleViewer, "/lineage/instruments").doc, "table.instruments tbody tr")); got != 0 {
			t.Errorf("%d instruments after a refused import, want none", got)
		}

		ok := e.uploadLineage(aims.RoleContributor, "instruments", "name,kind,location\nMT-301,sensor,Belt press 3\nFT-201,meter,Inlet\n").
			want(t, http.StatusSeeOther)
		if ok.location != "/lineage/instruments" {
			t.Errorf("after import: %q", ok.location)
		}
		if got := texts(e.get(aims.RoleViewer, "/lineage/instruments").doc, "table.instruments tbody td a"); !slices.Equal(got, []string{"FT-201", "MT-301"}) {
			t.Errorf("imported instruments %v", got)
		}

		none := e.uploadLineage(aims.RoleContributor, "robots", "name\nx\n").want(t, http.StatusUnprocessableEntity)
		query(t, none.doc, "select#kind[aria-invalid=true]")
		e.uploadLineage(aims.RoleViewer, "instruments", "name,kind\nLT-9,sensor\n").want(t, http.StatusForbidden)
	})
}

func TestPeriodText(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2024, 3, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		p    aims.Period
		want string
	}{
		{aims.Period{From: d(4), To: d(18)}, "2024-03-04 to 2024-03-17"},
		{aims.Period{From: d(4), To: d(5)}, "2024-03-04"},
		{aims.Period{From: d(4).Add(time.Hour), To: d(5)}, "2024-03-04 01:00:00 UTC to 2024-03-05 00:00:00 UTC"},
		{aims.Period{From: aims.OpenStart, To: d(4)}, "before 2024-03-04 00:00:00 UTC"},
		{aims.Period{From: d(4), To: aims.OpenEnd}, "from 2024-03-04 00:00:00 UTC on"},
		{aims.Period{From: aims.OpenStart, To: aims.OpenEnd}, "always (no calibration on record)"},
	}
	for _, tc := range tests {
		if got := period(tc.p); got != tc.want {
			t.Errorf("period(%v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// TestLineagePickerPastTheFirstPage: with more tags than a picker lists, a
// chosen tag past the first page stays ticked (saving the form keeps the
// link), the form offers a search, the search finds the others, and a tag
// posted twice (listed and found) is linked once.
func TestLineagePickerPastTheFirstPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		p := newLineagePlant(t, e)
		ctx := e.ctx(aims.RoleContributor)
		for i := range pickerFirst + 5 {
			if err := e.svc.CreateTag(ctx, &aims.Tag{Name: fmt.Sprintf("AA-%03d level", i), Unit: "m"}); err != nil {
				t.Fatal(err)
			}
		}
		late := &aims.Tag{Name: "ZZ-999 pressure", Unit: "bar"}
		if err := e.svc.CreateTag(ctx, late); err != nil {
			t.Fatal(err)
		}
		feature := "/lineage/features/" + p.fFlow.ID
		e.post(aims.RoleContributor, feature+"/edit", url.Values{"name": {"flow 5 min mean"}, "tags": {p.flow.ID, late.ID, late.ID}}).
			want(t, http.StatusSeeOther)
		f, err := e.svc.FindFeatureByID(e.ctx(aims.RoleViewer), p.fFlow.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := refNames(f.Tags); !strings.Contains(got, "ZZ-999 pressure") || len(f.Tags) != 2 {
			t.Fatalf("feature tags after posting one twice: %v", f.Tags)
		}

		form := e.get(aims.RoleContributor, feature+"/edit").want(t, http.StatusOK)
		query(t, form.doc, `fieldset#tags input[type=checkbox][value="`+late.ID+`"][checked]`)
		search := query(t, form.doc, `fieldset#tags input[type=search]#tags-search`)
		if got := attr(search, "hx-get"); got != "/lineage/tags/options?field=tags" {
			t.Errorf("search asks %q", got)
		}
		query(t, form.doc, `fieldset#tags #tags-found`)

		found := e.get(aims.RoleViewer, "/lineage/tags/options?field=tags&q=zz-999").want(t, http.StatusOK)
		box := query(t, found.doc, `input[type=checkbox][name=tags][value="`+late.ID+`"]`)
		if attr(box, "id") != "tags-found-"+late.ID {
			t.Errorf("found checkbox id %q", attr(box, "id"))
		}
		none := e.get(aims.RoleViewer, "/lineage/features/options?field=features&q=nothing-like-this").want(t, http.StatusOK)
		if !strings.Contains(text(none.doc), "Nothing matches") {
			t.Errorf("empty search says %q", text(none.doc))
		}
	})
}
