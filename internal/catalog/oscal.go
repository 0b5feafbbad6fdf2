package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	oscal "github.com/defenseunicorns/go-oscal/src/types/oscal-1-2-2"
	"github.com/google/uuid"

	"github.com/aimsproject/aims/internal/aims"
)

// OSCALVersion is the OSCAL version of every document aims writes (the
// go-oscal 1.2.2 types).
const OSCALVersion = "1.2.2"

// OSCALNamespace qualifies the props and parts aims adds to OSCAL
// documents, so that other tools can tell them from NIST's.
const OSCALNamespace = "https://github.com/aimsproject/aims/ns/oscal"

// uuidSpace makes aims' OSCAL UUIDs deterministic (version 5): the same
// catalog exports to the same document.
var uuidSpace = uuid.MustParse("5b0f6b5e-4a39-5d0e-9a3e-0d6c3c1a4200")

func oscalUUID(parts ...string) string {
	return uuid.NewSHA1(uuidSpace, []byte(strings.Join(parts, "\x00"))).String()
}

var nonToken = regexp.MustCompile(`[^\p{L}\p{N}._-]+`)

// OSCALID turns a display ID ("4.1", "GOVERN 1.1", "Art. 5(1)(a)") into an
// OSCAL token, which must start with a letter or underscore: runs of other
// characters become "-", and an ID starting with a digit gets its kind as a
// prefix ("clause-4.1"). The display form travels in a "label" prop.
func OSCALID(kind, id string) string {
	s := strings.Trim(nonToken.ReplaceAllString(id, "-"), "-")
	if s == "" || !isLetter(s[0]) {
		prefix := nonToken.ReplaceAllString(kind, "-")
		if prefix == "" || !isLetter(prefix[0]) {
			prefix = "id"
		}
		s = prefix + "-" + s
	}
	return s
}

func isLetter(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b >= 0x80
}

// groupKinds are the kinds exported as OSCAL groups (structure, not
// requirements one can implement); everything else is a control.
var groupKinds = map[string]bool{"function": true, "category": true, "group": true, "objective": true,
	"annex": true, "annex-c": true, "annex-iii-area": true, "article": true}

func prop(name, value string) oscal.Property {
	return oscal.Property{Name: name, Ns: OSCALNamespace, Value: value}
}

