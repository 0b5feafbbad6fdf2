package service

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// ModelVersionLineage draws the lineage of one model version: the
// instruments, tags, features and datasets it was built from (ISO/IEC
// 42001 A.7.5). An instrument is flagged when it is out of calibration
// now, or was for part of the window of a dataset the model version was
// trained on; a tag with quality caveats is flagged too.
func (s *Service) ModelVersionLineage(ctx context.Context, systemID, mvID string) (*aims.LineageGraph, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, err
	}
	mv, err := store.FindModelVersionByID(ctx, s.db, scope, systemID, mvID)
	if err != nil {
		return nil, err
	}
	g := newGraphBuilder()
	if err := s.drawModelVersion(ctx, scope, g, mv, nil); err != nil {
		return nil, err
	}
	return g.graph(), nil
}

// DecisionLineage draws the lineage of one decision: its model version's
// lineage, and the tags the decision named as inputs (joined by exact
// name). Instruments are flagged by their calibration at the time of the
// decision; an input that is not a declared tag is flagged undeclared_tag.
func (s *Service) DecisionLineage(ctx context.Context, systemID, decisionID string) (*aims.LineageGraph, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, err
	}
	d, err := store.FindDecisionByID(ctx, s.db, scope, systemID, decisionID)
	if err != nil {
		return nil, err
	}
	g := newGraphBuilder()
	at := d.SourceTime
	dnode := g.node(aims.NodeDecision, d.ID, fmt.Sprintf("%s #%d", d.Source, d.Seq),
		d.SourceTime.Format(time.RFC3339)+" · "+d.Human.Title())
	if d.ModelVersionID != "" {
		mv, err := store.FindModelVersionByID(ctx, s.db, scope, systemID, d.ModelVersionID)
		if err != nil {
			return nil, err
		}
		if err := s.drawModelVersion(ctx, scope, g, mv, &at); err != nil {
			return nil, err
		}
		g.edge(aims.NodeID(aims.NodeModelVersion, mv.ID), dnode)
	} else {
		g.node(aims.NodeModelVersion, "unknown:"+d.ModelVersion, d.ModelVersion, "not registered for this system")
		g.edge(aims.NodeID(aims.NodeModelVersion, "unknown:"+d.ModelVersion), dnode)
	}
	declared, err := store.FindTagsByNames(ctx, s.db, scope, d.InputTags)
	if err != nil {
		return nil, err
	}
	var tags []*aims.Tag
	for _, name := range d.InputTags {
		if t := declared[name]; t != nil {
			tags = append(tags, t)
			continue
		}
		id := g.node(aims.NodeTag, "undeclared:"+name, name, "not a declared tag", aims.FlagUndeclaredTag)
		g.edge(id, dnode)
	}
	if err := s.drawTags(ctx, scope, g, tags, &at, nil); err != nil {
		return nil, err
	}
	for _, t := range tags {
		g.edge(aims.NodeID(aims.NodeTag, t.ID), dnode)
	}
	return g.graph(), nil
}

// drawModelVersion adds a model version with its features, datasets, tags
// and instruments. With at, instruments are flagged by their calibration
// then; without, by their calibration now and over the training windows.
func (s *Service) drawModelVersion(ctx context.Context, scope aims.Scope, g *graphBuilder, mv *aims.ModelVersion, at *time.Time) error {
	mvNode := g.node(aims.NodeModelVersion, mv.ID, mv.Version, mv.Status.Title())
	features, err := store.FindFeaturesByIDs(ctx, s.db, scope, aims.RefIDs(mv.Features))
	if err != nil {
		return err
	}
	tagIDs := []string{}
	for _, ref := range mv.Features {
		f := features[ref.ID]
		if f == nil {
			continue
		}
		fNode := g.node(aims.NodeFeature, f.ID, f.Name, short(f.Transformation))
		g.edge(fNode, mvNode)
		for _, t := range f.Tags {
			g.edge(aims.NodeID(aims.NodeTag, t.ID), fNode)
			tagIDs = append(tagIDs, t.ID)
		}
	}
	// The windows of training datasets by their tags, to flag instruments
	// out of calibration during one.
	windows := map[string][]aims.Period{}
	for _, use := range mv.Datasets {
		d, err := store.FindDatasetByID(ctx, s.db, scope, use.DatasetID)
		if err != nil {
			return err
		}
		detail := use.Purpose.Title()
		w, ok := aims.DatasetWindow(d.WindowStart, d.WindowEnd)
		if ok {
			detail += " · " + d.WindowStart.String() + " to " + d.WindowEnd.String()
		}
		dNode := g.node(aims.NodeDataset, d.ID, d.Name, detail)
		g.edge(dNode, mvNode)
		for _, t := range d.Tags {
			g.edge(aims.NodeID(aims.NodeTag, t.ID), dNode)
			tagIDs = append(tagIDs, t.ID)
		}
		if ok && use.Purpose == aims.PurposeTraining {
			for _, t := range d.Tags {
				windows[t.ID] = append(windows[t.ID], w)
			}
		}
	}
	found, err := store.FindTagsByIDs(ctx, s.db, scope, tagIDs)
	if err != nil {
		return err
	}
	tags := make([]*aims.Tag, 0, len(found))
	for _, t := range found {
		tags = append(tags, t)
	}
	if at != nil {
		windows = nil
	}
	return s.drawTags(ctx, scope, g, tags, at, windows)
}

