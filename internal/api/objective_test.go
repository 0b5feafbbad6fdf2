package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// mustObjective makes an objective owned by the organization's admin.
func (o *orgEnv) mustObjective(t testing.TB, db *store.DB, measure aims.MeasureKind) *aims.Objective {
	t.Helper()
	target := 90.0
	due := aims.DateOf(time.Now().AddDate(0, 6, 0))
	ob := &aims.Objective{Title: unique("Objective"), OwnerID: o.Admin.ID, Comparison: aims.AtLeast, TargetValue: &target,
		Unit: "%", DueDate: &due, Cadence: aims.Monthly, Measure: measure}
	if measure == aims.MeasureComputed {
		ob.Indicator = aims.IndicatorControlsImplemented
	}
	ob.Normalize()
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateObjective(ctx, tx, o.Scope, ob) })
	return ob
}

func anObjective(measure aims.MeasureKind, body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustObjective(t, e.db, measure).ID}, body
	}
}

func init() {
	for id, c := range map[string]opCase{
		"list-objectives":   {allowed: everyone, prepare: noParams, success: 200},
		"export-objectives": {allowed: exporters, prepare: noParams, success: 200},
		"create-objective": {allowed: editors, success: 201, prepare: func(_ *testing.T, _ *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"title": unique("Objective"), "owner_id": o.Admin.ID, "comparison": "at_most",
				"target_value": 0, "due_date": "2030-01-31", "cadence": "weekly", "measure": "computed",
				"indicator": "overdue_treatment_actions"}
		}},
		"get-objective":                {allowed: everyone, prepare: anObjective(aims.MeasureManual, nil), success: 200},
		"update-objective":             {allowed: editors, prepare: anObjective(aims.MeasureManual, map[string]any{"resources": "two days a month"}), success: 200},
		"delete-objective":             {allowed: editors, prepare: anObjective(aims.MeasureManual, nil), success: 204},
		"list-objective-measurements":  {allowed: everyone, prepare: anObjective(aims.MeasureComputed, nil), success: 200},
		"measure-objective":            {allowed: editors, prepare: anObjective(aims.MeasureComputed, nil), success: 201},
		"create-objective-measurement": {allowed: editors, prepare: anObjective(aims.MeasureManual, map[string]any{"value": 93.5, "evidence": "https://intranet.example/survey-q3"}), success: 201},
		"list-indicators":              {allowed: everyone, prepare: noParams, success: 200},
	} {
		opCases[id] = c
	}
}

