package aims

import (
	"net/url"
	"path"
	"strings"
	"time"
)

// Evidence is a piece of documented information that shows a control
// operates (ISO/IEC 42001 7.5, every Annex A control): a file or an
// http(s) link, kept as immutable revisions, linked to the records it
// shows (an AI system, a model version, a dataset, a requirement or SoA
// row, a risk, a treatment action, a document...).
type Evidence struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Kind        string         `json:"kind"` // e.g. validation-report, model-card
	Description string         `json:"description"`
	Links       []EvidenceLink `json:"links"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	// Latest is the newest revision (read, not stored with the row).
	Latest    *EvidenceRevision   `json:"latest,omitempty"`
	Revisions []*EvidenceRevision `json:"revisions,omitempty"`
	// Freshness is derived from the latest revision (rules.EvidenceFreshness).
	Freshness Freshness `json:"freshness,omitempty"`
}

// AuditLabel names the evidence in the audit trail.
func (e *Evidence) AuditLabel() string { return e.Title }

// EvidenceLink names a record the evidence shows, by type and id (no
// foreign key: later kinds of record fit without a schema change). A
// requirement's id is its ref, "iso42001:A.6.2.4".
type EvidenceLink struct {
	Type EvidenceTarget `json:"type"`
	ID   string         `json:"id"`
}

// EvidenceTarget is the kind of record a piece of evidence links to.
type EvidenceTarget string

// The record kinds evidence links to.
const (
	TargetAISystem     EvidenceTarget = "ai_system"
	TargetModelVersion EvidenceTarget = "model_version"
	TargetDataset      EvidenceTarget = "dataset"
	TargetRequirement  EvidenceTarget = "requirement"
	TargetRisk         EvidenceTarget = "risk"
	TargetRiskAction   EvidenceTarget = "risk_action"
	TargetDocument     EvidenceTarget = "document"
)

// EvidenceTargetValues lists the record kinds.
func EvidenceTargetValues() []EvidenceTarget {
	return []EvidenceTarget{TargetAISystem, TargetModelVersion, TargetDataset, TargetRequirement, TargetRisk, TargetRiskAction, TargetDocument}
}

// IsValid reports whether t is a known record kind.
func (t EvidenceTarget) IsValid() bool { return enumValid(t, EvidenceTargetValues()) }

// Title is the kind's name for people.
func (t EvidenceTarget) Title() string {
	switch t {
	case TargetAISystem:
		return "AI system"
	case TargetRiskAction:
		return "Treatment action"
	case TargetRequirement:
		return "Control"
	}
	return titleOf(string(t))
}

// EvidenceSource says whether a revision is a stored file or a link.
type EvidenceSource string

// The sources.
const (
	SourceFile EvidenceSource = "file"
	SourceLink EvidenceSource = "link"
)

// EvidenceSourceValues lists the sources.
func EvidenceSourceValues() []EvidenceSource { return []EvidenceSource{SourceFile, SourceLink} }

// IsValid reports whether s is a known source.
func (s EvidenceSource) IsValid() bool { return enumValid(s, EvidenceSourceValues()) }

// Title is the source's name for people.
func (s EvidenceSource) Title() string { return titleOf(string(s)) }

// EvidenceRevision is one immutable revision of a piece of evidence: the
// file's SHA-256 digest, size, media type and name (the bytes are in the
// blob store), or the link; who or what collected it and when; the period
// it covers and when it expires. Its creation is sealed in the
// organization's log (the digest, not the bytes).
type EvidenceRevision struct {
	ID         string         `json:"id"`
	EvidenceID string         `json:"evidence_id"`
	Number     int            `json:"number"`
	Source     EvidenceSource `json:"source"`
	URL        string         `json:"url,omitempty"`
	Digest     string         `json:"digest,omitempty"` // hex SHA-256 of the file
	Size       int64          `json:"size"`
	MediaType  string         `json:"media_type,omitempty"`
	FileName   string         `json:"file_name,omitempty"`
	// CollectedBy is the account that collected it (through a token when
	// CollectedToken is set); CollectedByLabel names it as the audit trail
	// does.
	CollectedBy      string     `json:"collected_by,omitempty"`
	CollectedToken   string     `json:"collected_token,omitempty"`
	CollectedByLabel string     `json:"collected_by_label"`
	CollectedAt      time.Time  `json:"collected_at"`
	EffectiveFrom    *time.Time `json:"effective_from,omitempty"`
	EffectiveTo      *time.Time `json:"effective_to,omitempty"`
	ExpiresAt        *time.Time `json:"expires_at,omitempty"`
	Note             string     `json:"note,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	// LogIndex is the index of the log leaf that seals the revision.
	LogIndex *int64 `json:"log_index,omitempty"`
	// AuditEventID is the audit event whose leaf seals it (its proof).
	AuditEventID string `json:"audit_event_id,omitempty"`
}

