// Package catalog holds the frameworks aims ships (ISO/IEC 42001, the NIST
// AI RMF with AI 600-1, the EU AI Act), the crosswalks between them, and the
// pure functions over them: lookup, search, mapping paths through the
// crosswalks, coverage, and OSCAL export and import. The data are the
// project's own files in data/, embedded in the binary; data/ is partly
// generated from source/ (see package build).
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aimsproject/aims/internal/aims"
)

//go:generate go run ./gen

//go:embed data/*.json
var dataFS embed.FS

// The built-in framework and crosswalk ids.
const (
	ISO42001  = "iso42001"
	NISTAIRMF = "nist-ai-rmf"
	EUAIAct   = "eu-ai-act"
)

var builtinFrameworks = []string{ISO42001, NISTAIRMF, EUAIAct}

var builtinCrosswalks = []string{"nist-ai-rmf_iso42001", "iso42001_eu-ai-act"}

// IsBuiltin reports whether id names a framework aims ships.
func IsBuiltin(id string) bool {
	for _, b := range builtinFrameworks {
		if b == id {
			return true
		}
	}
	return false
}

// Catalog is a set of frameworks and crosswalks, indexed. It is immutable
// once built; an organization's catalog adds its imported frameworks and
// its own mappings to the built-in ones.
type Catalog struct {
	frameworks []*aims.Framework
	byID       map[string]*aims.Framework
	reqs       map[aims.Ref]*aims.Requirement
	children   map[aims.Ref][]*aims.Requirement
	crosswalks []*aims.Crosswalk
	edges      map[aims.Ref][]edge
	pos        map[aims.Ref]int // catalog order, for sorting
}

// edge is one mapping read from one end, for path finding.
type edge struct {
	to        aims.Ref
	rel       aims.Relationship
	crosswalk *aims.Crosswalk
	mapping   *aims.Mapping
}

var builtin = sync.OnceValues(loadBuiltin)

// Builtin returns the catalog aims ships. The embedded data are checked by
// tests; a broken file is a programming error and panics.
func Builtin() *Catalog {
	c, err := builtin()
	if err != nil {
		panic(err)
	}
	return c
}

func loadBuiltin() (*Catalog, error) {
	var fws []*aims.Framework
	for _, id := range builtinFrameworks {
		var fw aims.Framework
		if err := readData(id+".json", &fw); err != nil {
			return nil, err
		}
		fws = append(fws, &fw)
	}
	var cws []*aims.Crosswalk
	for _, id := range builtinCrosswalks {
		var cw aims.Crosswalk
		if err := readData("crosswalk-"+id+".json", &cw); err != nil {
			return nil, err
		}
		cws = append(cws, &cw)
	}
	return New(fws, cws)
}

func readData(name string, v any) error {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return fmt.Errorf("catalog data %s: %w", name, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("catalog data %s: %w", name, err)
	}
	return nil
}