func props(ps ...oscal.Property) *[]oscal.Property {
	var out []oscal.Property
	for _, p := range ps {
		if v := strings.TrimSpace(p.Value); v != "" {
			p.Value = v
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

func ptr[T any](list []T) *[]T {
	if len(list) == 0 {
		return nil
	}
	return &list
}

// ExportCatalog writes fw as an OSCAL catalog. ownerText, when not nil,
// holds an organization's own text of requirements (the ISO text it
// imported); it is added as each control's statement only when the caller
// asked for it.
func (c *Catalog) ExportCatalog(fw *aims.Framework, ownerText map[string]string, now time.Time) ([]byte, error) {
	ids := map[string]string{}
	for _, r := range fw.Requirements {
		id := OSCALID(r.Kind, r.ID)
		for other, used := range ids {
			if used == id {
				return nil, fmt.Errorf("export %s: %s and %s both become OSCAL id %s", fw.ID, other, r.ID, id)
			}
		}
		ids[r.ID] = id
	}
	var metaProps []oscal.Property
	metaProps = append(metaProps, prop("framework-id", fw.ID), prop("short-title", fw.ShortTitle), prop("publisher", fw.Publisher))
	for _, k := range fw.CoverageKinds {
		metaProps = append(metaProps, prop("coverage-kind", k))
	}
	for _, k := range fw.SoAKinds {
		metaProps = append(metaProps, prop("soa-kind", k))
	}
	cat := &oscal.Catalog{
		UUID: oscalUUID("catalog", fw.ID, fw.Version),
		Metadata: oscal.Metadata{
			Title: fw.Title, Version: orDash(fw.Version), OscalVersion: OSCALVersion,
			LastModified: now.UTC().Truncate(time.Second), Props: props(metaProps...),
			Remarks: strings.TrimSpace(fw.Source + "\n\n" + fw.Licence),
		},
	}
	var groups []oscal.Group
	var controls []oscal.Control
	for _, r := range c.Children(fw.ID, "") {
		if groupKinds[r.Kind] {
			groups = append(groups, c.exportGroup(fw, r, ids, ownerText))
		} else {
			controls = append(controls, c.exportControl(fw, r, ids, ownerText))
		}
	}
	cat.Groups, cat.Controls = ptr(groups), ptr(controls)
	return encodeOSCAL(oscal.OscalModels{Catalog: cat})
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func (c *Catalog) exportGroup(fw *aims.Framework, r *aims.Requirement, ids, ownerText map[string]string) oscal.Group {
	g := oscal.Group{ID: ids[r.ID], Title: r.Title, Props: reqProps(r), Parts: reqParts(r, ids[r.ID], ownerText)}
	// An OSCAL group holds groups or controls, not both: when the
	// children mix, the grouping ones go out as controls with nested
	// controls (their kind prop keeps what they are).
	kids := c.Children(fw.ID, r.ID)
	mixed := false
	for _, ch := range kids {
		mixed = mixed || !groupKinds[ch.Kind]
	}
	var groups []oscal.Group
	var controls []oscal.Control
	for _, ch := range kids {
		if groupKinds[ch.Kind] && !mixed {
			groups = append(groups, c.exportGroup(fw, ch, ids, ownerText))
		} else {
			controls = append(controls, c.exportControl(fw, ch, ids, ownerText))
		}
	}
	g.Groups, g.Controls = ptr(groups), ptr(controls)
	return g
}

func (c *Catalog) exportControl(fw *aims.Framework, r *aims.Requirement, ids, ownerText map[string]string) oscal.Control {
	ctl := oscal.Control{ID: ids[r.ID], Title: r.Title, Props: reqProps(r), Parts: reqParts(r, ids[r.ID], ownerText)}
	var controls []oscal.Control
	for _, ch := range c.Children(fw.ID, r.ID) {
		controls = append(controls, c.exportControl(fw, ch, ids, ownerText))
	}
	ctl.Controls = ptr(controls)
	return ctl
}

func reqProps(r *aims.Requirement) *[]oscal.Property {
	ps := []oscal.Property{{Name: "label", Value: r.ID}, prop("kind", r.Kind), prop("citation", r.Citation)}
	for _, role := range r.Roles {
		ps = append(ps, prop("operator-role", string(role)))
	}
	return props(ps...)
}

func reqParts(r *aims.Requirement, id string, ownerText map[string]string) *[]oscal.Part {
	var parts []oscal.Part
	text := r.Text
	if t := ownerText[r.ID]; t != "" {
		text = t
	}
	if text != "" {
		parts = append(parts, oscal.Part{ID: id + "_smt", Name: "statement", Prose: text})
	}
	if g := r.Guidance; g != nil && g.Asks != "" {
		gp := oscal.Part{ID: id + "_gdn", Name: "guidance", Prose: g.Asks}
		var sub []oscal.Part
		if g.Evidence != "" {
			sub = append(sub, oscal.Part{Name: "evidence", Ns: OSCALNamespace, Prose: g.Evidence})
		}
		if g.Records != "" {
			sub = append(sub, oscal.Part{Name: "records", Ns: OSCALNamespace, Prose: g.Records})
		}
		gp.Parts = ptr(sub)
		parts = append(parts, gp)
	}
	return ptr(parts)
}

func encodeOSCAL(m oscal.OscalModels) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode OSCAL: %w", err)
	}
	return buf.Bytes(), nil
}

// oscalRelationship names a relationship as OSCAL mapping does; "related"
// is not among OSCAL's values, so it keeps its name in aims' namespace.
func oscalRelationship(r aims.Relationship) (value, ns string) {
	switch r {
	case aims.RelEqual:
		return "equal-to", ""
	case aims.RelSubset:
		return "subset-of", ""
	case aims.RelSuperset:
		return "superset-of", ""
	case aims.RelIntersects:
		return "intersects-with", ""
	}
	return string(r), OSCALNamespace
}

// ExportMappingCollection writes a crosswalk as an OSCAL mapping-collection
// (its Mappings a single object, as OSCAL 1.2.2 has it).
func (c *Catalog) ExportMappingCollection(cw *aims.Crosswalk, now time.Time) ([]byte, error) {
	from, ok1 := c.Framework(cw.From)
	to, ok2 := c.Framework(cw.To)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("crosswalk %s: unknown framework", cw.ID)
	}
	fromUUID, toUUID := oscalUUID("resource", from.ID), oscalUUID("resource", to.ID)
	official := "false"
	if cw.Official {
		official = "true"
	}
	m := oscal.Mapping{
		UUID:           oscalUUID("mapping", cw.ID),
		SourceResource: oscal.MappingResourceReference{Type: "catalog", Href: "#" + fromUUID, Props: props(prop("framework-id", from.ID))},
		TargetResource: oscal.MappingResourceReference{Type: "catalog", Href: "#" + toUUID, Props: props(prop("framework-id", to.ID))},
	}
	for i, p := range cw.Pairs {
		src, _ := c.Requirement(aims.Ref{Framework: from.ID, ID: p.Source})
		dst, _ := c.Requirement(aims.Ref{Framework: to.ID, ID: p.Target})
		if src == nil || dst == nil {
			return nil, fmt.Errorf("crosswalk %s pair %d names a requirement that does not exist", cw.ID, i)
		}
		rel, ns := oscalRelationship(p.Relationship)
		mp := oscal.Map{
			UUID: oscalUUID("map", cw.ID, p.Source, p.Target), Relationship: rel, Ns: ns,
			Sources: []oscal.MappingItem{{Type: "control", IDRef: OSCALID(src.Kind, src.ID), Props: props(oscal.Property{Name: "label", Value: src.ID})}},
			Targets: []oscal.MappingItem{{Type: "control", IDRef: OSCALID(dst.Kind, dst.ID), Props: props(oscal.Property{Name: "label", Value: dst.ID})}},
			Remarks: strings.TrimSpace(p.Rationale + "\n\n" + p.Flag),
			Props:   props(prop("source-reading", p.SourceReading)),
		}
		if p.Flag != "" {
			mp.Props = props(prop("flag", "corrected"), prop("source-reading", p.SourceReading))
		}
		m.Maps = append(m.Maps, mp)
	}
	mc := &oscal.MappingCollection{
		UUID: oscalUUID("mapping-collection", cw.ID),
		Metadata: oscal.Metadata{Title: cw.Title, Version: "1", OscalVersion: OSCALVersion, LastModified: now.UTC().Truncate(time.Second),
			Props: props(prop("crosswalk-id", cw.ID), prop("official", official)), Remarks: strings.TrimSpace(cw.Source + "\n\n" + cw.Note)},
		Provenance: oscal.MappingProvenance{MappingDescription: cw.Title, MatchingRationale: "semantic", Method: "human", Status: "complete",
			Remarks: cw.Note},
		Mappings: m,
		BackMatter: &oscal.BackMatter{Resources: &[]oscal.Resource{
			{UUID: fromUUID, Title: from.Title, Props: props(prop("framework-id", from.ID))},
			{UUID: toUUID, Title: to.Title, Props: props(prop("framework-id", to.ID))},
		}},
	}
	return encodeOSCAL(oscal.OscalModels{MappingCollection: mc})
}