// AuditLabel names the revision in the audit trail.
func (r *EvidenceRevision) AuditLabel() string {
	if r.FileName != "" {
		return r.FileName + " (revision " + itoa(r.Number) + ")"
	}
	return r.URL + " (revision " + itoa(r.Number) + ")"
}

// EvidenceUpload is what a client sends with a new revision: which
// evidence it belongs to (an id, or a kind and links that find or make
// one), and the revision's metadata. The file itself streams apart.
type EvidenceUpload struct {
	EvidenceID    string         `json:"evidence_id,omitempty"`
	Title         string         `json:"title,omitempty"`
	Kind          string         `json:"kind,omitempty"`
	Description   string         `json:"description,omitempty"`
	Links         []EvidenceLink `json:"links,omitempty"`
	URL           string         `json:"url,omitempty"`
	FileName      string         `json:"file_name,omitempty"`
	MediaType     string         `json:"media_type,omitempty"`
	Digest        string         `json:"digest,omitempty"` // the client's SHA-256, checked
	CollectedAt   *time.Time     `json:"collected_at,omitempty"`
	EffectiveFrom *time.Time     `json:"effective_from,omitempty"`
	EffectiveTo   *time.Time     `json:"effective_to,omitempty"`
	ExpiresAt     *time.Time     `json:"expires_at,omitempty"`
	Note          string         `json:"note,omitempty"`
}

// Normalize tidies the upload: text trimmed, kind in lower case, the file
// name reduced to its last element (a path traversal is neutralised),
// links sorted and without repeats, times in UTC to the microsecond.
func (u *EvidenceUpload) Normalize() {
	u.EvidenceID = CleanText(u.EvidenceID)
	u.Title = CleanText(u.Title)
	u.Kind = strings.ToLower(CleanText(u.Kind))
	u.Description = CleanText(u.Description)
	u.URL = CleanText(u.URL)
	u.FileName = SafeFileName(u.FileName)
	u.MediaType = strings.ToLower(CleanText(u.MediaType))
	u.Digest = strings.ToLower(strings.TrimPrefix(CleanText(u.Digest), "sha256:"))
	u.Note = CleanText(u.Note)
	// Cleaned in the order given, so that a field error's index names the
	// link as it was sent; the store sorts them.
	u.Links = cleanLinks(u.Links)
	for _, t := range []**time.Time{&u.CollectedAt, &u.EffectiveFrom, &u.EffectiveTo, &u.ExpiresAt} {
		if *t != nil {
			v := (*t).UTC().Truncate(time.Microsecond)
			*t = &v
		}
	}
	if u.Title == "" && u.Kind != "" {
		u.Title = titleOf(strings.ReplaceAll(u.Kind, "-", "_"))
	}
}

// NormalizeLinks trims, sorts and de-duplicates links.
func NormalizeLinks(in []EvidenceLink) []EvidenceLink {
	out := cleanLinks(in)
	sortLinks(out)
	return out
}

// cleanLinks trims and de-duplicates links, in their order.
func cleanLinks(in []EvidenceLink) []EvidenceLink {
	out := []EvidenceLink{}
	seen := map[EvidenceLink]bool{}
	for _, l := range in {
		l.Type = EvidenceTarget(strings.ToLower(CleanText(string(l.Type))))
		l.ID = CleanText(l.ID)
		if seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, l)
	}
	return out
}

func sortLinks(ls []EvidenceLink) {
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && linkLess(ls[j], ls[j-1]); j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

func linkLess(a, b EvidenceLink) bool {
	if a.Type != b.Type {
		return a.Type < b.Type
	}
	return a.ID < b.ID
}

// SafeFileName keeps a file name's last element, without directories,
// control characters or a leading dot: "../../etc/passwd" is "passwd".
func SafeFileName(name string) string {
	name = CleanText(strings.ReplaceAll(name, "\\", "/"))
	name = path.Base(path.Clean("/" + name))
	name = strings.TrimLeft(name, ".")
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			continue
		}
		b.WriteRune(r)
	}
	name = b.String()
	if name == "/" {
		return ""
	}
	if len(name) > 255 {
		name = name[:255]
	}
	return name
}

