package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// TestLineageBadInput covers bad lineage input: every bad field named,
// names taken, deletes that would leave references dangling, bad CSV
// files and query parameters, unknown ids.
func TestLineageBadInput(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		in := o.mustInstrument(t, e.db)
		tg := o.mustTag(t, e.db, in.ID)
		f := o.mustFeature(t, e.db, tg.ID)
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		mv := &aims.ModelVersion{SystemID: sys.ID, Version: "1.0", Digest: validDigest, Status: aims.ModelCandidate, Features: aims.RefsOf([]string{f.ID})}
		mv.Normalize()
		o.mustWrite(t, e.db, func(ctx context.Context, tx *store.Tx) error { return store.CreateModelVersion(ctx, tx, o.Scope, mv) })
		const unknownID = "01900000-0000-7000-8000-000000000000"
		admin := aims.RoleAdmin
		base := "/api/v1/lineage"
		e.run(t, []scenario{
			{name: "instrument without name and kind", role: admin, method: http.MethodPost, url: base + "/instruments",
				body: map[string]any{}, wantStatus: 422, check: wantPointers("/kind", "/name")},
			{name: "instrument of an unknown kind", role: admin, method: http.MethodPost, url: base + "/instruments",
				body: map[string]any{"name": "X-1", "kind": "thermometer", "calibration_interval_days": -3}, wantStatus: 422,
				check: wantPointers("/calibration_interval_days", "/kind")},
			{name: "instrument name taken in another case", role: admin, method: http.MethodPost, url: base + "/instruments",
				body: map[string]any{"name": " " + in.Name + " ", "kind": "sensor"}, wantStatus: 409},
			{name: "unknown field", role: admin, method: http.MethodPatch, url: base + "/instruments/" + in.ID,
				body: map[string]any{"colour": "red"}, wantStatus: 422, check: wantPointers("/colour")},
			{name: "calibration ending before it starts, bad digest", role: admin, method: http.MethodPost, url: base + "/instruments/" + in.ID + "/calibrations",
				body:       map[string]any{"valid_from": "2026-02-01T00:00:00Z", "valid_to": "2026-01-01T00:00:00Z", "result": "ok", "certificate_digest": "abc"},
				wantStatus: 422, check: wantPointers("/certificate_digest", "/result", "/valid_to")},
			{name: "calibration without times", role: admin, method: http.MethodPost, url: base + "/instruments/" + in.ID + "/calibrations",
				body: map[string]any{"result": "passed"}, wantStatus: 422, check: wantPointers("/valid_from", "/valid_to")},
			{name: "calibration time not a time", role: admin, method: http.MethodPost, url: base + "/instruments/" + in.ID + "/calibrations",
				body: map[string]any{"valid_from": "yesterday", "valid_to": "2026-01-01T00:00:00Z", "result": "passed"}, wantStatus: 422},
			{name: "calibration of an unknown instrument", role: admin, method: http.MethodPost, url: base + "/instruments/" + unknownID + "/calibrations",
				body: map[string]any{"valid_from": "2026-01-01T00:00:00Z", "valid_to": "2026-02-01T00:00:00Z", "result": "passed"}, wantStatus: 404},
			{name: "unknown calibration", role: admin, method: http.MethodDelete, url: base + "/instruments/" + in.ID + "/calibrations/" + unknownID, wantStatus: 404},
			{name: "tag name with a separator, unknown instrument", role: admin, method: http.MethodPost, url: base + "/tags",
				body: map[string]any{"name": "a;b", "instrument_id": unknownID}, wantStatus: 422, check: wantPointers("/name")},
			{name: "tag of an unknown instrument", role: admin, method: http.MethodPost, url: base + "/tags",
				body: map[string]any{"name": unique("tag"), "instrument_id": unknownID}, wantStatus: 422, check: wantPointers("/instrument_id")},
			{name: "tag name taken", role: admin, method: http.MethodPatch, url: base + "/tags/" + o.mustTag(t, e.db, "").ID,
				body: map[string]any{"name": tg.Name}, wantStatus: 409, check: wantPointers("/name")},
			{name: "feature with a tag twice and an unknown one", role: admin, method: http.MethodPost, url: base + "/features",
				body: map[string]any{"name": unique("f"), "tags": []string{tg.ID, tg.ID, ""}}, wantStatus: 422, check: wantPointers("/tags/1", "/tags/2")},
			{name: "feature of an unknown tag", role: admin, method: http.MethodPatch, url: base + "/features/" + f.ID,
				body: map[string]any{"tags": []string{unknownID}}, wantStatus: 422, check: wantPointers("/tags/0")},
			{name: "model version consuming an unknown feature", role: admin, method: http.MethodPatch,
				url: "/api/v1/systems/" + sys.ID + "/model-versions/" + mv.ID, body: map[string]any{"features": []string{f.ID, unknownID}},
				wantStatus: 422, check: wantPointers("/features/1")},
			{name: "delete an instrument with tags", role: admin, method: http.MethodDelete, url: base + "/instruments/" + in.ID,
				wantStatus: 409, check: wantDetail(tg.Name)},
			{name: "delete a tag a feature uses", role: admin, method: http.MethodDelete, url: base + "/tags/" + tg.ID,
				wantStatus: 409, check: wantDetail(f.Name)},
			{name: "delete a feature a model version consumes", role: admin, method: http.MethodDelete, url: base + "/features/" + f.ID,
				wantStatus: 409, check: wantDetail("1.0")},
			{name: "unknown instrument", role: admin, method: http.MethodGet, url: base + "/instruments/" + unknownID, wantStatus: 404},
			{name: "unknown tag", role: admin, method: http.MethodPatch, url: base + "/tags/" + unknownID, body: map[string]any{"unit": "x"}, wantStatus: 404},
			{name: "unknown feature", role: admin, method: http.MethodDelete, url: base + "/features/" + unknownID, wantStatus: 404},
			{name: "unknown model version", role: admin, method: http.MethodGet, url: "/api/v1/systems/" + sys.ID + "/model-versions/" + unknownID + "/lineage", wantStatus: 404},
			{name: "unknown decision", role: admin, method: http.MethodGet, url: "/api/v1/systems/" + sys.ID + "/decisions/" + unknownID + "/lineage", wantStatus: 404},
			{name: "unknown filter value", role: admin, method: http.MethodGet, url: base + "/instruments?state=broken", wantStatus: 422},
			{name: "time range backwards", role: admin, method: http.MethodGet,
				url: base + "/out-of-calibration-decisions?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", wantStatus: 422, check: wantPointers("/to")},
			{name: "from not a time", role: admin, method: http.MethodGet, url: base + "/out-of-calibration-decisions?from=monday", wantStatus: 422},
			{name: "CSV with bad rows", role: admin, method: http.MethodPost, url: base + "/instruments/import", contentType: "text/csv",
				body: "name,kind,colour\nA-1,sensor,\n,meter,\nB-2,pump,\n", wantStatus: 422,
				check: wantPointers("/rows/1/colour", "/rows/3/name", "/rows/4/kind")},
			{name: "CSV that is not CSV", role: admin, method: http.MethodPost, url: base + "/features/import", contentType: "text/csv",
				body: "name,tags\n\"unterminated,x\n", wantStatus: 422},
			{name: "CSV sent as JSON", role: admin, method: http.MethodPost, url: base + "/tags/import", body: map[string]any{"name": "x"}, wantStatus: 415},
		})
		// Nothing of the bad file was imported.
		if _, n, _ := e.svc.FindInstruments(service.OperatorContext(context.Background(), o.Org, "test"), aims.InstrumentFilter{Query: "A-1"}); n != 0 {
			t.Errorf("a bad file imported %d instruments", n)
		}
	})
}

