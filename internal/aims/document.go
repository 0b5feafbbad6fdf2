package aims

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The audit trail's names for documents, their versions and the
// acknowledgements of a version.
const (
	EntityDocument        = "document"
	EntityDocumentVersion = "document_version"
	EntityAcknowledgement = "document_acknowledgement"
)

// Document is a piece of controlled documented information: the AI policy,
// the scope statement, procedures, work instructions, records of meetings,
// templates (ISO/IEC 42001 7.5.2 creating and updating, 7.5.3 control). Its
// content lives in versions; the document holds who owns it, what it is,
// who may see it, when it is next reviewed and what it serves.
type Document struct {
	ID                   string                 `json:"id"`
	Title                string                 `json:"title"`
	Type                 DocumentType           `json:"doc_type"`
	Classification       DocumentClassification `json:"classification"`
	OwnerID              string                 `json:"owner_id"`
	OwnerName            string                 `json:"owner_name,omitempty"`
	ReviewIntervalMonths int                    `json:"review_interval_months"`
	NextReview           *Date                  `json:"next_review,omitempty"`
	Requirements         []string               `json:"requirements" doc:"Requirement ids it serves, like iso42001:5.2"`
	SystemIDs            []string               `json:"system_ids" doc:"AI systems it applies to"`
	Processes            []string               `json:"processes" doc:"Processes it applies to"`
	Sites                []string               `json:"sites" doc:"Scope statement: the sites in scope"`
	BusinessUnits        []string               `json:"business_units" doc:"Scope statement: the business units in scope"`
	AIRoles              []OperatorRole         `json:"ai_roles" doc:"Scope statement: the organization's roles for AI (EU AI Act operator roles)"`
	Interfaces           []SystemInterface      `json:"interfaces" doc:"Scope statement: the other management systems it works with"`
	CreatedAt            time.Time              `json:"created_at"`
	UpdatedAt            time.Time              `json:"updated_at"`
	// Read, not written: the current approved version and the newest.
	Current       string         `json:"current_version,omitempty" doc:"The approved version in force, like 1.2"`
	Latest        string         `json:"latest_version,omitempty"`
	LatestStatus  DocumentStatus `json:"latest_status,omitempty"`
	OverdueReview bool           `json:"overdue_review,omitempty"`
}

// AuditLabel names the document in the audit trail.
func (d *Document) AuditLabel() string { return d.Title }

// SystemInterface is another management system the AIMS works with, and
// how (4.3: the AI controls extend it rather than duplicate it).
type SystemInterface struct {
	Standard ManagementStandard `json:"standard" enum:"iso9001,iso27001,iso27701,iso50001,iec62443,other"`
	Note     string             `json:"note"`
}

// Normalize trims the fields and fills empty lists.
func (d *Document) Normalize() {
	d.Title = CleanText(d.Title)
	d.OwnerID = CleanText(d.OwnerID)
	d.Requirements = cleanList(d.Requirements)
	d.SystemIDs = cleanList(d.SystemIDs)
	d.Processes = cleanList(d.Processes)
	d.Sites = cleanList(d.Sites)
	d.BusinessUnits = cleanList(d.BusinessUnits)
	if d.AIRoles == nil {
		d.AIRoles = []OperatorRole{}
	}
	if d.Interfaces == nil {
		d.Interfaces = []SystemInterface{}
	}
	for i := range d.Interfaces {
		d.Interfaces[i].Note = CleanText(d.Interfaces[i].Note)
	}
	if d.Classification == "" {
		d.Classification = ClassInternal
	}
}

// Validate checks the fields a person enters.
func (d *Document) Validate() error {
	var v Validation
	v.Required("title", d.Title)
	v.MaxLen("title", d.Title, 200)
	if !d.Type.IsValid() {
		v.Add("doc_type", "must be one of %s", joinValues(DocumentTypeValues()))
	}
	if !d.Classification.IsValid() {
		v.Add("classification", "must be one of %s", joinValues(DocumentClassificationValues()))
	}
	v.Required("owner_id", d.OwnerID)
	if d.ReviewIntervalMonths < 0 || d.ReviewIntervalMonths > 60 {
		v.Add("review_interval_months", "must be between 0 (no periodic review) and 60")
	}
	for i, r := range d.Requirements {
		if fw, id, ok := strings.Cut(r, ":"); !ok || fw == "" || id == "" || strings.ContainsAny(r, " ;") {
			v.Add("requirements/"+strconv.Itoa(i), "write a requirement id as framework:id, like iso42001:5.2")
		}
	}
	validateList(&v, "requirements", d.Requirements, 200, 100)
	validateList(&v, "processes", d.Processes, 50, 200)
	validateList(&v, "sites", d.Sites, 50, 200)
	validateList(&v, "business_units", d.BusinessUnits, 50, 200)
	if len(d.SystemIDs) > 500 {
		v.Add("system_ids", "at most 500 entries")
	}
	ValidateSet(&v, "ai_roles", d.AIRoles, OperatorRole.IsValid, "operator role")
	seen := map[ManagementStandard]bool{}
	for i, in := range d.Interfaces {
		f := fmt.Sprintf("interfaces/%d", i)
		if !in.Standard.IsValid() {
			v.Add(f+"/standard", "must be one of %s", joinValues(ManagementStandardValues()))
		} else if seen[in.Standard] && in.Standard != StandardOther {
			v.Add(f+"/standard", "is listed twice")
		}
		seen[in.Standard] = true
		v.MaxLen(f+"/note", in.Note, 2000)
	}
	return v.Err()
}