// Validate checks the upload's fields; file is true when bytes come with it.
func (u *EvidenceUpload) Validate(file bool) error {
	var v Validation
	if u.EvidenceID == "" {
		v.Required("kind", u.Kind)
	}
	v.MaxLen("title", u.Title, 300)
	v.MaxLen("kind", u.Kind, 80)
	if u.Kind != "" && !kindPattern(u.Kind) {
		v.Add("kind", "use lower-case letters, digits and hyphens (e.g. validation-report)")
	}
	v.MaxLen("description", u.Description, 20000)
	v.MaxLen("note", u.Note, 20000)
	v.Text("title", u.Title)
	v.Text("description", u.Description)
	v.Text("note", u.Note)
	if len(u.Links) > 50 {
		v.Add("links", "at most 50 links")
	}
	for i, l := range u.Links {
		f := "links/" + itoa(i)
		if !l.Type.IsValid() {
			v.Add(f+"/type", "must be one of %s", joinValues(EvidenceTargetValues()))
		}
		if l.ID == "" {
			v.Add(f+"/id", "is required")
		}
		v.MaxLen(f+"/id", l.ID, 200)
		if l.Type == TargetRequirement {
			if _, ok := ParseRef(l.ID); !ok {
				v.Add(f+"/id", "name a control as framework:id, e.g. iso42001:A.6.2.4")
			}
		}
	}
	switch {
	case file && u.URL != "":
		v.Add("url", "send a file or a link, not both")
	case !file && u.URL == "":
		v.Add("url", "send a file, or an http(s) link to the evidence")
	case u.URL != "":
		v.MaxLen("url", u.URL, 2000)
		if p, err := url.Parse(u.URL); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			v.Add("url", "must be an http or https link")
		}
	}
	if u.Digest != "" && !file {
		v.Add("digest", "a digest is given only with a file")
	}
	if u.Digest != "" && !validSHA256(u.Digest) {
		v.Add("digest", "must be a SHA-256 digest in lower-case hex (64 characters)")
	}
	v.MaxLen("media_type", u.MediaType, 200)
	if u.EffectiveFrom != nil && u.EffectiveTo != nil && u.EffectiveTo.Before(*u.EffectiveFrom) {
		v.Add("effective_to", "must not be before effective_from")
	}
	return v.Err()
}