// drawTags adds tags and their instruments, flagged by calibration at at
// (or now), and out of calibration during any of a tag's windows.
func (s *Service) drawTags(ctx context.Context, scope aims.Scope, g *graphBuilder, tags []*aims.Tag, at *time.Time, windows map[string][]aims.Period) error {
	now := s.db.Now()
	var instIDs []string
	for _, t := range tags {
		var flags []string
		if t.QualityCaveats != "" {
			flags = append(flags, aims.FlagQualityCaveat)
		}
		g.node(aims.NodeTag, t.ID, t.Name, t.Unit, flags...)
		if t.InstrumentID != "" {
			instIDs = append(instIDs, t.InstrumentID)
		}
	}
	insts, err := store.FindInstrumentsByIDs(ctx, s.db, scope, instIDs, now)
	if err != nil {
		return err
	}
	cals, err := store.FindCalibrationsOf(ctx, s.db, scope, instIDs)
	if err != nil {
		return err
	}
	for _, t := range tags {
		in := insts[t.InstrumentID]
		if in == nil {
			continue
		}
		state := in.CalibrationState
		detail := state.Title()
		if at != nil {
			state, _ = rules.CalibrationStateAt(cals[in.ID], in.CalibrationRequired, *at)
			detail = state.Title() + " at the decision"
		}
		var flags []string
		switch state {
		case aims.CalibrationOut:
			flags = append(flags, aims.FlagOutOfCalibration)
		case aims.CalibrationNever:
			flags = append(flags, aims.FlagNeverCalibrated)
		}
		for _, w := range windows[t.ID] {
			if len(rules.OutOfCalibration(cals[in.ID], in.CalibrationRequired, w.From, w.To)) > 0 {
				if !slices.Contains(flags, aims.FlagOutOfCalibration) {
					flags = append(flags, aims.FlagOutOfCalibration)
				}
				detail += "; out of calibration in a training window"
				break
			}
		}
		iNode := g.node(aims.NodeInstrument, in.ID, in.Name, detail, flags...)
		g.edge(iNode, aims.NodeID(aims.NodeTag, t.ID))
	}
	return nil
}

// short cuts a description to a graph node's detail.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}

// graphBuilder collects the nodes and edges of a lineage graph once each.
type graphBuilder struct {
	nodes map[string]*aims.LineageNode
	edges map[aims.LineageEdge]bool
}

func newGraphBuilder() *graphBuilder {
	return &graphBuilder{nodes: map[string]*aims.LineageNode{}, edges: map[aims.LineageEdge]bool{}}
}

// node adds a node (or adds flags to the one there) and returns its id.
func (g *graphBuilder) node(kind aims.LineageNodeKind, id, label, detail string, flags ...string) string {
	nid := aims.NodeID(kind, id)
	n := g.nodes[nid]
	if n == nil {
		n = &aims.LineageNode{ID: nid, Kind: kind, Label: label, Detail: detail, Flags: []string{}}
		g.nodes[nid] = n
	}
	for _, f := range flags {
		if !slices.Contains(n.Flags, f) {
			n.Flags = append(n.Flags, f)
		}
	}
	return nid
}

func (g *graphBuilder) edge(from, to string) { g.edges[aims.LineageEdge{From: from, To: to}] = true }

// graph returns the nodes by kind (in column order) and label, and the
// edges between nodes that are in the graph, in node order.
func (g *graphBuilder) graph() *aims.LineageGraph {
	out := &aims.LineageGraph{Nodes: []aims.LineageNode{}, Edges: []aims.LineageEdge{}}
	order := aims.LineageNodeKindValues()
	for _, n := range g.nodes {
		out.Nodes = append(out.Nodes, *n)
	}
	slices.SortFunc(out.Nodes, func(a, b aims.LineageNode) int {
		return cmp.Or(cmp.Compare(slices.Index(order, a.Kind), slices.Index(order, b.Kind)),
			cmp.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)), cmp.Compare(a.ID, b.ID))
	})
	pos := map[string]int{}
	for i, n := range out.Nodes {
		pos[n.ID] = i
	}
	for e := range g.edges {
		_, okFrom := pos[e.From]
		_, okTo := pos[e.To]
		if okFrom && okTo {
			out.Edges = append(out.Edges, e)
		}
	}
	slices.SortFunc(out.Edges, func(a, b aims.LineageEdge) int {
		return cmp.Or(cmp.Compare(pos[a.From], pos[b.From]), cmp.Compare(pos[a.To], pos[b.To]))
	})
	return out
}
