package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// mustInstrument stores a sensor that needs calibration.
func (o *orgEnv) mustInstrument(t testing.TB, db *store.DB) *aims.Instrument {
	t.Helper()
	in := &aims.Instrument{Name: unique("MT"), Kind: aims.InstrumentSensor, CalibrationRequired: true}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateInstrument(ctx, tx, o.Scope, in) })
	return in
}

// mustCalibration stores a passed calibration of instrument for January 2026.
func (o *orgEnv) mustCalibration(t testing.TB, db *store.DB, instrumentID string) *aims.Calibration {
	t.Helper()
	c := &aims.Calibration{InstrumentID: instrumentID, ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		ValidTo: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Result: aims.CalibrationPassed}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateCalibration(ctx, tx, o.Scope, c) })
	return c
}

// mustTag stores a tag of instrumentID (may be "").
func (o *orgEnv) mustTag(t testing.TB, db *store.DB, instrumentID string) *aims.Tag {
	t.Helper()
	tg := &aims.Tag{Name: unique("tag"), Unit: "%", InstrumentID: instrumentID}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateTag(ctx, tx, o.Scope, tg) })
	return tg
}

// mustFeature stores a feature of tags.
func (o *orgEnv) mustFeature(t testing.TB, db *store.DB, tagIDs ...string) *aims.Feature {
	t.Helper()
	f := &aims.Feature{Name: unique("feature"), Tags: aims.RefsOf(tagIDs)}
	o.mustWrite(t, db, func(ctx context.Context, tx *store.Tx) error { return store.CreateFeature(ctx, tx, o.Scope, f) })
	return f
}

func anInstrument(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustInstrument(t, e.db).ID}, body
	}
}

func aTag(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustTag(t, e.db, "").ID}, body
	}
}

func aFeature(body any) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
		return map[string]string{"id": o.mustFeature(t, e.db).ID}, body
	}
}

func csvBody(body string) func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
	return func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) { return nil, body }
}

func init() {
	// Lineage records are the organization's, like datasets: everyone
	// reads them, editors (not a system owner, whose edits are limited to
	// their own systems) write them, exporters export them.
	addOpCases(map[string]opCase{
		"list-instruments": {allowed: everyone, prepare: noParams, success: 200},
		"create-instrument": {allowed: editors, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"name": unique("TT"), "kind": "sensor"}
		}},
		"get-instrument":    {allowed: everyone, prepare: anInstrument(nil), success: 200},
		"update-instrument": {allowed: editors, prepare: anInstrument(map[string]any{"location": "Line 2"}), success: 200},
		"delete-instrument": {allowed: editors, prepare: anInstrument(nil), success: 204},
		"list-calibrations": {allowed: everyone, prepare: anInstrument(nil), success: 200},
		"create-calibration": {allowed: editors, success: 201, prepare: anInstrument(map[string]any{
			"valid_from": "2026-01-01T00:00:00Z", "valid_to": "2027-01-01T00:00:00Z", "result": "passed", "certificate_ref": "CAL-1"})},
		"delete-calibration": {allowed: editors, success: 204, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			in := o.mustInstrument(t, e.db)
			return map[string]string{"id": in.ID, "calibration_id": o.mustCalibration(t, e.db, in.ID).ID}, nil
		}},
		"list-tags": {allowed: everyone, prepare: noParams, success: 200},
		"create-tag": {allowed: editors, success: 201, prepare: func(*testing.T, *apiEnv, *orgEnv, *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"name": unique("TT-101 torque"), "unit": "kNm"}
		}},
		"get-tag":       {allowed: everyone, prepare: aTag(nil), success: 200},
		"update-tag":    {allowed: editors, prepare: aTag(map[string]any{"unit": "°C"}), success: 200},
		"delete-tag":    {allowed: editors, prepare: aTag(nil), success: 204},
		"list-features": {allowed: everyone, prepare: noParams, success: 200},
		"create-feature": {allowed: editors, success: 201, prepare: func(t *testing.T, e *apiEnv, o *orgEnv, _ *aims.Member) (map[string]string, any) {
			return nil, map[string]any{"name": unique("torque mean"), "transformation": "5-minute mean", "tags": []string{o.mustTag(t, e.db, "").ID}}
		}},
		"get-feature":    {allowed: everyone, prepare: aFeature(nil), success: 200},
		"update-feature": {allowed: editors, prepare: aFeature(map[string]any{"unit": "kNm"}), success: 200},
		"delete-feature": {allowed: editors, prepare: aFeature(nil), success: 204},
		"import-lineage-instruments": {allowed: editors, contentType: "text/csv", success: 200,
			prepare: csvBody("name,kind\nTT-900,sensor\n")},
		"import-lineage-tags":                {allowed: editors, contentType: "text/csv", success: 200, prepare: csvBody("name,unit\nShift,\n")},
		"import-lineage-features":            {allowed: editors, contentType: "text/csv", success: 200, prepare: csvBody("name,tags\nloose,\n")},
		"export-lineage-instruments":         {allowed: exporters, prepare: noParams, success: 200},
		"export-lineage-tags":                {allowed: exporters, prepare: noParams, success: 200},
		"export-lineage-features":            {allowed: exporters, prepare: noParams, success: 200},
		"get-model-version-lineage":          {allowed: everyone, prepare: ownModelVersion(nil), success: 200},
		"get-decision-lineage":               {allowed: everyone, prepare: aDecision(nil), success: 200},
		"list-calibration-exposures":         {allowed: everyone, prepare: noParams, success: 200},
		"list-out-of-calibration-decisions":  {allowed: everyone, prepare: noParams, success: 200},
		"list-out-of-calibration-episodes":   {allowed: everyone, prepare: noParams, success: 200},
		"export-out-of-calibration-episodes": {allowed: exporters, prepare: noParams, success: 200},
		"get-lineage-orphans":                {allowed: everyone, prepare: noParams, success: 200},
	})
}
