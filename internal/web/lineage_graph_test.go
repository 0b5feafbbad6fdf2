package web

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/aimsproject/aims/internal/aims"
)

func node(kind aims.LineageNodeKind, id, label string, flags ...string) aims.LineageNode {
	return aims.LineageNode{ID: aims.NodeID(kind, id), Kind: kind, Label: label, Flags: flags}
}

func edge(from, to string) aims.LineageEdge { return aims.LineageEdge{From: from, To: to} }

// demoGraph is the demo plant's optimizer lineage in small: two probes, one
// out of calibration, their tags, two features, a training dataset and the
// model version.
func demoGraph() aims.LineageGraph {
	return aims.LineageGraph{
		Nodes: []aims.LineageNode{
			node(aims.NodeModelVersion, "mv", "2.1.0"),
			node(aims.NodeInstrument, "mt301", "MT-301", aims.FlagOutOfCalibration),
			node(aims.NodeInstrument, "ft201", "FT-201"),
			node(aims.NodeTag, "moist", "MT-301 moisture", aims.FlagQualityCaveat),
			node(aims.NodeTag, "flow", "FT-201 flow"),
			node(aims.NodeFeature, "fmoist", "moisture 5 min mean"),
			node(aims.NodeFeature, "fflow", "flow 5 min mean"),
			node(aims.NodeDataset, "ds", "Historian 2024"),
		},
		Edges: []aims.LineageEdge{
			edge("instrument:mt301", "tag:moist"), edge("instrument:ft201", "tag:flow"),
			edge("tag:moist", "feature:fmoist"), edge("tag:flow", "feature:fflow"),
			edge("tag:moist", "dataset:ds"), edge("tag:flow", "dataset:ds"),
			edge("feature:fmoist", "model_version:mv"), edge("feature:fflow", "model_version:mv"),
			edge("dataset:ds", "model_version:mv"),
		},
	}
}

