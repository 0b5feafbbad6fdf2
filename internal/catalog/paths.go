package catalog

import (
	"sort"

	"github.com/aimsproject/aims/internal/aims"
)

// Step is one crosswalk pair on a path from one requirement to another.
type Step struct {
	From         aims.Ref          `json:"from"`
	To           aims.Ref          `json:"to"`
	Relationship aims.Relationship `json:"relationship"`
	Crosswalk    string            `json:"crosswalk"`
	Official     bool              `json:"official"`
	Rationale    string            `json:"rationale,omitempty"`
	Flag         string            `json:"flag,omitempty"`
}

// Reach is a requirement in another framework that a requirement maps to,
// directly (one step) or through a third framework (two steps), with every
// path that leads there.
type Reach struct {
	Target aims.Ref `json:"target"`
	// Relationship is the strongest relationship over the paths; a path
	// through another framework composes its steps (aims.Relationship.Then).
	Relationship aims.Relationship `json:"relationship"`
	Direct       bool              `json:"direct"`
	Paths        [][]Step          `json:"paths"`
}

func stepOf(from aims.Ref, e edge) Step {
	return Step{From: from, To: e.to, Relationship: e.rel, Crosswalk: e.crosswalk.ID, Official: e.crosswalk.Official,
		Rationale: e.mapping.Rationale, Flag: e.mapping.Flag}
}

// MapsTo returns what ref maps to in every other framework: its direct
// crosswalk pairs (read in either direction), and, for frameworks no pair
// links directly, the requirements reached through one requirement of a
// third framework (NIST AI RMF -> ISO/IEC 42001 -> EU AI Act). Longer paths
// are not followed: each step loosens the relationship, and two steps are
// where a reader can still check the reasoning.
func (c *Catalog) MapsTo(ref aims.Ref) []*Reach {
	byTarget := map[aims.Ref]*Reach{}
	var order []aims.Ref
	add := func(target aims.Ref, rel aims.Relationship, direct bool, path []Step) {
		r := byTarget[target]
		if r == nil {
			r = &Reach{Target: target, Relationship: rel, Direct: direct}
			byTarget[target] = r
			order = append(order, target)
		} else if rank(rel) < rank(r.Relationship) {
			r.Relationship = rel
		}
		r.Paths = append(r.Paths, path)
	}
	direct := map[string]bool{} // frameworks linked directly
	for _, e := range c.edges[ref] {
		if e.to.Framework == ref.Framework {
			continue
		}
		add(e.to, e.rel, true, []Step{stepOf(ref, e)})
		direct[e.to.Framework] = true
	}
	for _, e1 := range c.edges[ref] {
		mid := e1.to
		if mid.Framework == ref.Framework {
			continue
		}
		for _, e2 := range c.edges[mid] {
			end := e2.to
			if end.Framework == ref.Framework || end.Framework == mid.Framework || direct[end.Framework] {
				continue
			}
			add(end, e1.rel.Then(e2.rel), false, []Step{stepOf(ref, e1), stepOf(mid, e2)})
		}
	}
	c.sortRefs(order)
	out := make([]*Reach, len(order))
	for i, t := range order {
		out[i] = byTarget[t]
		sort.SliceStable(out[i].Paths, func(a, b int) bool {
			return c.pos[out[i].Paths[a][0].To] < c.pos[out[i].Paths[b][0].To]
		})
	}
	return out
}

// rank orders relationships from strongest (0) to weakest.
func rank(r aims.Relationship) int {
	for i, v := range aims.RelationshipValues() {
		if v == r {
			return i
		}
	}
	return len(aims.RelationshipValues())
}
