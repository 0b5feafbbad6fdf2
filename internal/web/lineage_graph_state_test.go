package web

import (
	"testing"

	"github.com/aimsproject/aims/internal/aims"
)

// TestGraphMarkerKeepsOneStateWord: an instrument in calibration now that
// was out of calibration over a training window is marked "was out of
// calibration", so that its node does not say both "In calibration" and
// "out of calibration"; one out of calibration now keeps the plain word.
func TestGraphMarkerKeepsOneStateWord(t *testing.T) {
	for detail, want := range map[string]string{
		"In calibration; out of calibration in a training window":     "⚠ was out of calibration",
		"Out of calibration; out of calibration in a training window": "⚠ out of calibration",
		"Out of calibration at the decision":                          "⚠ out of calibration",
	} {
		n := node(aims.NodeInstrument, "mt301", "MT-301", aims.FlagOutOfCalibration)
		n.Detail = detail
		g := newLineageGraph("g", &aims.LineageGraph{Nodes: []aims.LineageNode{n}}, "sys", "caption", "empty")
		if len(g.Nodes) != 1 || g.Nodes[0].Marker != want {
			t.Errorf("%q: marker %+v, want %q", detail, g.Nodes, want)
		}
	}
}
