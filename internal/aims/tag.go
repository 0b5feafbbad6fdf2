package aims

import (
	"strings"
	"time"
)

// Tag is a named signal with a unit, produced by an instrument, with its
// known quality caveats (ISO/IEC 42001 A.7.4, A.7.5). Its name is the same
// string that gateways send as a decision input name (e.g. "MT-301
// moisture"): decisions join lineage by tag name.
type Tag struct {
	ID             string    `json:"id"`
	Name           string    `json:"name" doc:"Unique in the organization, any case; exactly the input name gateways send in decision events"`
	Unit           string    `json:"unit"`
	InstrumentID   string    `json:"instrument_id,omitempty" doc:"The instrument that produces it, if any"`
	InstrumentName string    `json:"instrument_name,omitempty" doc:"Read-only"`
	Description    string    `json:"description"`
	QualityCaveats string    `json:"quality_caveats" doc:"Known quality caveats (A.7.4): drift, gaps, manual corrections"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// Features and Datasets use the tag (read-only, on its detail).
	Features []LineageRef `json:"features,omitempty" doc:"Read-only: the features derived from it (on the detail only)"`
	Datasets []LineageRef `json:"datasets,omitempty" doc:"Read-only: the datasets drawn from it (on the detail only)"`
}

// AuditLabel names the tag in the audit trail.
func (t *Tag) AuditLabel() string { return t.Name }

// Normalize trims text fields.
func (t *Tag) Normalize() {
	t.Name = CleanText(t.Name)
	t.Unit = CleanText(t.Unit)
	t.InstrumentID = CleanText(t.InstrumentID)
	t.Description = CleanText(t.Description)
	t.QualityCaveats = CleanText(t.QualityCaveats)
}

// Validate checks the fields a person enters.
func (t *Tag) Validate() error {
	var v Validation
	v.Required("name", t.Name)
	v.MaxLen("name", t.Name, 200) // as a decision input name
	if strings.ContainsAny(t.Name, ";\r\n") {
		v.Add("name", "must not contain ';' or a line break (';' separates entries in CSV)")
	}
	v.MaxLen("unit", t.Unit, 50)
	v.MaxLen("description", t.Description, 20000)
	v.MaxLen("quality_caveats", t.QualityCaveats, 20000)
	return v.Err()
}

// TagUpdate changes some fields of a tag; nil means unchanged. An empty
// InstrumentID unlinks the instrument.
type TagUpdate struct {
	Name           *string `json:"name,omitempty"`
	Unit           *string `json:"unit,omitempty"`
	InstrumentID   *string `json:"instrument_id,omitempty" doc:"The producing instrument's id; empty to unlink"`
	Description    *string `json:"description,omitempty"`
	QualityCaveats *string `json:"quality_caveats,omitempty"`
}

// Apply returns a copy of t with the update's fields set.
func (u TagUpdate) Apply(t Tag) Tag {
	set(&t.Name, u.Name)
	set(&t.Unit, u.Unit)
	if u.InstrumentID != nil && *u.InstrumentID != t.InstrumentID {
		t.InstrumentID, t.InstrumentName = *u.InstrumentID, ""
	}
	set(&t.Description, u.Description)
	set(&t.QualityCaveats, u.QualityCaveats)
	return t
}

// TagFilter selects tags.
type TagFilter struct {
	Query        string // part of the name, any case
	InstrumentID string
	Page
}
