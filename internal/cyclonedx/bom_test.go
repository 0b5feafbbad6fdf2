package cyclonedx

import (
	"bytes"
	"errors"
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
		Metrics:              []Metric{{Type: "MAE <= 0.35 kg/t on the hold-out set", Value: "MAE 0.31 kg/t", Slice: "VR-2024-11"}},
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
		for i := range want.Datasets {
			want.Datasets[i].Pointer = "components/" + itoa(i) + "/name"
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
		if !strings.Contains(buf.String(), `"type": "machine-learning-model"`) || (len(m.Datasets) > 0 && !strings.Contains(buf.String(), `"modelCard"`)) {
			t.Errorf("no model component with a model card:\n%s", buf.String())
		}
	}
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
		})
	}
}
