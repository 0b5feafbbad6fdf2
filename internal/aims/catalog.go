package aims

import "strings"

// Framework is a catalog of requirements an organization answers to:
// ISO/IEC 42001 (clauses and Annex A controls), the NIST AI RMF, the EU AI
// Act, or a catalog imported from OSCAL (an ISO 27001 control set, NIST SP
// 800-53).
type Framework struct {
	ID         string `json:"id"` // "iso42001", "nist-ai-rmf", "eu-ai-act", or an imported catalog's key
	Title      string `json:"title"`
	ShortTitle string `json:"short_title"`
	Version    string `json:"version"`
	Publisher  string `json:"publisher"`
	// Source says where the IDs, titles and texts come from.
	Source string `json:"source"`
	// Licence says what may be shipped and under which terms.
	Licence string `json:"licence"`
	// Imported is true for catalogs an organization imported.
	Imported bool `json:"imported"`
	// CoverageKinds are the requirement kinds counted in coverage
	// ("control", "subcategory", "obligation").
	CoverageKinds []string `json:"coverage_kinds"`
	// SoAKinds are the requirement kinds that can be rows of the Statement
	// of Applicability.
	SoAKinds     []string           `json:"soa_kinds"`
	Requirements []*Requirement     `json:"requirements"`
	Dates        []*ApplicationDate `json:"dates,omitempty"`
}

// AuditLabel names the framework in the audit trail.
func (f *Framework) AuditLabel() string { return f.ID }

// IsCoverageKind reports whether requirements of kind count in coverage.
func (f *Framework) IsCoverageKind(kind string) bool { return containsString(f.CoverageKinds, kind) }

// IsSoAKind reports whether requirements of kind can be SoA rows.
func (f *Framework) IsSoAKind(kind string) bool { return containsString(f.SoAKinds, kind) }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Requirement is one clause, control, objective, subcategory, obligation or
// other item of a framework. ID is the display form the framework itself
// uses ("A.6.2.8", "GOVERN 1.1", "Art. 12"); OSCAL exports derive a token
// from it and keep the display form in a label.
type Requirement struct {
	ID     string `json:"id"`
	Parent string `json:"parent,omitempty"`
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	// Text is the requirement's own text where it may be shipped (NIST, public
	// domain), our summary (EU AI Act), or an imported catalog's statement.
	// It is empty for ISO/IEC 42001, whose text is copyrighted.
	Text string `json:"text,omitempty"`
	// Guidance is ours: what it asks in plain words, the evidence that
	// usually shows it, and the records in aims that serve it.
	Guidance *Guidance `json:"guidance,omitempty"`
	// Roles are the operator roles an EU AI Act obligation binds.
	Roles    []OperatorRole `json:"roles,omitempty"`
	Citation string         `json:"citation,omitempty"`
}

// Guidance is the aims project's own explanation of a requirement.
type Guidance struct {
	Asks     string `json:"asks"`
	Evidence string `json:"evidence,omitempty"`
	Records  string `json:"records,omitempty"`
}

// ApplicationDate is a date from which part of a regulation applies, kept as
// data with its legal basis and status because amendments may move it (EU AI
// Act Art. 113; the proposed Digital Omnibus on AI).
type ApplicationDate struct {
	Date    Date   `json:"date"`
	Applies string `json:"applies"`
	// Scope narrows the date to one route to high risk, where the Act sets
	// different dates for the same articles: DateScopeAnnexIII (Art. 6(2))
	// or DateScopeAnnexI (Art. 6(1)). Empty means any system the listed
	// requirements apply to.
	Scope        string   `json:"scope,omitempty"`
	Requirements []string `json:"requirements,omitempty"`
	LegalBasis   string   `json:"legal_basis"`
	// Status is "adopted" (in the Official Journal) or "proposed".
	Status string `json:"status"`
}

// The scopes of an application date.
const (
	DateScopeAnnexIII = "annex-iii" // high-risk under Art. 6(2) and Annex III
	DateScopeAnnexI   = "annex-i"   // high-risk under Art. 6(1) and Annex I
)