func TestLayoutLineage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		graph       aims.LineageGraph
		wantColumns []aims.LineageNodeKind
		wantEdges   int
		// wantOrder lists, per column, the labels top to bottom.
		wantOrder [][]string
	}{
		{name: "empty", graph: aims.LineageGraph{}},
		{
			name:        "one node",
			graph:       aims.LineageGraph{Nodes: []aims.LineageNode{node(aims.NodeTag, "a", "A")}},
			wantColumns: []aims.LineageNodeKind{aims.NodeTag},
			wantOrder:   [][]string{{"A"}},
		},
		{
			name:        "demo",
			graph:       demoGraph(),
			wantColumns: []aims.LineageNodeKind{aims.NodeInstrument, aims.NodeTag, aims.NodeFeature, aims.NodeDataset, aims.NodeModelVersion},
			wantEdges:   9,
			// Tags follow their instruments, features their tags: no edge
			// between the first three columns crosses another.
			wantOrder: [][]string{{"FT-201", "MT-301"}, {"FT-201 flow", "MT-301 moisture"},
				{"flow 5 min mean", "moisture 5 min mean"}, {"Historian 2024"}, {"2.1.0"}},
		},
		{
			name: "crossing avoided",
			// By label alone A's tag (Z) would sit below B's tag (Y).
			graph: aims.LineageGraph{Nodes: []aims.LineageNode{
				node(aims.NodeInstrument, "a", "A"), node(aims.NodeInstrument, "b", "B"),
				node(aims.NodeTag, "z", "Z"), node(aims.NodeTag, "y", "Y"),
			}, Edges: []aims.LineageEdge{edge("instrument:a", "tag:z"), edge("instrument:b", "tag:y")}},
			wantColumns: []aims.LineageNodeKind{aims.NodeInstrument, aims.NodeTag},
			wantEdges:   2,
			wantOrder:   [][]string{{"A", "B"}, {"Z", "Y"}},
		},
		{
			name: "decision at the end, unknown kinds and dangling edges dropped",
			graph: aims.LineageGraph{Nodes: []aims.LineageNode{
				node(aims.NodeDecision, "d", "#42"), node(aims.NodeModelVersion, "mv", "1.0"),
				{ID: "robot:r", Kind: "robot", Label: "R"}, node(aims.NodeModelVersion, "mv", "1.0 again"),
			}, Edges: []aims.LineageEdge{edge("model_version:mv", "decision:d"), edge("robot:r", "decision:d"),
				edge("tag:gone", "decision:d"), edge("model_version:mv", "decision:d")}},
			wantColumns: []aims.LineageNodeKind{aims.NodeModelVersion, aims.NodeDecision},
			wantEdges:   1,
			wantOrder:   [][]string{{"1.0"}, {"#42"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := layoutLineage(tt.graph)
			var cols []aims.LineageNodeKind
			for i, c := range l.Columns {
				cols = append(cols, c.Kind)
				if want := graphPad + i*(graphNodeW+graphColGap); c.X != want {
					t.Errorf("column %d x = %d, want %d", i, c.X, want)
				}
			}
			if !slices.Equal(cols, tt.wantColumns) {
				t.Errorf("columns = %v, want %v", cols, tt.wantColumns)
			}
			if len(l.Edges) != tt.wantEdges {
				t.Errorf("%d edges, want %d", len(l.Edges), tt.wantEdges)
			}
			order := make([][]string, len(l.Columns))
			for _, n := range l.Nodes {
				if l.Columns[n.Column].Kind != n.Kind {
					t.Errorf("%s in the %s column", n.ID, l.Columns[n.Column].Kind)
				}
				if n.X != l.Columns[n.Column].X {
					t.Errorf("%s x = %d, its column's is %d", n.ID, n.X, l.Columns[n.Column].X)
				}
				order[n.Column] = append(order[n.Column], n.Label)
				if n.X < 0 || n.Y < graphPad+graphHeadH || n.X+graphNodeW > l.Width || n.Y+graphNodeH > l.Height {
					t.Errorf("%s at (%d,%d) outside the %dx%d drawing or over the titles", n.ID, n.X, n.Y, l.Width, l.Height)
				}
			}
			if len(tt.wantOrder) > 0 && !slices.EqualFunc(order, tt.wantOrder, slices.Equal) {
				t.Errorf("order = %q, want %q", order, tt.wantOrder)
			}
			for i, a := range l.Nodes {
				for _, b := range l.Nodes[i+1:] {
					if a.X < b.X+graphNodeW && b.X < a.X+graphNodeW && a.Y < b.Y+graphNodeH && b.Y < a.Y+graphNodeH {
						t.Errorf("%s at (%d,%d) overlaps %s at (%d,%d)", a.ID, a.X, a.Y, b.ID, b.X, b.Y)
					}
				}
			}
			for _, e := range l.Edges {
				if !strings.HasPrefix(e.Path, "M") || strings.Count(e.Path, " ") != 7 {
					t.Errorf("edge %s -> %s path %q", e.From, e.To, e.Path)
				}
			}
			// The same graph lays out the same way, whatever the input order.
			rev := aims.LineageGraph{Nodes: slices.Clone(tt.graph.Nodes), Edges: slices.Clone(tt.graph.Edges)}
			slices.Reverse(rev.Nodes)
			slices.Reverse(rev.Edges)
			again := layoutLineage(rev)
			for i := range l.Nodes {
				if l.Nodes[i].ID != again.Nodes[i].ID || l.Nodes[i].Y != again.Nodes[i].Y {
					t.Errorf("reversed input moved %s to %s", l.Nodes[i].ID, again.Nodes[i].ID)
				}
			}
		})
	}
}

// TestLayoutLineageCentresShortColumns keeps a lone model version level
// with the middle of its three features.
func TestLayoutLineageCentresShortColumns(t *testing.T) {
	t.Parallel()
	g := aims.LineageGraph{Nodes: []aims.LineageNode{node(aims.NodeFeature, "a", "a"), node(aims.NodeFeature, "b", "b"),
		node(aims.NodeFeature, "c", "c"), node(aims.NodeModelVersion, "mv", "1")}}
	l := layoutLineage(g)
	var mid, mv int
	for _, n := range l.Nodes {
		switch n.ID {
		case "feature:b":
			mid = n.Y
		case "model_version:mv":
			mv = n.Y
		}
	}
	if mid != mv {
		t.Errorf("model version at y=%d, middle feature at y=%d", mv, mid)
	}
	if want := 2*graphPad + graphHeadH + 3*graphNodeH + 2*graphRowGap; l.Height != want {
		t.Errorf("height %d, want %d", l.Height, want)
	}
}