// TestObjectivesBadInput checks the 422s of issue 16: an objective without
// a measure or a target names the field, an unknown indicator lists the
// valid ones, a value entered by hand needs its evidence; and the 409s of
// measuring the wrong kind of objective and deleting a measured one.
func TestObjectivesBadInput(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		a := e.orgs["a"]
		computed, manual := a.mustObjective(t, e.db, aims.MeasureComputed), a.mustObjective(t, e.db, aims.MeasureManual)
		valid := func(change map[string]any) map[string]any {
			b := map[string]any{"title": unique("Objective"), "owner_id": a.Admin.ID, "comparison": "at_least", "target_value": 95,
				"due_date": "2030-06-30", "cadence": "monthly", "measure": "computed", "indicator": "impact_assessments_current"}
			for k, v := range change {
				if v == nil {
					delete(b, k)
				} else {
					b[k] = v
				}
			}
			return b
		}
		listsIndicators := func(t *testing.T, res *httptest.ResponseRecorder) {
			wantPointers("/indicator")(t, res)
			p := decodeProblem(t, res)
			for _, n := range aims.IndicatorNameValues() {
				if !strings.Contains(p.Errors[0].Detail, string(n)) {
					t.Errorf("the refusal does not list %s: %q", n, p.Errors[0].Detail)
				}
			}
		}
		post := func(name string, body any, want int, check func(*testing.T, *httptest.ResponseRecorder)) scenario {
			return scenario{name: name, role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/objectives", body: body, wantStatus: want, check: check}
		}
		e.run(t, []scenario{
			post("no measure", valid(map[string]any{"measure": nil, "indicator": nil}), 422, wantPointers("/measure")),
			post("no target", valid(map[string]any{"target_value": nil}), 422, wantPointers("/target_value")),
			post("neither measure nor target", valid(map[string]any{"measure": nil, "target_value": nil, "comparison": nil}), 422,
				wantPointers("/comparison", "/measure", "/target_value")),
			post("unknown indicator", valid(map[string]any{"indicator": "share_of_unicorns"}), 422, listsIndicators),
			post("computed without an indicator", valid(map[string]any{"indicator": nil}), 422, listsIndicators),
			post("no due date or cadence", valid(map[string]any{"due_date": nil, "cadence": "daily"}), 422, wantPointers("/cadence", "/due_date")),
			post("hand-entered needs a unit", valid(map[string]any{"measure": "manual", "indicator": nil}), 422, wantPointers("/unit")),
			post("valid", valid(nil), 201, func(t *testing.T, res *httptest.ResponseRecorder) {
				var o aims.Objective
				decode(t, res, &o)
				if o.Unit != "%" || o.Status != aims.NotMeasured {
					t.Errorf("unit %q, status %q: want the indicator's unit and not measured yet", o.Unit, o.Status)
				}
			}),
			{name: "a value by hand without evidence", role: aims.RoleAdmin, method: http.MethodPost,
				url: "/api/v1/objectives/" + manual.ID + "/measurements", body: map[string]any{"value": 3}, wantStatus: 422, check: wantPointers("/evidence")},
			{name: "a value by hand without a value", role: aims.RoleAdmin, method: http.MethodPost,
				url: "/api/v1/objectives/" + manual.ID + "/measurements", body: map[string]any{"evidence": "minutes"}, wantStatus: 422, check: wantPointers("/value")},
			{name: "a value by hand for a computed objective", role: aims.RoleAdmin, method: http.MethodPost,
				url: "/api/v1/objectives/" + computed.ID + "/measurements", body: map[string]any{"value": 3, "evidence": "x"}, wantStatus: 409},
			{name: "computing a hand-measured objective", role: aims.RoleAdmin, method: http.MethodPost,
				url: "/api/v1/objectives/" + manual.ID + "/measure", wantStatus: 409},
			{name: "measure", role: aims.RoleAdmin, method: http.MethodPost, url: "/api/v1/objectives/" + computed.ID + "/measure", wantStatus: 201,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var m aims.Measurement
					decode(t, res, &m)
					if m.Source != aims.MeasureComputed || len(m.Inputs) == 0 || m.RecordedBy == "" {
						t.Errorf("measurement %+v: want computed with its counts and who recorded it", m)
					}
				}},
			{name: "delete a measured objective", role: aims.RoleAdmin, method: http.MethodDelete, url: "/api/v1/objectives/" + computed.ID, wantStatus: 409},
			{name: "the measured objective has a status", role: aims.RoleViewer, method: http.MethodGet, url: "/api/v1/objectives/" + computed.ID, wantStatus: 200,
				check: func(t *testing.T, res *httptest.ResponseRecorder) {
					var o aims.Objective
					decode(t, res, &o)
					if o.Latest == nil || o.Status == aims.NotMeasured || o.Status == "" || o.StatusReason == "" {
						t.Errorf("objective %+v: want its latest measurement and a status with its reason", o)
					}
				}},
		})
	})
}

// TestObjectivesTenancy checks that another organization's objectives,
// their measurements and their owners stay out of reach.
func TestObjectivesTenancy(t *testing.T) {
	runAPI(t, func(t *testing.T, e *apiEnv) {
		for _, pair := range [][2]string{{"a", "b"}, {"b", "a"}} {
			me, other := pair[0], pair[1]
			t.Run(me+" on "+other, func(t *testing.T) {
				o := e.orgs[other]
				computed, manual := o.mustObjective(t, e.db, aims.MeasureComputed), o.mustObjective(t, e.db, aims.MeasureManual)
				url := "/api/v1/objectives/"
				e.run(t, []scenario{
					listAs(me, "list", "/api/v1/objectives", computed.ID, manual.ID),
					listAs(me, "export", "/api/v1/objectives/export.csv", computed.ID, manual.ID),
					listAs(me, "indicators", "/api/v1/indicators", computed.ID),
					notFoundAs(me, "get", http.MethodGet, url+computed.ID, nil),
					notFoundAs(me, "change", http.MethodPatch, url+manual.ID, map[string]any{"title": "mine now"}),
					notFoundAs(me, "delete", http.MethodDelete, url+manual.ID, nil),
					notFoundAs(me, "measurements", http.MethodGet, url+computed.ID+"/measurements", nil),
					notFoundAs(me, "measure", http.MethodPost, url+computed.ID+"/measure", nil),
					notFoundAs(me, "record", http.MethodPost, url+manual.ID+"/measurements", map[string]any{"value": 1, "evidence": "x"}),
					unprocessableAs(me, "their member as owner", http.MethodPost, "/api/v1/objectives", map[string]any{"title": unique("Objective"),
						"owner_id": o.Admin.ID, "comparison": "at_least", "target_value": 1, "unit": "sessions", "due_date": "2030-01-01",
						"cadence": "monthly", "measure": "manual"}, "/owner_id"),
				})
			})
		}
	})
}
