package cyclonedx

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/fuzzseed"
)

// FuzzDecode: whatever the document, Decode does not panic, refuses bad
// input as bad input (never an internal error), and what it accepts names
// a version and a digest.
func FuzzDecode(f *testing.F) {
	var full, bare bytes.Buffer
	if err := Encode(&full, sample(), time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)); err != nil {
		f.Fatal(err)
	}
	if err := Encode(&bare, Model{SystemName: "Bare", Version: "1", Digest: digest}, time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)); err != nil {
		f.Fatal(err)
	}
	fuzzseed.Add(f, "export", full.Bytes())
	fuzzseed.Add(f, "bare", bare.Bytes())
	fuzzseed.Add(f, "no-model", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"data","name":"d"}]}`))
	fuzzseed.Add(f, "bad-metric", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"m","version":"1","hashes":[{"alg":"SHA-256","content":"`+digest+`"}],"modelCard":{"quantitativeAnalysis":{"performanceMetrics":[{"type":"mae","value":"0.31 kg/t","slice":"hold-out"},{"type":"","value":"1e999"}]}}}]}`))
	fuzzseed.Add(f, "bad-hash", []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"m","hashes":[{"alg":"SHA-256","content":"xyz"}]}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := Decode(doc)
		if err != nil {
			var ae *aims.Error
			if !errors.As(err, &ae) || (ae.Kind != aims.KindInvalid && ae.Kind != aims.KindTooLarge) {
				t.Fatalf("bad input answered %v, want an invalid-kind error", err)
			}
			return
		}
		if m.Version == "" || m.Digest == "" {
			t.Fatalf("accepted a model without a version or digest: %+v", m)
		}
		for _, x := range m.Metrics {
			if x.Name == "" || math.IsNaN(x.Value) || math.IsInf(x.Value, 0) {
				t.Fatalf("accepted a metric without a name or a finite value: %+v", x)
			}
		}
	})
}