// Relationship says how a crosswalk's source requirement relates to its
// target, in the sense of OSCAL mapping relationships.
type Relationship string

// The relationships. Subset means the source asks for part of what the
// target asks; superset the reverse.
const (
	RelEqual      Relationship = "equal"
	RelSubset     Relationship = "subset"
	RelSuperset   Relationship = "superset"
	RelIntersects Relationship = "intersects"
	RelRelated    Relationship = "related"
)

// RelationshipValues lists the relationships, strongest first.
func RelationshipValues() []Relationship {
	return []Relationship{RelEqual, RelSubset, RelSuperset, RelIntersects, RelRelated}
}

// IsValid reports whether r is a known relationship.
func (r Relationship) IsValid() bool { return enumValid(r, RelationshipValues()) }

// Inverse is the relationship read from target to source.
func (r Relationship) Inverse() Relationship {
	switch r {
	case RelSubset:
		return RelSuperset
	case RelSuperset:
		return RelSubset
	}
	return r
}

// Then composes r with the next step of a path: equal passes the other
// through; two subsets make a subset, two supersets a superset; anything
// else only says the two ends are related.
func (r Relationship) Then(next Relationship) Relationship {
	switch {
	case r == RelEqual:
		return next
	case next == RelEqual:
		return r
	case r == next && (r == RelSubset || r == RelSuperset):
		return r
	}
	return RelRelated
}

// Title is the relationship's name for people.
func (r Relationship) Title() string { return titleOf(string(r)) }

// Crosswalk maps the requirements of one framework to another's.
type Crosswalk struct {
	ID     string `json:"id"` // "nist-ai-rmf_iso42001"
	Title  string `json:"title"`
	From   string `json:"from"` // framework id of the sources
	To     string `json:"to"`   // framework id of the targets
	Source string `json:"source"`
	// Official is false for crosswalks of our own reading.
	Official bool       `json:"official"`
	Note     string     `json:"note,omitempty"`
	Pairs    []*Mapping `json:"pairs"`
}

// Mapping is one pair of a crosswalk.
type Mapping struct {
	ID           string       `json:"id,omitempty"` // set for an organization's own mappings
	From         string       `json:"from,omitempty"`
	To           string       `json:"to,omitempty"`
	Source       string       `json:"source"` // requirement id in From
	Target       string       `json:"target"` // requirement id in To
	Relationship Relationship `json:"relationship"`
	Rationale    string       `json:"rationale,omitempty"`
	// Flag says what was wrong with the source's row and how it was read.
	Flag string `json:"flag,omitempty"`
	// SourceReading is what the source printed, when a flagged pair was
	// corrected to another requirement.
	SourceReading string `json:"source_reading,omitempty"`
}

// AuditLabel names an organization's own mapping in the audit trail.
func (m *Mapping) AuditLabel() string {
	return m.From + ":" + m.Source + " -> " + m.To + ":" + m.Target
}

// Ref names a requirement across frameworks: "iso42001:A.6.2.8".
type Ref struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
}

// String writes the ref as "framework:id".
func (r Ref) String() string { return r.Framework + ":" + r.ID }

// ParseRef reads "framework:id".
func ParseRef(s string) (Ref, bool) {
	fw, id, ok := strings.Cut(CleanText(s), ":")
	if !ok || fw == "" || id == "" {
		return Ref{}, false
	}
	return Ref{Framework: fw, ID: id}, true
}

// RequirementText is an organization's own copy of a requirement's text
// (for ISO/IEC 42001, imported by an organization that owns the standard).
// It is shown beside our guidance and exported only when asked.
type RequirementText struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
	Text      string `json:"text"`
}

// AuditLabel names the text in the audit trail.
func (t *RequirementText) AuditLabel() string { return t.Framework + ":" + t.ID }

// Entity types of the catalog and SoA records in the audit trail.
const (
	EntityFramework       = "framework"
	EntityRequirementText = "requirement_text"
	EntityMapping         = "mapping"
	EntitySoAVersion      = "soa_version"
	EntitySoARow          = "soa_row"
)
