package web

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims/internal/aims"
)

// The lineage graph (ISO/IEC 42001 A.7.5 data provenance, A.7.4 data
// quality): instrument -> tag -> feature -> dataset -> model version ->
// decision, drawn on the server as an SVG, one column per kind of node. The
// layout is a pure function of the graph so that it can be tested without a
// page; lineageGraphView adds links and text.

// columnTitles head the columns.
var columnTitles = map[aims.LineageNodeKind]string{
	aims.NodeInstrument:   "Instruments",
	aims.NodeTag:          "Tags",
	aims.NodeFeature:      "Features",
	aims.NodeDataset:      "Datasets",
	aims.NodeModelVersion: "Model versions",
	aims.NodeDecision:     "Decisions",
}

// Sizes of the drawing, in SVG user units.
const (
	graphPad     = 12  // around the drawing
	graphHeadH   = 28  // column titles
	graphNodeW   = 176 // node box
	graphNodeH   = 58
	graphColGap  = 56 // between columns, where the edges run
	graphRowGap  = 14 // between boxes of a column
	graphLabelCh = 22 // characters of a label that fit a box (bold, 12px)
	graphTextCh  = 27 // characters of a detail or marker line (11px)
)

// graphLayout is where everything goes.
type graphLayout struct {
	Width, Height int
	Columns       []placedColumn
	Nodes         []placedNode // column by column, top to bottom
	Edges         []placedEdge
}

// placedColumn is a column title and its left edge.
type placedColumn struct {
	Kind  aims.LineageNodeKind
	Title string
	X     int
}

// placedNode is a node's box: its top-left corner.
type placedNode struct {
	aims.LineageNode
	Column, Row int
	X, Y        int
}

// placedEdge is an edge with the SVG path from the right side of its
// source to the left side of its target.
type placedEdge struct {
	aims.LineageEdge
	Path string
}

// layoutLineage places the nodes in columns by kind (only the kinds present,
// in aims.LineageNodeKindValues order) and orders each column so that edges cross less:
// the first column by label, the next ones by the mean position of their
// neighbours to the left, then back from right to left by the neighbours to
// the right. Nodes of an unknown kind and edges to unknown nodes are left
// out. Columns shorter than the tallest are centred.
func layoutLineage(g aims.LineageGraph) graphLayout {
	kinds := aims.LineageNodeKindValues()
	colOf := map[aims.LineageNodeKind]int{}
	for i, k := range kinds {
		colOf[k] = i
	}
	byKind := make([][]aims.LineageNode, len(kinds))
	seen := map[string]bool{}
	for _, n := range g.Nodes {
		c, ok := colOf[n.Kind]
		if !ok || seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		byKind[c] = append(byKind[c], n)
	}
	var cols [][]aims.LineageNode
	var l graphLayout
	for i, ns := range byKind {
		if len(ns) == 0 {
			continue
		}
		slices.SortFunc(ns, func(a, b aims.LineageNode) int {
			return cmp.Or(strings.Compare(a.Label, b.Label), strings.Compare(a.ID, b.ID))
		})
		l.Columns = append(l.Columns, placedColumn{Kind: kinds[i], Title: columnTitles[kinds[i]],
			X: graphPad + len(cols)*(graphNodeW+graphColGap)})
		cols = append(cols, ns)
	}
	if len(cols) == 0 {
		return l
	}
	col := map[string]int{}
	for c, ns := range cols {
		for _, n := range ns {
			col[n.ID] = c
		}
	}
	var kept []aims.LineageEdge
	left, right := map[string][]string{}, map[string][]string{} // neighbours in earlier, later columns
	dup := map[aims.LineageEdge]bool{}
	for _, e := range g.Edges {
		cf, okf := col[e.From]
		ct, okt := col[e.To]
		if !okf || !okt || e.From == e.To || dup[e] {
			continue
		}
		dup[e] = true
		kept = append(kept, e)
		switch {
		case cf < ct:
			left[e.To], right[e.From] = append(left[e.To], e.From), append(right[e.From], e.To)
		case ct < cf:
			left[e.From], right[e.To] = append(left[e.From], e.To), append(right[e.To], e.From)
		}
	}
	tallest := 0
	for _, ns := range cols {
		tallest = max(tallest, len(ns))
	}
	// centre is a node's vertical middle in rows of the tallest column.
	centre := map[string]float64{}
	place := func(c int) {
		off := float64(tallest-len(cols[c])) / 2
		for r, n := range cols[c] {
			centre[n.ID] = off + float64(r)
		}
	}
	reorder := func(c int, by map[string][]string) {
		key := func(n aims.LineageNode) (float64, bool) {
			var sum float64
			k := 0
			for _, m := range by[n.ID] {
				if v, ok := centre[m]; ok {
					sum += v
					k++
				}
			}
			if k == 0 {
				return 0, false
			}
			return sum / float64(k), true
		}
		slices.SortStableFunc(cols[c], func(a, b aims.LineageNode) int {
			ka, oka := key(a)
			kb, okb := key(b)
			switch {
			case oka && okb:
				return cmp.Compare(ka, kb)
			case oka:
				return -1
			case okb:
				return 1
			}
			return 0
		})
		place(c)
	}
	place(0)
	for c := 1; c < len(cols); c++ {
		reorder(c, left)
	}
	for c := len(cols) - 2; c >= 0; c-- {
		reorder(c, right)
	}
	step := graphNodeH + graphRowGap
	pos := map[string]placedNode{}
	for c, ns := range cols {
		off := (tallest - len(ns)) * step / 2
		for r, n := range ns {
			pn := placedNode{LineageNode: n, Column: c, Row: r, X: l.Columns[c].X,
				Y: graphPad + graphHeadH + off + r*step}
			pos[n.ID] = pn
			l.Nodes = append(l.Nodes, pn)
		}
	}
	for _, e := range kept {
		a, b := pos[e.From], pos[e.To]
		if a.Column > b.Column {
			a, b = b, a
		}
		l.Edges = append(l.Edges, placedEdge{LineageEdge: e, Path: edgePath(a, b)})
	}
	l.Width = 2*graphPad + len(cols)*graphNodeW + (len(cols)-1)*graphColGap
	l.Height = 2*graphPad + graphHeadH + tallest*step - graphRowGap
	return l
}

