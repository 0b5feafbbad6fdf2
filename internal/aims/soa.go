package aims

import (
	"strings"
	"time"
)

// SoAStatus is where a version of the Statement of Applicability stands.
type SoAStatus string

// The SoA version statuses: a draft is edited; an approved version is
// frozen (ISO/IEC 42001 6.1.3, 7.5.3).
const (
	SoADraft    SoAStatus = "draft"
	SoAApproved SoAStatus = "approved"
)

// SoAVersion is one version of an organization's Statement of
// Applicability (ISO/IEC 42001 6.1.3 d and e): for each Annex A control, and
// any control added from another catalog, whether it applies and why, and
// how far it is implemented. A draft is approved by an AIMS manager (who and
// when recorded) and is then frozen; a new draft starts from the last
// approved version.
type SoAVersion struct {
	ID         string     `json:"id"`
	Number     int        `json:"number"`
	Status     SoAStatus  `json:"status"`
	BasedOn    int        `json:"based_on,omitempty"` // the approved version the draft started from
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"` // the actor's label
	UpdatedAt  time.Time  `json:"updated_at"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	// ApprovedByID is the approver's user id; ApprovedBy their label
	// (an email), kept so the record reads the same if the account goes.
	ApprovedByID string    `json:"approved_by_id,omitempty"`
	ApprovedBy   string    `json:"approved_by,omitempty"`
	Note         string    `json:"note,omitempty"`
	Rows         []*SoARow `json:"rows,omitempty"`
}

// AuditLabel names the version in the audit trail.
func (v *SoAVersion) AuditLabel() string { return "SoA version " + itoa(v.Number) }

// Applicability is the decision on one control (6.1.3 d).
type Applicability string

// The decisions. Undecided rows block approval.
const (
	Undecided  Applicability = "undecided"
	Applicable Applicability = "applicable"
	Excluded   Applicability = "excluded"
)

// ApplicabilityValues lists the decisions.
func ApplicabilityValues() []Applicability { return []Applicability{Undecided, Applicable, Excluded} }

// IsValid reports whether a is a known decision.
func (a Applicability) IsValid() bool { return enumValid(a, ApplicabilityValues()) }

// Title is the decision's name for people.
func (a Applicability) Title() string { return titleOf(string(a)) }

// ImplementationStatus is how far an applicable control is implemented.
type ImplementationStatus string

// The implementation statuses.
const (
	NotStarted           ImplementationStatus = "not_started"
	Planned              ImplementationStatus = "planned"
	PartiallyImplemented ImplementationStatus = "partially_implemented"
	Implemented          ImplementationStatus = "implemented"
)

// ImplementationStatusValues lists the statuses in order of progress.
func ImplementationStatusValues() []ImplementationStatus {
	return []ImplementationStatus{NotStarted, Planned, PartiallyImplemented, Implemented}
}

// IsValid reports whether s is a known status.
func (s ImplementationStatus) IsValid() bool { return enumValid(s, ImplementationStatusValues()) }

// Title is the status's name for people.
func (s ImplementationStatus) Title() string { return titleOf(string(s)) }

// SoARow is one control in one SoA version. Risks and evidence link to a
// control by its Ref (framework and requirement id), which stays the same
// across versions, so that links survive a new draft.
type SoARow struct {
	ID            string               `json:"id"`
	Framework     string               `json:"framework"`
	RequirementID string               `json:"requirement_id"`
	Title         string               `json:"title"` // from the catalog, for reading; not stored
	Applicability Applicability        `json:"applicability"`
	Justification string               `json:"justification"`
	Status        ImplementationStatus `json:"implementation_status"`
	OwnerID       string               `json:"owner_id,omitempty"`
	OwnerName     string               `json:"owner_name,omitempty"`
	OwnerEmail    string               `json:"owner_email,omitempty"`
	TargetDate    *Date                `json:"target_date,omitempty"`
	Notes         string               `json:"notes"`
	// Added is true for a control added from another catalog (not Annex A),
	// which may be removed again.
	Added     bool      `json:"added"`
	Position  int       `json:"position"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Ref is the control the row is about.
func (r *SoARow) Ref() Ref { return Ref{Framework: r.Framework, ID: r.RequirementID} }

// AuditLabel names the row in the audit trail.
func (r *SoARow) AuditLabel() string { return r.Framework + ":" + r.RequirementID }

// Normalize trims the text fields.
func (r *SoARow) Normalize() {
	r.Justification = CleanText(r.Justification)
	r.Notes = CleanText(r.Notes)
	r.OwnerID = CleanText(r.OwnerID)
	if r.Applicability == "" {
		r.Applicability = Undecided
	}
	if r.Status == "" {
		r.Status = NotStarted
	}
}

// Validate checks a row as edited. Excluding a control needs a
// justification at once (6.1.3 d); an included control needs one before the
// version is approved (ApprovalProblems), so that a person can decide first
// and write the reason next.
func (r *SoARow) Validate() error {
	var v Validation
	if !r.Applicability.IsValid() {
		v.Add("applicability", "must be one of %s", joinValues(ApplicabilityValues()))
	}
	if r.Applicability == Excluded && r.Justification == "" {
		v.Add("justification", "say why %s is excluded (ISO/IEC 42001 6.1.3 d)", r.RequirementID)
	}
	if !r.Status.IsValid() {
		v.Add("implementation_status", "must be one of %s", joinValues(ImplementationStatusValues()))
	}
	v.MaxLen("justification", r.Justification, 4000)
	v.MaxLen("notes", r.Notes, 4000)
	return v.Err()
}

// SoARowUpdate changes some fields of a row; nil means unchanged. An empty
// OwnerID removes the owner; a zero TargetDate clears it.
type SoARowUpdate struct {
	Applicability *Applicability        `json:"applicability,omitempty"`
	Justification *string               `json:"justification,omitempty"`
	Status        *ImplementationStatus `json:"implementation_status,omitempty"`
	OwnerID       *string               `json:"owner_id,omitempty"`
	TargetDate    *Date                 `json:"target_date,omitempty"`
	Notes         *string               `json:"notes,omitempty"`
}

// Apply returns a copy of r with the update's fields set.
func (u SoARowUpdate) Apply(r SoARow) SoARow {
	set(&r.Applicability, u.Applicability)
	set(&r.Justification, u.Justification)
	set(&r.Status, u.Status)
	set(&r.OwnerID, u.OwnerID)
	set(&r.Notes, u.Notes)
	if u.TargetDate != nil {
		r.TargetDate = nonZeroDate(*u.TargetDate)
	}
	return r
}

// IsZero reports whether the update changes nothing.
func (u SoARowUpdate) IsZero() bool {
	return u.Applicability == nil && u.Justification == nil && u.Status == nil && u.OwnerID == nil && u.TargetDate == nil && u.Notes == nil
}

// ApprovalProblems lists what stops a version from being approved: every
// control decided, and every decision justified (6.1.3 d). Field names are
// "rows/REF/FIELD".
func (v *SoAVersion) ApprovalProblems() []FieldError {
	var out []FieldError
	for _, r := range v.Rows {
		key := "rows/" + r.Ref().String()
		switch {
		case r.Applicability == Undecided:
			out = append(out, FieldError{Field: key + "/applicability", Detail: r.RequirementID + " is still undecided: mark it applicable or excluded"})
		case r.Justification == "":
			out = append(out, FieldError{Field: key + "/justification", Detail: "say why " + r.RequirementID + " is " + string(r.Applicability)})
		}
	}
	return out
}

// SoAFilter selects rows of a version for the editor.
type SoAFilter struct {
	Applicability Applicability
	Status        ImplementationStatus
	OwnerID       string // "none" selects rows without an owner
	Search        string
}

// Match reports whether row r passes the filter.
func (f SoAFilter) Match(r *SoARow) bool {
	if f.Applicability != "" && r.Applicability != f.Applicability {
		return false
	}
	if f.Status != "" && (r.Status != f.Status || r.Applicability == Excluded) {
		return false
	}
	switch f.OwnerID {
	case "":
	case "none":
		if r.OwnerID != "" {
			return false
		}
	default:
		if r.OwnerID != f.OwnerID {
			return false
		}
	}
	if q := strings.ToLower(CleanText(f.Search)); q != "" {
		if !strings.Contains(strings.ToLower(r.RequirementID+" "+r.Title+" "+r.Justification+" "+r.Notes), q) {
			return false
		}
	}
	return true
}

// SoAChange is how one control differs between two versions.
type SoAChange struct {
	Framework     string         `json:"framework"`
	RequirementID string         `json:"requirement_id"`
	Title         string         `json:"title"`
	Kind          string         `json:"kind"` // "added", "removed" or "changed"
	Fields        []SoAFieldDiff `json:"fields,omitempty"`
}

// SoAFieldDiff is one field's value in the older and the newer version.
type SoAFieldDiff struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// DiffSoA compares two versions control by control, in the newer
// version's order, then the controls only the older one had.
func DiffSoA(from, to *SoAVersion) []SoAChange {
	old := map[Ref]*SoARow{}
	for _, r := range from.Rows {
		old[r.Ref()] = r
	}
	out := []SoAChange{}
	seen := map[Ref]bool{}
	for _, r := range to.Rows {
		seen[r.Ref()] = true
		o := old[r.Ref()]
		if o == nil {
			out = append(out, SoAChange{Framework: r.Framework, RequirementID: r.RequirementID, Title: r.Title, Kind: "added", Fields: rowFields(nil, r)})
			continue
		}
		if f := rowFields(o, r); len(f) > 0 {
			out = append(out, SoAChange{Framework: r.Framework, RequirementID: r.RequirementID, Title: r.Title, Kind: "changed", Fields: f})
		}
	}
	for _, o := range from.Rows {
		if !seen[o.Ref()] {
			out = append(out, SoAChange{Framework: o.Framework, RequirementID: o.RequirementID, Title: o.Title, Kind: "removed"})
		}
	}
	return out
}

func rowFields(a, b *SoARow) []SoAFieldDiff {
	if a == nil {
		a = &SoARow{}
	}
	date := func(d *Date) string {
		if d == nil {
			return ""
		}
		return d.String()
	}
	owner := func(r *SoARow) string {
		if r.OwnerEmail != "" {
			return r.OwnerEmail
		}
		return r.OwnerID
	}
	var out []SoAFieldDiff
	for _, f := range []SoAFieldDiff{
		{"applicability", string(a.Applicability), string(b.Applicability)},
		{"justification", a.Justification, b.Justification},
		{"implementation_status", string(a.Status), string(b.Status)},
		{"owner", owner(a), owner(b)},
		{"target_date", date(a.TargetDate), date(b.TargetDate)},
		{"notes", a.Notes, b.Notes},
	} {
		if f.From != f.To {
			out = append(out, f)
		}
	}
	return out
}
