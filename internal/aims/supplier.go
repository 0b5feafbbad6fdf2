package aims

import (
	"time"
)

// Supplier is a third party that supplies an AI system or part of one
// (ISO/IEC 42001 A.10.2 allocating responsibilities, A.10.3 suppliers).
type Supplier struct {
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	Supplies        []SupplyCategory `json:"supplies"`
	Contact         string           `json:"contact"`
	Website         string           `json:"website"`
	AssessmentNotes string           `json:"assessment_notes"`
	CreatedAt       time.Time        `json:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at"`
	SystemCount     int              `json:"system_count"`
}

// AuditLabel names the supplier in the audit trail.
func (s *Supplier) AuditLabel() string { return s.Name }

// Normalize trims text fields.
func (s *Supplier) Normalize() {
	s.Name = CleanText(s.Name)
	s.Contact = CleanText(s.Contact)
	s.Website = CleanText(s.Website)
	s.AssessmentNotes = CleanText(s.AssessmentNotes)
	if s.Supplies == nil {
		s.Supplies = []SupplyCategory{}
	}
}

// Validate checks the fields a person enters.
func (s *Supplier) Validate() error {
	var v Validation
	v.Required("name", s.Name)
	v.MaxLen("name", s.Name, 200)
	if len(s.Supplies) == 0 {
		v.Add("supplies", "name at least one of %s", joinValues(SupplyCategoryValues()))
	}
	ValidateSet(&v, "supplies", s.Supplies, SupplyCategory.IsValid, "supply category")
	v.MaxLen("contact", s.Contact, 2000)
	v.MaxLen("website", s.Website, 2000)
	v.MaxLen("assessment_notes", s.AssessmentNotes, 20000)
	return v.Err()
}

// SupplierUpdate changes some fields of a supplier; nil means unchanged.
type SupplierUpdate struct {
	Name            *string           `json:"name,omitempty"`
	Supplies        *[]SupplyCategory `json:"supplies,omitempty"`
	Contact         *string           `json:"contact,omitempty"`
	Website         *string           `json:"website,omitempty"`
	AssessmentNotes *string           `json:"assessment_notes,omitempty"`
}

// Apply returns a copy of s with the update's fields set.
func (u SupplierUpdate) Apply(s Supplier) Supplier {
	set(&s.Name, u.Name)
	set(&s.Supplies, u.Supplies)
	set(&s.Contact, u.Contact)
	set(&s.Website, u.Website)
	set(&s.AssessmentNotes, u.AssessmentNotes)
	return s
}

// SupplierFilter selects suppliers.
type SupplierFilter struct {
	Search   string
	Supplies SupplyCategory
	Page
}

// SupplyCategory is what a supplier provides.
type SupplyCategory string

// The supply categories.
const (
	SupplyModel    SupplyCategory = "model"
	SupplyData     SupplyCategory = "data"
	SupplyCompute  SupplyCategory = "compute"
	SupplyPlatform SupplyCategory = "platform"
	SupplySystem   SupplyCategory = "system"
)

// SupplyCategoryValues lists the categories.
func SupplyCategoryValues() []SupplyCategory {
	return []SupplyCategory{SupplyModel, SupplyData, SupplyCompute, SupplyPlatform, SupplySystem}
}

// IsValid reports whether c is a known category.
func (c SupplyCategory) IsValid() bool { return enumValid(c, SupplyCategoryValues()) }

// Title is the category's name for people.
func (c SupplyCategory) Title() string {
	if c == SupplySystem {
		return "Whole system"
	}
	return titleOf(string(c))
}
