package ledger

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// TestEncodeDecisionIsCanonical holds the hand-written encoding of decision
// entries to Canonical's, byte for byte, over strings that need escaping
// (quotes, backslashes, control characters, HTML characters that Canonical
// leaves alone, U+2028, invalid UTF-8, non-ASCII), times in other zones and
// with nanoseconds, and the human actions.
func TestEncodeDecisionIsCanonical(t *testing.T) {
	pieces := []string{"", "a", "gw-7", "2.3.0", "sha256:" + "ab", `"`, `\`, "\n", "\t", "\b", "\f", "\x00", "\x1f", "<", ">", "&",
		"\u2028", "\u2029", "é", "温度", "\xff", "\xc3", "TT-101 torque", "/", "'", "\x7f"}
	r := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		var s string
		for range r.IntN(5) {
			s += pieces[r.IntN(len(pieces))]
		}
		return s
	}
	zone := time.FixedZone("X", -5*3600)
	for i := range 5000 {
		at := time.Date(2026, 3, 4, 10, 15, 0, r.IntN(1e9), zone).Add(time.Duration(r.Int64N(1e12)))
		d := &aims.Decision{ID: str(), SystemID: str(), ModelVersion: str(), Source: str(), Seq: r.Int64N(1 << 40),
			SourceTime: at, ReceivedAt: at.Add(-time.Duration(r.Int64N(1e10))), Human: []aims.HumanAction{aims.HumanNone, aims.HumanApproved, aims.HumanOverridden}[i%3],
			PayloadDigest: str()}
		org := str()
		got, err := EncodeDecision(org, d)
		want, werr := encodeDecisionCanonical(org, d)
		if err != nil || werr != nil || !bytes.Equal(got, want) {
			t.Fatalf("decision %+v of org %q:\n got %s (%v)\nwant %s (%v)", d, org, got, err, want, werr)
		}
	}
}

// BenchmarkEncodeDecision encodes the entry of a typical decision, by hand
// and through Canonical.
func BenchmarkEncodeDecision(b *testing.B) {
	at := time.Date(2026, 3, 4, 10, 15, 0, 120000000, time.UTC)
	d := &aims.Decision{ID: "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0001", SystemID: "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0002", ModelVersion: "2.3.0",
		Source: "edge-line2", Seq: 1042, SourceTime: at, ReceivedAt: at.Add(264 * time.Millisecond), Human: aims.HumanOverridden,
		PayloadDigest: "sha256:5d4c0000000000000000000000000000000000000000000000000000000000ff"}
	org := "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000"
	b.Run("by-hand", func(b *testing.B) {
		for b.Loop() {
			_, _ = EncodeDecision(org, d)
		}
	})
	b.Run("canonical", func(b *testing.B) {
		for b.Loop() {
			_, _ = encodeDecisionCanonical(org, d)
		}
	})
}
