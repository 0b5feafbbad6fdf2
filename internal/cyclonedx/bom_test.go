package cyclonedx

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/aims"
)

var digest = strings.Repeat("ab", 32)

func sample() Model {
	return Model{SystemName: "Setpoint optimizer", Supplier: "Aquametrics Process AI GmbH", Version: "2.3.0", Digest: digest,
		SourceURI: "s3://models/optimizer/2.3.0", Status: "deployed", Notes: "Gradient-boosted trees", TrainingDataSummary: "Line 2, 2024",
		Datasets: []Dataset{{Name: "Line 2 history 2024", Purpose: "training", Description: "Torque, flow, moisture"},
			{Name: "Line 2 hold-out", Purpose: "test"}},
		Metrics: []Metric{{Name: "mae", Value: 0.31, Unit: "kg/t", Dataset: "Line 2 hold-out", Criterion: "mae <= 0.35 kg/t on Line 2 hold-out"},
			{Name: "r2", Value: 0.92}},
		Overrides:            []string{"Approval gate passed by override (Ada Admin, 2026-12-06): line stop imminent"},
		UseCases:             []string{"Recommend dryer setpoints"},
		TechnicalLimitations: []string{"Running the dryer outside its validated range"},
		Ethical:              []Consideration{{Name: "Health and safety: operators near the dryer", Mitigation: "Hard limits in the PLC"}}}
}

// TestEncodeValidates: every export validates against the official
// CycloneDX 1.6 JSON schema, and reads back as the same model version.
func TestEncodeValidates(t *testing.T) {
	t.Parallel()
	for _, m := range []Model{sample(), {SystemName: "Bare", Version: "1", Digest: digest}} {
		var buf bytes.Buffer
		if err := Encode(&buf, m, time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if err := Validate(buf.Bytes()); err != nil {
			t.Fatalf("export of %s does not validate: %v\n%s", m.SystemName, err, buf.String())
		}
		got, err := Decode(buf.Bytes())
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		want := m
		want.Supplier, want.Status, want.UseCases, want.TechnicalLimitations, want.Ethical = "", "", nil, nil, nil
		want.Serial = got.Serial
		for i := range want.Datasets {
			want.Datasets[i].Pointer = "components/" + itoa(i) + "/name"
		}
		want.Metrics = slices.Clone(m.Metrics)
		for i := range want.Metrics {
			want.Metrics[i].Criterion = "" // the organization's own, not read back
			want.Metrics[i].Pointer = "metadata/component/modelCard/quantitativeAnalysis/performanceMetrics/" + itoa(i)
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
		props := modelProperties(t, buf.Bytes())
		for i, x := range m.Metrics {
			if got := props["aims:acceptance-criterion/"+itoa(i)]; x.Criterion != "" && !slices.Equal(got, []string{x.Criterion}) {
				t.Errorf("metric %d's criterion in the export: %q, want %q", i, got, x.Criterion)
			}
		}
		if got := props["aims:gate-override"]; !slices.Equal(got, m.Overrides) {
			t.Errorf("gate overrides in the export: %q, want %q", got, m.Overrides)
		}
		if !strings.Contains(buf.String(), `"type": "machine-learning-model"`) || (len(m.Datasets) > 0 && !strings.Contains(buf.String(), `"modelCard"`)) {
			t.Errorf("no model component with a model card:\n%s", buf.String())
		}
	}
}

// modelProperties reads the model component's properties of an export.
func modelProperties(t *testing.T, doc []byte) map[string][]string {
	t.Helper()
	var bom struct {
		Metadata struct {
			Component struct {
				Properties []struct{ Name, Value string }
			}
		}
	}
	if err := json.Unmarshal(doc, &bom); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, p := range bom.Metadata.Component.Properties {
		out[p.Name] = append(out[p.Name], p.Value)
	}
	return out
}

func itoa(i int) string { return string(rune('0' + i)) }

// TestDecodeRefuses: a document that is not a valid BOM, or lacks what a
// model version needs, is refused naming each place by JSON pointer.
func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"not JSON", `{"bomFormat":`, nil},
		{"wrong bomFormat and component type", `{"bomFormat":"SPDX","specVersion":"1.6","components":[{"type":"robot","name":"x"}]}`,
			[]string{"bomFormat", "components/0/type"}},
		{"bad hash", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"m","hashes":[{"alg":"SHA-256","content":"xyz"}]}]}`,
			[]string{"components/0/hashes/0/content"}},
		{"no model", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"data","name":"d"}]}`, []string{"components"}},
		{"model without version and hash", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"m"}]}`,
			[]string{"components/0/version", "components/0/hashes"}},
		{"older spec", `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}`, []string{"specVersion"}},
		{"metrics without a name or a number", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"m","version":"1",
			"hashes":[{"alg":"SHA-256","content":"` + digest + `"}],"modelCard":{"quantitativeAnalysis":{"performanceMetrics":[
			{"type":"mae","value":"0.31 kg/t"},{"value":"0.2"},{"type":"rmse","value":"about 0.4"},{"type":"r2","value":"1e999"}]}}}]}`,
			[]string{"components/0/modelCard/quantitativeAnalysis/performanceMetrics/1/type",
				"components/0/modelCard/quantitativeAnalysis/performanceMetrics/2/value",
				"components/0/modelCard/quantitativeAnalysis/performanceMetrics/3/value"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode([]byte(tc.doc))
			var ae *aims.Error
			if !errors.As(err, &ae) || ae.Kind != aims.KindInvalid {
				t.Fatalf("err = %v, want an invalid-kind error", err)
			}
			got := map[string]bool{}
			for _, f := range ae.Fields {
				got[f.Field] = true
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("no problem at %q; got %+v", w, ae.Fields)
				}
			}
			if tc.want != nil && len(ae.Fields) != len(tc.want) {
				t.Errorf("problems %+v, want exactly %q", ae.Fields, tc.want)
			}
		})
	}
}

func TestParseMetricValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		value float64
		unit  string
		ok    bool
	}{
		{"0.31 kg/t", 0.31, "kg/t", true},
		{"0.92", 0.92, "", true},
		{" 95% ", 95, "%", true},
		{"-1.5e-3 mm", -0.0015, "mm", true},
		{".5", 0.5, "", true},
		{"about 0.4", 0, "", false},
		{"", 0, "", false},
		{"1e999", 0, "", false},
		{"NaN", 0, "", false},
	}
	for _, tc := range tests {
		value, unit, ok := ParseMetricValue(tc.in)
		if value != tc.value || unit != tc.unit || ok != tc.ok {
			t.Errorf("ParseMetricValue(%q) = %v, %q, %v; want %v, %q, %v", tc.in, value, unit, ok, tc.value, tc.unit, tc.ok)
		}
		if ok {
			if v2, u2, _ := ParseMetricValue(MetricValue(value, unit)); v2 != value || u2 != unit {
				t.Errorf("MetricValue(%v, %q) does not read back: %v %q", value, unit, v2, u2)
			}
		}
	}
}