// TestOpenPeriodEndsAreNull checks that an out-of-calibration period the
// records leave open has a null end on the wire, not a stand-in date: a
// probe calibrated for January 2026 only, and a decision on its tag in
// March, fall in a period from February 1 with no end; a probe never
// calibrated, in one with neither.
func TestOpenPeriodEndsAreNull(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		o := e.orgs["a"]
		sys := o.mustSystem(t, e.db, o.Admin.ID)
		lapsed := o.mustInstrument(t, e.db)
		o.mustCalibration(t, e.db, lapsed.ID)
		never := o.mustInstrument(t, e.db)
		octx := service.OperatorContext(context.Background(), o.Org, "test")
		for _, in := range []*aims.Instrument{lapsed, never} {
			tg := o.mustTag(t, e.db, in.ID)
			if _, err := e.svc.RecordDecision(octx, sys.ID, fmt.Appendf(nil,
				`{"model_version":"1.0","source":"gw","seq":%d,"source_time":"2026-03-10T12:00:00Z","inputs":{%q:1},"output":{"value":1}}`,
				decisionSeq.Add(1), tg.Name), service.ViaCLI); err != nil {
				t.Fatal(err)
			}
		}
		res := e.do(t, request{method: http.MethodGet, url: "/api/v1/lineage/out-of-calibration-decisions?system_id=" + sys.ID, token: o.tokens[aims.RoleAuditor]})
		if res.Code != http.StatusOK {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
		var page struct {
			Items []struct {
				InstrumentID string                     `json:"instrument_id"`
				Period       map[string]json.RawMessage `json:"period"`
			} `json:"items"`
		}
		if err := json.Unmarshal(res.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, it := range page.Items {
			got[it.InstrumentID] = string(it.Period["from"]) + " to " + string(it.Period["to"])
		}
		want := map[string]string{lapsed.ID: `"2026-02-01T00:00:00Z" to null`, never.ID: "null to null"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("periods %v, want %v", got, want)
		}
	})
}