// edgePath is a curve from the right side of a to the left side of b, or,
// within one column, a loop out to the right.
func edgePath(a, b placedNode) string {
	y1, y2 := a.Y+graphNodeH/2, b.Y+graphNodeH/2
	x1 := a.X + graphNodeW
	if a.Column == b.Column {
		bend := x1 + graphColGap/2
		return "M" + itoa(x1) + " " + itoa(y1) + " C" + itoa(bend) + " " + itoa(y1) + " " + itoa(bend) + " " + itoa(y2) + " " + itoa(x1) + " " + itoa(y2)
	}
	x2 := b.X
	mid := (x1 + x2) / 2
	return "M" + itoa(x1) + " " + itoa(y1) + " C" + itoa(mid) + " " + itoa(y1) + " " + itoa(mid) + " " + itoa(y2) + " " + itoa(x2) + " " + itoa(y2)
}

// flagTitles names the flags a node may carry, in words: a flag is shown
// as text as well as colour.
var flagTitles = map[string]string{
	aims.FlagOutOfCalibration: "out of calibration",
	aims.FlagNeverCalibrated:  "never calibrated",
	aims.FlagQualityCaveat:    "quality caveat",
	aims.FlagUndeclaredTag:    "undeclared tag",
}

// flagTitle names one flag.
func flagTitle(f string) string {
	if t, ok := flagTitles[f]; ok {
		return t
	}
	return strings.ReplaceAll(f, "_", " ")
}

// clip shortens s to n characters with an ellipsis; the full text is in
// the node's <title>.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// lineageGraph is a lineage graph ready to draw: the layout, each node's
// link and text, and the same links as table rows.
type lineageGraph struct {
	ID      string // prefix of the element ids, unique on the page
	Caption string
	Empty   string // the sentence shown when there is nothing to draw
	Width   int
	Height  int
	Columns []placedColumn
	Nodes   []graphNodeView
	Edges   []graphEdgeView
	Rows    []graphRow
}

