package aims_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

func fieldsOf(err error) []string {
	var ae *aims.Error
	if !errors.As(err, &ae) {
		return nil
	}
	var out []string
	for _, f := range ae.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestLineageValidate(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		rec  interface {
			Normalize()
			Validate() error
		}
		want []string
	}{
		{"instrument ok", &aims.Instrument{Name: " MT-301 ", Kind: aims.InstrumentSensor}, nil},
		{"instrument bad", &aims.Instrument{Name: "a;b", Kind: "thermometer", CalibrationIntervalDays: -1},
			[]string{"calibration_interval_days", "kind", "name"}},
		{"calibration ok", &aims.Calibration{ValidFrom: t0, ValidTo: t0.Add(time.Hour), Result: aims.CalibrationPassed,
			CertificateDigest: "SHA256:AB" + strings.Repeat("0", 62)}, nil},
		{"calibration ends before it starts", &aims.Calibration{ValidFrom: t0, ValidTo: t0, Result: "ok", CertificateDigest: "xyz"},
			[]string{"certificate_digest", "result", "valid_to"}},
		{"calibration without times", &aims.Calibration{Result: aims.CalibrationFailed}, []string{"valid_from", "valid_to"}},
		{"tag ok", &aims.Tag{Name: "MT-301 moisture", Unit: "%"}, nil},
		{"tag without name", &aims.Tag{Unit: "%"}, []string{"name"}},
		{"feature with repeated and empty tags", &aims.Feature{Name: "moisture mean", Tags: []aims.LineageRef{{ID: "a"}, {ID: " "}, {ID: "a"}}},
			[]string{"tags/1", "tags/2"}},
		{"model version features", &aims.ModelVersion{Version: "1", Digest: strings.Repeat("ab", 32),
			Status: aims.ModelCandidate, Features: []aims.LineageRef{{ID: "f"}, {ID: "f"}}}, []string{"features/1"}},
		{"dataset tags", &aims.Dataset{Name: "d", Tags: []aims.LineageRef{{}}}, []string{"tags/0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.rec.Normalize()
			got := fieldsOf(tc.rec.Validate())
			if !slices.Equal(got, tc.want) {
				t.Errorf("fields %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDatasetWindow(t *testing.T) {
	s, _ := aims.ParseDate("2026-01-01")
	e, _ := aims.ParseDate("2026-01-31")
	p, ok := aims.DatasetWindow(&s, &e)
	if !ok || !p.From.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !p.To.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("DatasetWindow = %v, %v; want [2026-01-01, 2026-02-01)", p, ok)
	}
	if _, ok := aims.DatasetWindow(&s, nil); ok {
		t.Error("a window without an end is no period")
	}
}

func TestUpdatesReplaceRefs(t *testing.T) {
	ids := []string{"t1", "t2"}
	f := aims.FeatureUpdate{Tags: &ids}.Apply(aims.Feature{Tags: []aims.LineageRef{{ID: "t0", Name: "old"}}})
	if got := aims.RefIDs(f.Tags); !slices.Equal(got, ids) {
		t.Errorf("feature tags %q, want %q", got, ids)
	}
	m := aims.ModelVersionUpdate{}.Apply(aims.ModelVersion{Features: []aims.LineageRef{{ID: "f0"}}})
	if len(m.Features) != 1 {
		t.Errorf("an update without features keeps them, got %v", m.Features)
	}
}

// TestPeriodJSON checks that a period's open ends are null on the wire and
// read back as open.
func TestPeriodJSON(t *testing.T) {
	d := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		p    aims.Period
		json string
	}{
		{aims.Period{From: d, To: d.AddDate(0, 1, 0)}, `{"from":"2026-02-01T00:00:00Z","to":"2026-03-01T00:00:00Z"}`},
		{aims.Period{From: d, To: aims.OpenEnd}, `{"from":"2026-02-01T00:00:00Z","to":null}`},
		{aims.Period{From: aims.OpenStart, To: d}, `{"from":null,"to":"2026-02-01T00:00:00Z"}`},
		{aims.Period{From: aims.OpenStart, To: aims.OpenEnd}, `{"from":null,"to":null}`},
	} {
		b, err := json.Marshal(c.p)
		if err != nil || string(b) != c.json {
			t.Errorf("%v: %s (%v), want %s", c.p, b, err, c.json)
		}
		var back aims.Period
		if err := json.Unmarshal([]byte(c.json), &back); err != nil || !back.From.Equal(c.p.From) || !back.To.Equal(c.p.To) {
			t.Errorf("%s read back as %v (%v), want %v", c.json, back, err, c.p)
		}
	}
}
