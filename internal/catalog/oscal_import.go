package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// MaxImportedRequirements bounds an imported catalog (NIST SP 800-53 rev. 5
// has about 1,200 controls and enhancements).
const MaxImportedRequirements = 20000

var tokenPattern = regexp.MustCompile(`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`)

// FrameworkIDPattern is what an imported framework's id must look like.
var FrameworkIDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,62}$`)

// ParseOSCALCatalog reads an OSCAL catalog (JSON) as a framework. Every
// problem is reported at once as a field error whose name is the JSON path
// in the file ("catalog/groups/2/controls/0/id"); a caller that gets an
// error imports nothing. The framework's id comes from aims' framework-id
// prop when the file was exported by aims, else from its title.
func ParseOSCALCatalog(data []byte) (*aims.Framework, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, syntaxProblem(data, err)
	}
	p := &oscalParser{seen: map[string]string{}, seenLabel: map[string]string{}}
	root, ok := doc.(map[string]any)
	if !ok {
		p.add("", "an OSCAL document is a JSON object")
		return nil, p.err()
	}
	cat, ok := root["catalog"].(map[string]any)
	if !ok {
		for _, other := range []string{"profile", "mapping-collection", "component-definition", "system-security-plan"} {
			if _, is := root[other]; is {
				p.add(other, "this is an OSCAL %s, not a catalog: import a catalog", other)
				return nil, p.err()
			}
		}
		p.add("catalog", "is required: the file must hold an OSCAL catalog")
		return nil, p.err()
	}
	fw := p.catalog(cat)
	if err := p.err(); err != nil {
		return nil, err
	}
	return fw, nil
}

func syntaxProblem(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	offset := int64(-1)
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	case errors.Is(err, io.ErrUnexpectedEOF):
		offset = int64(len(data))
	}
	detail := "the file is not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
	if offset >= 0 {
		line := 1 + bytes.Count(data[:min(int(offset), len(data))], []byte("\n"))
		col := int(offset) - bytes.LastIndexByte(data[:min(int(offset), len(data))], '\n') - 1
		detail += fmt.Sprintf(" (line %d, column %d)", line, col)
	}
	return &aims.Error{Kind: aims.KindInvalid, Message: "the OSCAL file could not be read; nothing was imported",
		Fields: []aims.FieldError{{Field: "", Detail: detail}}}
}

type oscalParser struct {
	problems  []aims.FieldError
	fw        *aims.Framework
	seen      map[string]string // OSCAL id -> path
	seenLabel map[string]string // display id -> path
	groups    int
}

func (p *oscalParser) add(path, format string, args ...any) {
	if len(p.problems) < 200 {
		p.problems = append(p.problems, aims.FieldError{Field: path, Detail: fmt.Sprintf(format, args...)})
	}
}

func (p *oscalParser) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	return &aims.Error{Kind: aims.KindInvalid, Message: fmt.Sprintf("the OSCAL catalog has %d problem(s); nothing was imported", len(p.problems)), Fields: p.problems}
}

func join(path string, elem any) string {
	s := fmt.Sprint(elem)
	if path == "" {
		return s
	}
	return path + "/" + s
}

// str reads an optional string member.
func (p *oscalParser) str(obj map[string]any, path, key string, required bool) string {
	v, ok := obj[key]
	if !ok {
		if required {
			p.add(join(path, key), "is required")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.add(join(path, key), "must be a string")
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		p.add(join(path, key), "must not be empty")
	}
	// A NUL cannot be stored on PostgreSQL, and no control character
	// belongs in a catalog's text (found by FuzzParseOSCALCatalog).
	if problem := aims.TextProblem(s, aims.TextFree); problem != "" {
		p.add(join(path, key), "%s", problem)
		return ""
	}
	return aims.CleanText(s)
}

// list reads an optional array of objects.
func (p *oscalParser) list(obj map[string]any, path, key string) []map[string]any {
	v, ok := obj[key]
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		p.add(join(path, key), "must be an array")
		return nil
	}
	out := make([]map[string]any, 0, len(arr))
	for i, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			p.add(join(join(path, key), i), "must be an object")
			m = map[string]any{}
		}
		out = append(out, m)
	}
	return out
}

type oscalProp struct{ name, ns, value, class string }

func (p *oscalParser) props(obj map[string]any, path string) []oscalProp {
	var out []oscalProp
	for i, m := range p.list(obj, path, "props") {
		pp := join(join(path, "props"), i)
		pr := oscalProp{name: p.str(m, pp, "name", true), ns: p.str(m, pp, "ns", false), value: p.str(m, pp, "value", true), class: p.str(m, pp, "class", false)}
		out = append(out, pr)
	}
	return out
}

// aimsProps returns the values of aims' prop name, or of an un-namespaced
// "label" prop (OSCAL's own, as NIST catalogs use it); the first without a
// class wins.
func aimsProps(ps []oscalProp, name string) []string {
	var plain, classed []string
	for _, pr := range ps {
		ours := pr.ns == OSCALNamespace
		if pr.name == name && (ours || name == "label" && pr.ns == "") {
			if pr.class == "" {
				plain = append(plain, pr.value)
			} else {
				classed = append(classed, pr.value)
			}
		}
	}
	return append(plain, classed...)
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func (p *oscalParser) catalog(cat map[string]any) *aims.Framework {
	p.str(cat, "catalog", "uuid", true)
	meta, ok := cat["metadata"].(map[string]any)
	if !ok {
		if _, present := cat["metadata"]; present {
			p.add("catalog/metadata", "must be an object")
		} else {
			p.add("catalog/metadata", "is required")
		}
		meta = map[string]any{}
	}
	fw := &aims.Framework{Imported: true}
	p.fw = fw
	fw.Title = p.str(meta, "catalog/metadata", "title", true)
	fw.Version = p.str(meta, "catalog/metadata", "version", true)
	p.str(meta, "catalog/metadata", "oscal-version", true)
	remarks := p.str(meta, "catalog/metadata", "remarks", false)
	mp := p.props(meta, "catalog/metadata")
	fw.ID = first(aimsProps(mp, "framework-id"))
	fw.ShortTitle = first(aimsProps(mp, "short-title"))
	fw.Publisher = first(aimsProps(mp, "publisher"))
	fw.CoverageKinds = aimsProps(mp, "coverage-kind")
	fw.SoAKinds = aimsProps(mp, "soa-kind")
	fw.Source = remarks
	if fw.ShortTitle == "" {
		fw.ShortTitle = fw.Title
	}
	if len(fw.CoverageKinds) == 0 {
		fw.CoverageKinds = []string{"control"}
	}
	if len(fw.SoAKinds) == 0 {
		fw.SoAKinds = []string{"control"}
	}
	for i, g := range p.list(cat, "catalog", "groups") {
		p.group(g, join("catalog/groups", i), "", 1)
	}
	for i, c := range p.list(cat, "catalog", "controls") {
		p.control(c, join("catalog/controls", i), "", 1)
	}
	if len(p.problems) == 0 && !hasControl(fw) {
		p.add("catalog", "holds no controls: nothing to import")
	}
	if len(fw.Requirements) > MaxImportedRequirements {
		p.add("catalog", "holds %d controls and groups, more than the %d aims imports", len(fw.Requirements), MaxImportedRequirements)
	}
	return fw
}

func hasControl(fw *aims.Framework) bool {
	for _, r := range fw.Requirements {
		if fw.IsSoAKind(r.Kind) || fw.IsCoverageKind(r.Kind) {
			return true
		}
	}
	return false
}

func (p *oscalParser) checkID(path, id string, required bool) {
	if id == "" {
		if required {
			return // str has reported it
		}
		return
	}
	if !tokenPattern.MatchString(id) {
		p.add(join(path, "id"), "%q is not an OSCAL token: it must start with a letter or underscore and hold only letters, digits, '.', '-' and '_'", id)
		return
	}
	if prev, dup := p.seen[id]; dup {
		p.add(join(path, "id"), "id %q is used twice (first at %s)", id, prev)
	}
	p.seen[id] = join(path, "id")
}

func (p *oscalParser) requirement(obj map[string]any, path, parent, defaultKind string, required bool) *aims.Requirement {
	id := p.str(obj, path, "id", required)
	p.checkID(path, id, required)
	title := p.str(obj, path, "title", true)
	ps := p.props(obj, path)
	r := &aims.Requirement{Parent: parent, Title: title, Kind: first(aimsProps(ps, "kind")), Citation: first(aimsProps(ps, "citation"))}
	if r.Kind == "" {
		r.Kind = defaultKind
	}
	r.ID = first(aimsProps(ps, "label"))
	if r.ID == "" {
		r.ID = id
	}
	if r.ID == "" {
		p.groups++
		r.ID = "group-" + strconv.Itoa(p.groups)
	}
	for _, role := range aimsProps(ps, "operator-role") {
		r.Roles = append(r.Roles, aims.OperatorRole(role))
	}
	if prev, dup := p.seenLabel[r.ID]; dup && id != "" {
		p.add(join(path, "props"), "label %q is used twice (first at %s)", r.ID, prev)
	}
	p.seenLabel[r.ID] = path
	p.parts(obj, path, r)
	p.fw.Requirements = append(p.fw.Requirements, r)
	return r
}

func (p *oscalParser) group(g map[string]any, path, parent string, depth int) {
	if depth > 12 {
		p.add(path, "groups nest deeper than 12 levels")
		return
	}
	r := p.requirement(g, path, parent, "group", false)
	for i, sub := range p.list(g, path, "groups") {
		p.group(sub, join(join(path, "groups"), i), r.ID, depth+1)
	}
	for i, c := range p.list(g, path, "controls") {
		p.control(c, join(join(path, "controls"), i), r.ID, depth+1)
	}
}

func (p *oscalParser) control(c map[string]any, path, parent string, depth int) {
	if depth > 12 {
		p.add(path, "controls nest deeper than 12 levels")
		return
	}
	r := p.requirement(c, path, parent, "control", true)
	for i, sub := range p.list(c, path, "controls") {
		p.control(sub, join(join(path, "controls"), i), r.ID, depth+1)
	}
}

// parts reads the statement (as the requirement's text, nested items
// flattened with their labels) and the guidance.
func (p *oscalParser) parts(obj map[string]any, path string, r *aims.Requirement) {
	for i, part := range p.list(obj, path, "parts") {
		pp := join(join(path, "parts"), i)
		name := p.str(part, pp, "name", true)
		switch name {
		case "statement":
			r.Text = strings.TrimSpace(p.prose(part, pp))
		case "guidance":
			g := &aims.Guidance{Asks: p.str(part, pp, "prose", false)}
			for j, sub := range p.list(part, pp, "parts") {
				sp := join(join(pp, "parts"), j)
				switch p.str(sub, sp, "name", true) {
				case "evidence":
					g.Evidence = p.str(sub, sp, "prose", false)
				case "records":
					g.Records = p.str(sub, sp, "prose", false)
				default:
					g.Asks = strings.TrimSpace(g.Asks + "\n" + p.prose(sub, sp))
				}
			}
			if g.Asks != "" || g.Evidence != "" || g.Records != "" {
				r.Guidance = g
			}
		default:
			p.list(part, pp, "parts") // checked for shape only
		}
	}
}

// prose flattens a part and its sub-parts into text, one item a line,
// each prefixed with its label.
func (p *oscalParser) prose(part map[string]any, path string) string {
	var b strings.Builder
	if label := first(aimsProps(p.props(part, path), "label")); label != "" {
		b.WriteString(label + " ")
	}
	b.WriteString(p.str(part, path, "prose", false))
	for i, sub := range p.list(part, path, "parts") {
		if s := strings.TrimSpace(p.prose(sub, join(join(path, "parts"), i))); s != "" {
			b.WriteString("\n" + s)
		}
	}
	return strings.TrimSpace(b.String())
}