func TestNewLineageGraph(t *testing.T) {
	t.Parallel()
	g := demoGraph()
	g.Nodes = append(g.Nodes, node(aims.NodeDecision, "d1", "#7"), node(aims.NodeTag, "lonely", "LT-9 level"))
	g.Edges = append(g.Edges, edge("model_version:mv", "decision:d1"))
	v := newLineageGraph("g", &g, "sys", "Lineage of 2.1.0", "none")
	byID := map[string]graphNodeView{}
	for _, n := range v.Nodes {
		byID[n.ID] = n
	}
	for id, want := range map[string]string{
		"instrument:mt301": "/lineage/instruments/mt301", "tag:moist": "/lineage/tags/moist", "feature:fflow": "/lineage/features/fflow",
		"dataset:ds": "/datasets/ds", "model_version:mv": "/systems/sys/versions/mv", "decision:d1": "/systems/sys/decisions/d1",
	} {
		if got := byID[id].Href; got != want {
			t.Errorf("%s links to %q, want %q", id, got, want)
		}
	}
	mt := byID["instrument:mt301"]
	if mt.Marker != "⚠ out of calibration" || !strings.Contains(mt.Class, "flagged") || !strings.Contains(mt.Title, "out of calibration") {
		t.Errorf("flagged instrument: marker %q class %q title %q", mt.Marker, mt.Class, mt.Title)
	}
	if ft := byID["instrument:ft201"]; ft.Marker != "" || strings.Contains(ft.Class, "flagged") {
		t.Errorf("unflagged instrument marked: %q %q", ft.Marker, ft.Class)
	}
	if len(v.Rows) != len(g.Edges)+1 {
		t.Errorf("%d table rows, want one per edge and one for the lone tag (%d)", len(v.Rows), len(g.Edges)+1)
	}
	last := v.Rows[len(v.Rows)-1]
	if last.From.Label != "LT-9 level" || last.To.Label != "" {
		t.Errorf("last row = %+v, want the lone tag with no link", last)
	}
	if e := newLineageGraph("e", nil, "", "", "Nothing yet."); len(e.Nodes) != 0 || e.Empty != "Nothing yet." {
		t.Errorf("nil graph: %+v", e)
	}
	if got := clip("MT-301 moisture probe at the belt press", 10); got != "MT-301 mo…" {
		t.Errorf("clip = %q", got)
	}
}

// TestLineageGraphRenders draws the demo graph and reads it back as a
// person or a screen reader would: boxes with titles and links, the flagged
// probe marked in words, and the table with one row per link.
func TestLineageGraphRenders(t *testing.T) {
	t.Parallel()
	g := demoGraph()
	var b strings.Builder
	if err := LineageGraph(newLineageGraph("lineage-mv", &g, "sys", "Lineage of model version 2.1.0", "")).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, doc)
	svg := query(t, doc, "figure#lineage-mv svg[role=group][aria-labelledby=lineage-mv-caption]")
	if got := len(queryAll(svg, "a.node rect")); got != len(g.Nodes) {
		t.Errorf("%d linked boxes, want %d", got, len(g.Nodes))
	}
	probe := query(t, svg, `a.node.flagged[data-node="instrument:mt301"][href="/lineage/instruments/mt301"]`)
	if got := text(query(t, probe, "text.marker")); got != "⚠ out of calibration" {
		t.Errorf("marker = %q", got)
	}
	if got := text(query(t, probe, "title")); got != "Instrument MT-301: out of calibration" {
		t.Errorf("title = %q", got)
	}
	noMatch(t, svg, `a[data-node="instrument:ft201"] text.marker`)
	if got := len(queryAll(svg, "path.edge")); got != len(g.Edges) {
		t.Errorf("%d edges drawn, want %d", got, len(g.Edges))
	}
	if got := len(queryAll(svg, "path.edge.flagged")); got != 1 {
		t.Errorf("%d edges from a flagged instrument, want 1", got)
	}
	if got := texts(svg, "text.column-title"); !slices.Equal(got, []string{"Instruments", "Tags", "Features", "Datasets", "Model versions"}) {
		t.Errorf("column titles = %v", got)
	}
	rows := queryAll(doc, "details.lineage-table tbody tr")
	if len(rows) != len(g.Edges) {
		t.Errorf("%d table rows, want %d", len(rows), len(g.Edges))
	}
	if got := texts(doc, "details.lineage-table .flag-text"); len(got) != 4 || got[0] != "⚠ out of calibration" {
		// MT-301 feeds its tag, which has a quality caveat and feeds a
		// feature and the dataset: the tag is named in three rows.
		t.Errorf("flags in the table = %q", got)
	}

	b.Reset()
	if err := LineageGraph(newLineageGraph("empty", &aims.LineageGraph{}, "", "", "No lineage is recorded yet.")).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No lineage is recorded yet.") || strings.Contains(b.String(), "<svg") {
		t.Errorf("empty graph drew %s", b.String())
	}
}