// New indexes frameworks and crosswalks. It refuses a requirement listed
// twice, a parent that does not exist, and a crosswalk pair that names a
// requirement that does not exist.
func New(fws []*aims.Framework, cws []*aims.Crosswalk) (*Catalog, error) {
	c := &Catalog{byID: map[string]*aims.Framework{}, reqs: map[aims.Ref]*aims.Requirement{},
		children: map[aims.Ref][]*aims.Requirement{}, edges: map[aims.Ref][]edge{}, pos: map[aims.Ref]int{}}
	for _, fw := range fws {
		if c.byID[fw.ID] != nil {
			return nil, fmt.Errorf("framework %s is listed twice", fw.ID)
		}
		c.byID[fw.ID] = fw
		c.frameworks = append(c.frameworks, fw)
		for _, r := range fw.Requirements {
			ref := aims.Ref{Framework: fw.ID, ID: r.ID}
			if c.reqs[ref] != nil {
				return nil, fmt.Errorf("%s: requirement %s is listed twice", fw.ID, r.ID)
			}
			c.reqs[ref] = r
			c.pos[ref] = len(c.pos)
		}
		for _, r := range fw.Requirements {
			parent := aims.Ref{Framework: fw.ID, ID: r.Parent}
			if r.Parent != "" && c.reqs[parent] == nil {
				return nil, fmt.Errorf("%s: parent %s of %s does not exist", fw.ID, r.Parent, r.ID)
			}
			c.children[parent] = append(c.children[parent], r)
		}
	}
	for _, cw := range cws {
		if err := c.addCrosswalk(cw); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Catalog) addCrosswalk(cw *aims.Crosswalk) error {
	for i, m := range cw.Pairs {
		from, to := cw.From, cw.To
		if m.From != "" {
			from, to = m.From, m.To
		}
		src, dst := aims.Ref{Framework: from, ID: m.Source}, aims.Ref{Framework: to, ID: m.Target}
		if c.reqs[src] == nil {
			return fmt.Errorf("crosswalk %s pair %d: %s does not exist", cw.ID, i, src)
		}
		if c.reqs[dst] == nil {
			return fmt.Errorf("crosswalk %s pair %d: %s does not exist", cw.ID, i, dst)
		}
		if !m.Relationship.IsValid() {
			return fmt.Errorf("crosswalk %s pair %d: relationship %q is not known", cw.ID, i, m.Relationship)
		}
		c.edges[src] = append(c.edges[src], edge{to: dst, rel: m.Relationship, crosswalk: cw, mapping: m})
		c.edges[dst] = append(c.edges[dst], edge{to: src, rel: m.Relationship.Inverse(), crosswalk: cw, mapping: m})
	}
	c.crosswalks = append(c.crosswalks, cw)
	return nil
}

// With returns a catalog with these frameworks and crosswalks added to c's.
func (c *Catalog) With(fws []*aims.Framework, cws []*aims.Crosswalk) (*Catalog, error) {
	if len(fws) == 0 && len(cws) == 0 {
		return c, nil
	}
	return New(append(append([]*aims.Framework{}, c.frameworks...), fws...), append(append([]*aims.Crosswalk{}, c.crosswalks...), cws...))
}

// Frameworks lists the frameworks, built-in first.
func (c *Catalog) Frameworks() []*aims.Framework { return c.frameworks }

// Framework returns one framework.
func (c *Catalog) Framework(id string) (*aims.Framework, bool) {
	fw, ok := c.byID[id]
	return fw, ok
}

// Requirement returns one requirement.
func (c *Catalog) Requirement(ref aims.Ref) (*aims.Requirement, bool) {
	r, ok := c.reqs[ref]
	return r, ok
}

// Children returns the requirements directly under id in framework fw, in
// catalog order; an empty id gives the top level.
func (c *Catalog) Children(fw, id string) []*aims.Requirement {
	return c.children[aims.Ref{Framework: fw, ID: id}]
}

// Ancestors returns the requirement's parents, nearest first.
func (c *Catalog) Ancestors(ref aims.Ref) []*aims.Requirement {
	var out []*aims.Requirement
	r := c.reqs[ref]
	for r != nil && r.Parent != "" {
		r = c.reqs[aims.Ref{Framework: ref.Framework, ID: r.Parent}]
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

// Units returns the requirements of fw that coverage counts, in catalog
// order.
func (c *Catalog) Units(fw *aims.Framework) []*aims.Requirement {
	var out []*aims.Requirement
	for _, r := range fw.Requirements {
		if fw.IsCoverageKind(r.Kind) {
			out = append(out, r)
		}
	}
	return out
}

// SoAControls returns the requirements of fw that can be SoA rows.
func (c *Catalog) SoAControls(fw *aims.Framework) []*aims.Requirement {
	var out []*aims.Requirement
	for _, r := range fw.Requirements {
		if fw.IsSoAKind(r.Kind) {
			out = append(out, r)
		}
	}
	return out
}

// Search returns the requirements of fw whose id, title or text contains q,
// any case, with their ancestors so that a tree can be drawn.
func (c *Catalog) Search(fw *aims.Framework, q string) (hits []*aims.Requirement, keep map[string]bool) {
	q = strings.ToLower(strings.TrimSpace(q))
	keep = map[string]bool{}
	for _, r := range fw.Requirements {
		text := strings.ToLower(r.ID + " " + r.Title + " " + r.Text)
		if r.Guidance != nil {
			text += " " + strings.ToLower(r.Guidance.Asks)
		}
		if q == "" || strings.Contains(text, q) {
			hits = append(hits, r)
			keep[r.ID] = true
			for _, a := range c.Ancestors(aims.Ref{Framework: fw.ID, ID: r.ID}) {
				keep[a.ID] = true
			}
		}
	}
	return hits, keep
}

// Crosswalks lists the crosswalks.
func (c *Catalog) Crosswalks() []*aims.Crosswalk { return c.crosswalks }

// Crosswalk returns one crosswalk.
func (c *Catalog) Crosswalk(id string) (*aims.Crosswalk, bool) {
	for _, cw := range c.crosswalks {
		if cw.ID == id {
			return cw, true
		}
	}
	return nil, false
}

// Resolve finds a requirement from "framework:id", or from a bare id when
// exactly one framework has it.
func (c *Catalog) Resolve(s string) (aims.Ref, bool) {
	if ref, ok := aims.ParseRef(s); ok && c.reqs[ref] != nil {
		return ref, true
	}
	var found []aims.Ref
	for _, fw := range c.frameworks {
		ref := aims.Ref{Framework: fw.ID, ID: s}
		if c.reqs[ref] != nil {
			found = append(found, ref)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return aims.Ref{}, false
}

// sortRefs orders refs by framework order, then catalog order.
func (c *Catalog) sortRefs(refs []aims.Ref) {
	sort.SliceStable(refs, func(i, j int) bool { return c.pos[refs[i]] < c.pos[refs[j]] })
}