// DocumentUpdate changes some fields of a document; nil means unchanged.
type DocumentUpdate struct {
	Title                *string                 `json:"title,omitempty"`
	Type                 *DocumentType           `json:"doc_type,omitempty"`
	Classification       *DocumentClassification `json:"classification,omitempty"`
	OwnerID              *string                 `json:"owner_id,omitempty"`
	ReviewIntervalMonths *int                    `json:"review_interval_months,omitempty"`
	NextReview           *Date                   `json:"next_review,omitempty" doc:"An empty string clears it"`
	Requirements         *[]string               `json:"requirements,omitempty"`
	SystemIDs            *[]string               `json:"system_ids,omitempty"`
	Processes            *[]string               `json:"processes,omitempty"`
	Sites                *[]string               `json:"sites,omitempty"`
	BusinessUnits        *[]string               `json:"business_units,omitempty"`
	AIRoles              *[]OperatorRole         `json:"ai_roles,omitempty"`
	Interfaces           *[]SystemInterface      `json:"interfaces,omitempty"`
}

// Apply returns a copy of d with the update's fields set.
func (u DocumentUpdate) Apply(d Document) Document {
	set(&d.Title, u.Title)
	set(&d.Type, u.Type)
	set(&d.Classification, u.Classification)
	set(&d.OwnerID, u.OwnerID)
	set(&d.ReviewIntervalMonths, u.ReviewIntervalMonths)
	if u.NextReview != nil {
		d.NextReview = nonZeroDate(*u.NextReview)
	}
	set(&d.Requirements, u.Requirements)
	set(&d.SystemIDs, u.SystemIDs)
	set(&d.Processes, u.Processes)
	set(&d.Sites, u.Sites)
	set(&d.BusinessUnits, u.BusinessUnits)
	set(&d.AIRoles, u.AIRoles)
	set(&d.Interfaces, u.Interfaces)
	return d
}

// DocumentFilter selects documents.
type DocumentFilter struct {
	Search  string
	Type    DocumentType
	Status  DocumentStatus // the newest version's status
	OwnerID string
	Overdue bool // review overdue
	Sort    string
	Page
}

// DocumentType is what kind of documented information a document is.
type DocumentType string

// The document types.
const (
	DocAIPolicy        DocumentType = "ai_policy"
	DocScopeStatement  DocumentType = "scope_statement"
	DocProcedure       DocumentType = "procedure"
	DocWorkInstruction DocumentType = "work_instruction"
	DocMeetingRecord   DocumentType = "meeting_record"
	DocTemplate        DocumentType = "template"
	DocOther           DocumentType = "other"
)

// DocumentTypeValues lists the types.
func DocumentTypeValues() []DocumentType {
	return []DocumentType{DocAIPolicy, DocScopeStatement, DocProcedure, DocWorkInstruction, DocMeetingRecord, DocTemplate, DocOther}
}

// IsValid reports whether t is a known type.
func (t DocumentType) IsValid() bool { return enumValid(t, DocumentTypeValues()) }

// Title is the type for people.
func (t DocumentType) Title() string {
	switch t {
	case DocAIPolicy:
		return "AI policy"
	case DocMeetingRecord:
		return "Record of meeting"
	}
	return titleOf(string(t))
}

// DocumentClassification says who may see a document.
type DocumentClassification string

// The classifications.
const (
	ClassPublic       DocumentClassification = "public"
	ClassInternal     DocumentClassification = "internal"
	ClassConfidential DocumentClassification = "confidential"
)

// DocumentClassificationValues lists the classifications.
func DocumentClassificationValues() []DocumentClassification {
	return []DocumentClassification{ClassPublic, ClassInternal, ClassConfidential}
}

// IsValid reports whether c is a known classification.
func (c DocumentClassification) IsValid() bool { return enumValid(c, DocumentClassificationValues()) }

// Title is the classification for people.
func (c DocumentClassification) Title() string { return titleOf(string(c)) }

// ManagementStandard is another management system standard the AIMS may
// work with.
type ManagementStandard string

// The management system standards.
const (
	StandardISO9001  ManagementStandard = "iso9001"
	StandardISO27001 ManagementStandard = "iso27001"
	StandardISO27701 ManagementStandard = "iso27701"
	StandardISO50001 ManagementStandard = "iso50001"
	StandardIEC62443 ManagementStandard = "iec62443"
	StandardOther    ManagementStandard = "other"
)

// ManagementStandardValues lists the standards.
func ManagementStandardValues() []ManagementStandard {
	return []ManagementStandard{StandardISO9001, StandardISO27001, StandardISO27701, StandardISO50001, StandardIEC62443, StandardOther}
}

// IsValid reports whether s is a known standard.
func (s ManagementStandard) IsValid() bool { return enumValid(s, ManagementStandardValues()) }

// Title is the standard's name.
func (s ManagementStandard) Title() string {
	switch s {
	case StandardISO9001:
		return "ISO 9001 (quality)"
	case StandardISO27001:
		return "ISO/IEC 27001 (information security)"
	case StandardISO27701:
		return "ISO/IEC 27701 (privacy)"
	case StandardISO50001:
		return "ISO 50001 (energy)"
	case StandardIEC62443:
		return "ISA/IEC 62443 (industrial control systems)"
	}
	return "Other"
}
