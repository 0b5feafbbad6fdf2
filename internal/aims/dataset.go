package aims

import (
	"time"
)

// Dataset is data used to train, validate, test or operate AI systems, with
// its provenance (ISO/IEC 42001 A.7.2 data for development, A.7.3
// acquisition, A.7.4 quality, A.7.5 provenance, A.7.6 preparation).
type Dataset struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	Description      string       `json:"description"`
	Origin           string       `json:"origin"`
	CollectionMethod string       `json:"collection_method"`
	PersonalData     PersonalData `json:"personal_data"`
	Licence          string       `json:"licence"`
	QualityNotes     string       `json:"quality_notes"`
	WindowStart      *Date        `json:"window_start,omitempty"`
	WindowEnd        *Date        `json:"window_end,omitempty"`
	SupplierID       string       `json:"supplier_id,omitempty"`
	SupplierName     string       `json:"supplier_name,omitempty"`
	// Tags are the tags the data was drawn from, over the window (data
	// lineage, A.7.5); on input only their ids count.
	Tags      []LineageRef  `json:"tags" nullable:"false" doc:"The tags the data was drawn from"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
	UsedBy    []DatasetUser `json:"used_by,omitempty"`
}

// DatasetUser is a model version that uses a dataset, for the dataset's page.
type DatasetUser struct {
	SystemID       string         `json:"system_id"`
	SystemName     string         `json:"system_name"`
	ModelVersionID string         `json:"model_version_id"`
	Version        string         `json:"version"`
	Purpose        DatasetPurpose `json:"purpose"`
}

// AuditLabel names the dataset in the audit trail.
func (d *Dataset) AuditLabel() string { return d.Name }

// Normalize trims text fields.
func (d *Dataset) Normalize() {
	d.Name = CleanText(d.Name)
	d.Description = CleanText(d.Description)
	d.Origin = CleanText(d.Origin)
	d.CollectionMethod = CleanText(d.CollectionMethod)
	d.Licence = CleanText(d.Licence)
	d.QualityNotes = CleanText(d.QualityNotes)
	d.SupplierID = CleanText(d.SupplierID)
	if d.PersonalData == "" {
		d.PersonalData = PersonalDataUnknown
	}
	d.Tags = normalizeRefs(d.Tags)
}

// Validate checks the fields a person enters.
func (d *Dataset) Validate() error {
	var v Validation
	v.Required("name", d.Name)
	v.MaxLen("name", d.Name, 200)
	v.MaxLen("description", d.Description, 20000)
	v.MaxLen("origin", d.Origin, 2000)
	v.MaxLen("collection_method", d.CollectionMethod, 4000)
	v.MaxLen("licence", d.Licence, 2000)
	v.MaxLen("quality_notes", d.QualityNotes, 20000)
	if !d.PersonalData.IsValid() {
		v.Add("personal_data", "must be one of %s", joinValues(PersonalDataValues()))
	}
	if d.WindowStart != nil && d.WindowEnd != nil && d.WindowEnd.Before(*d.WindowStart) {
		v.Add("window_end", "must not be before window_start")
	}
	ValidateRefs(&v, "tags", d.Tags, 10000)
	return v.Err()
}

// DatasetUpdate changes some fields of a dataset; nil means unchanged. A
// zero Date clears a window bound; an empty SupplierID removes the supplier.
// Tags, when given, are tag ids that replace the whole list.
type DatasetUpdate struct {
	Name             *string       `json:"name,omitempty"`
	Description      *string       `json:"description,omitempty"`
	Origin           *string       `json:"origin,omitempty"`
	CollectionMethod *string       `json:"collection_method,omitempty"`
	PersonalData     *PersonalData `json:"personal_data,omitempty"`
	Licence          *string       `json:"licence,omitempty"`
	QualityNotes     *string       `json:"quality_notes,omitempty"`
	WindowStart      *Date         `json:"window_start,omitempty"`
	WindowEnd        *Date         `json:"window_end,omitempty"`
	SupplierID       *string       `json:"supplier_id,omitempty"`
	Tags             *[]string     `json:"tags,omitempty" doc:"Tag ids; replace the whole list"`
}

// Apply returns a copy of d with the update's fields set.
func (u DatasetUpdate) Apply(d Dataset) Dataset {
	set(&d.Name, u.Name)
	set(&d.Description, u.Description)
	set(&d.Origin, u.Origin)
	set(&d.CollectionMethod, u.CollectionMethod)
	set(&d.PersonalData, u.PersonalData)
	set(&d.Licence, u.Licence)
	set(&d.QualityNotes, u.QualityNotes)
	set(&d.SupplierID, u.SupplierID)
	if u.WindowStart != nil {
		d.WindowStart = nonZeroDate(*u.WindowStart)
	}
	if u.WindowEnd != nil {
		d.WindowEnd = nonZeroDate(*u.WindowEnd)
	}
	if u.Tags != nil {
		d.Tags = RefsOf(*u.Tags)
	}
	return d
}

func nonZeroDate(d Date) *Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

// DatasetFilter selects datasets.
type DatasetFilter struct {
	Search       string
	PersonalData PersonalData
	SupplierID   string
	Page
}

// PersonalData says whether a dataset holds personal data (ISO/IEC 42001
// A.7.4; GDPR where it applies).
type PersonalData string

// The personal-data answers.
const (
	PersonalDataYes     PersonalData = "yes"
	PersonalDataNo      PersonalData = "no"
	PersonalDataUnknown PersonalData = "unknown"
)

// PersonalDataValues lists the answers.
func PersonalDataValues() []PersonalData {
	return []PersonalData{PersonalDataYes, PersonalDataNo, PersonalDataUnknown}
}

// IsValid reports whether p is a known answer.
func (p PersonalData) IsValid() bool { return enumValid(p, PersonalDataValues()) }