func kindPattern(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return s != "" && s[0] != '-'
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Freshness is how current a control's or a record's evidence is.
type Freshness string

// The freshness states (rules.EvidenceFreshness decides).
const (
	FreshCurrent  Freshness = "current"
	FreshExpiring Freshness = "expiring"
	FreshExpired  Freshness = "expired"
	FreshMissing  Freshness = "missing"
)

// FreshnessValues lists the states, best first.
func FreshnessValues() []Freshness {
	return []Freshness{FreshCurrent, FreshExpiring, FreshExpired, FreshMissing}
}

// IsValid reports whether f is a known state.
func (f Freshness) IsValid() bool { return enumValid(f, FreshnessValues()) }

// Title is the state's name for people.
func (f Freshness) Title() string {
	switch f {
	case FreshExpiring:
		return "Expiring soon"
	}
	return titleOf(string(f))
}

// EvidenceFilter selects evidence.
type EvidenceFilter struct {
	Search    string
	Kind      string
	Target    EvidenceTarget // with TargetID: evidence linked to this record
	TargetID  string
	Digest    string
	Freshness Freshness
	Sort      string
	Page
}

// EvidenceRequirement is what an organization expects to show an
// applicable control (per system for system-level controls): a kind of
// uploaded evidence no older than MaxAgeDays, or a set of aims' own
// records (live evidence) whose newest record must be that fresh.
type EvidenceRequirement struct {
	ID          string    `json:"id"`
	Requirement string    `json:"requirement"` // "iso42001:A.6.2.4"
	SystemID    string    `json:"system_id,omitempty"`
	Kind        string    `json:"kind,omitempty"`
	Live        LiveSet   `json:"live,omitempty"`
	MaxAgeDays  int       `json:"max_age_days"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// AuditLabel names the requirement in the audit trail.
func (r *EvidenceRequirement) AuditLabel() string {
	if r.Live != "" {
		return r.Requirement + ": " + r.Live.Title()
	}
	return r.Requirement + ": " + r.Kind
}

// Normalize tidies the fields.
func (r *EvidenceRequirement) Normalize() {
	r.Requirement = CleanText(r.Requirement)
	r.SystemID = CleanText(r.SystemID)
	r.Kind = strings.ToLower(CleanText(r.Kind))
}

// Validate checks the fields.
func (r *EvidenceRequirement) Validate() error {
	var v Validation
	if _, ok := ParseRef(r.Requirement); !ok {
		v.Add("requirement", "name a control as framework:id, e.g. iso42001:A.6.2.4")
	}
	switch {
	case r.Kind == "" && r.Live == "":
		v.Add("kind", "name the kind of evidence, or a set of aims' own records (live)")
	case r.Kind != "" && r.Live != "":
		v.Add("live", "name either a kind of uploaded evidence or a set of records, not both")
	case r.Kind != "" && !kindPattern(r.Kind):
		v.Add("kind", "use lower-case letters, digits and hyphens (e.g. validation-report)")
	case r.Live != "" && !r.Live.IsValid():
		v.Add("live", "must be one of %s", joinValues(LiveSetValues()))
	}
	if r.MaxAgeDays < 0 || r.MaxAgeDays > 3660 {
		v.Add("max_age_days", "must be between 0 (no limit) and 3660")
	}
	return v.Err()
}

// LiveSet is a closed set of aims' own records that can show a control
// operates (live evidence), each with the control it usually serves.
type LiveSet string

// The record sets.
const (
	LiveDecisions       LiveSet = "decisions"       // decision event log, A.6.2.8
	LiveLineage         LiveSet = "lineage"         // lineage and calibration, A.7.4, A.7.5
	LiveImpact          LiveSet = "impact"          // impact assessments, A.5
	LiveInventory       LiveSet = "inventory"       // the AI system inventory, A.4
	LiveClassifications LiveSet = "classifications" // EU AI Act classifications
	LiveRiskTreatment   LiveSet = "risk_treatment"  // risk treatment actions, 6.1.3, 8.3
	LiveSoAApprovals    LiveSet = "soa_approvals"   // approved SoA versions, 6.1.3
)

// LiveSetValues lists the record sets.
func LiveSetValues() []LiveSet {
	return []LiveSet{LiveDecisions, LiveLineage, LiveImpact, LiveInventory, LiveClassifications, LiveRiskTreatment, LiveSoAApprovals}
}

// IsValid reports whether s is a known record set.
func (s LiveSet) IsValid() bool { return enumValid(s, LiveSetValues()) }

// Title is the set's name for people.
func (s LiveSet) Title() string {
	switch s {
	case LiveDecisions:
		return "Decision event log"
	case LiveLineage:
		return "Lineage and calibration records"
	case LiveImpact:
		return "Impact assessments"
	case LiveInventory:
		return "AI system inventory"
	case LiveClassifications:
		return "EU AI Act classifications"
	case LiveRiskTreatment:
		return "Risk treatment actions"
	case LiveSoAApprovals:
		return "SoA approvals"
	}
	return titleOf(string(s))
}

// ControlEvidence is what shows one control: its expectations, each with
// its freshness, the evidence linked to it, and the control's overall
// freshness (the worst expectation's, or the best linked evidence's when
// nothing is expected).
type ControlEvidence struct {
	Requirement  string              `json:"requirement"`
	Expectations []ExpectationStatus `json:"expectations"`
	Evidence     []*Evidence         `json:"evidence"`
	// EvidenceCount is how many pieces of evidence are linked to the
	// control (the SoA page counts them without listing Evidence).
	EvidenceCount int       `json:"evidence_count"`
	Freshness     Freshness `json:"freshness"`
	ByOwnRecords  bool      `json:"by_own_records"`
	ByUploads     bool      `json:"by_uploads"`
}

// ExpectationStatus is one evidence requirement and how it stands.
type ExpectationStatus struct {
	EvidenceRequirement
	Freshness Freshness  `json:"freshness"`
	Newest    *time.Time `json:"newest,omitempty"` // the newest revision or record
}

// ScopeEvidenceWrite is the token scope of a CI pipeline: it may add
// evidence (for the systems named on the token, when any) and nothing else.
const ScopeEvidenceWrite = "evidence:write"

// EntityEvidence and EntityEvidenceRevision are the evidence records'
// entity types in the audit trail.
const (
	EntityEvidence            = "evidence"
	EntityEvidenceRevision    = "evidence_revision"
	EntityEvidenceRequirement = "evidence_requirement"
)