// graphNodeView is one box: where it goes, what it says, where it links.
type graphNodeView struct {
	placedNode
	Href    string // "" when the record has no page
	Title   string // the full text, for <title>
	Text    string // the label, shortened to fit
	Sub     string // the detail line, shortened
	Marker  string // "⚠ out of calibration" and the like, "" when not flagged
	Class   string
	TextX   int
	LabelY  int
	DetailY int
	MarkerY int
}

// graphEdgeView is one edge's path and class.
type graphEdgeView struct {
	Path, Class string
}

// graphRow is one edge in the table.
type graphRow struct{ From, To graphCell }

// graphCell names one end of an edge in the table.
type graphCell struct {
	Kind, Label, Href, Flags string
}

// newLineageGraph lays g out and links each node to its page; systemID is
// the system whose model versions the graph shows (their pages live under
// it). A nil graph draws as empty.
func newLineageGraph(id string, g *aims.LineageGraph, systemID, caption, empty string) lineageGraph {
	v := lineageGraph{ID: id, Caption: caption, Empty: empty}
	if g == nil {
		return v
	}
	l := layoutLineage(*g)
	v.Width, v.Height, v.Columns = l.Width, l.Height, l.Columns
	cells := map[string]graphCell{}
	uncalibrated := map[string]bool{} // its edges are drawn dashed too
	for _, n := range l.Nodes {
		nv := graphNodeView{placedNode: n, Href: lineageHref(n.LineageNode, systemID), Text: clip(n.Label, graphLabelCh),
			Sub: clip(n.Detail, graphTextCh), Class: "node kind-" + string(n.Kind),
			TextX: n.X + 8, LabelY: n.Y + 18, DetailY: n.Y + 34, MarkerY: n.Y + 50}
		var flags []string
		for _, f := range n.Flags {
			word := flagTitle(f)
			if f == aims.FlagOutOfCalibration && strings.HasPrefix(n.Detail, aims.CalibrationIn.Title()) {
				// In calibration now (the node's state word) but not
				// over a training window: one state word per node.
				word = "was " + word
			}
			flags = append(flags, word)
			nv.Class += " flag-" + f
		}
		title := n.Kind.Title() + " " + n.Label
		if n.Detail != "" {
			title += " (" + n.Detail + ")"
		}
		if len(flags) > 0 {
			nv.Marker = clip("⚠ "+strings.Join(flags, ", "), graphTextCh)
			nv.Class += " flagged"
			title += ": " + strings.Join(flags, ", ")
		}
		uncalibrated[n.ID] = slices.Contains(n.Flags, aims.FlagOutOfCalibration) || slices.Contains(n.Flags, aims.FlagNeverCalibrated)
		nv.Title = title
		v.Nodes = append(v.Nodes, nv)
		cells[n.ID] = graphCell{Kind: n.Kind.Title(), Label: n.Label, Href: nv.Href, Flags: strings.Join(flags, ", ")}
	}
	linked := map[string]bool{}
	for _, e := range l.Edges {
		class := "edge"
		if uncalibrated[e.From] {
			class += " flagged"
		}
		v.Edges = append(v.Edges, graphEdgeView{Path: e.Path, Class: class})
		v.Rows = append(v.Rows, graphRow{From: cells[e.From], To: cells[e.To]})
		linked[e.From], linked[e.To] = true, true
	}
	for _, n := range l.Nodes {
		if !linked[n.ID] {
			v.Rows = append(v.Rows, graphRow{From: cells[n.ID]})
		}
	}
	return v
}

// lineageHref is the page of a node's record, or "" when it has none.
func lineageHref(n aims.LineageNode, systemID string) string {
	kind, id, ok := strings.Cut(n.ID, ":")
	if !ok || id == "" {
		return ""
	}
	switch aims.LineageNodeKind(kind) {
	case aims.NodeInstrument:
		return "/lineage/instruments/" + id
	case aims.NodeTag:
		return "/lineage/tags/" + id
	case aims.NodeFeature:
		return "/lineage/features/" + id
	case aims.NodeDataset:
		return "/datasets/" + id
	case aims.NodeModelVersion:
		if systemID != "" {
			return "/systems/" + systemID + "/versions/" + id
		}
	case aims.NodeDecision:
		if systemID != "" {
			return "/systems/" + systemID + "/decisions/" + id
		}
	}
	return ""
}
