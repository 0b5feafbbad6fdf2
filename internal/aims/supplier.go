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
	// Criticality is how much the organization depends on the supplier;
	// empty when not rated yet.
	Criticality SupplierCriticality `json:"criticality,omitempty"`
	// ReviewIntervalDays is how often the supplier is reviewed; 0 means
	// no periodic review.
	ReviewIntervalDays int   `json:"review_interval_days"`
	LastReviewOn       *Date `json:"last_review_on,omitempty"`
	// Commitments are the contractual commitments that matter for AI,
	// one of each kind (absent ones included).
	Commitments []SupplierCommitment `json:"commitments"`
	// Answers are the supplier's answers to the due-diligence
	// questionnaire; DiligenceEvidence is a link or note to what backs them.
	Answers           []SupplierAnswer `json:"answers"`
	DiligenceEvidence string           `json:"diligence_evidence"`
	CreatedAt         time.Time        `json:"created_at"`
	UpdatedAt         time.Time        `json:"updated_at"`
	SystemCount       int              `json:"system_count"`
	// Computed when read: the next review date, whether it is past, and
	// the due-diligence score.
	NextReviewOn  *Date        `json:"next_review_on,omitempty" doc:"The last review (or the registration) plus the interval; absent without an interval"`
	ReviewOverdue bool         `json:"review_overdue" doc:"The next review date has passed"`
	DueDiligence  DueDiligence `json:"due_diligence"`
}

// SupplierCommitment is whether the supplier's contract holds one of the
// commitments that matter for AI, with a note (where, what it says).
type SupplierCommitment struct {
	Kind    CommitmentKind `json:"kind"`
	Present bool           `json:"present"`
	Note    string         `json:"note,omitempty"`
}

// Commitment returns the supplier's commitment of kind k (absent when
// none is recorded).
func (s *Supplier) Commitment(k CommitmentKind) SupplierCommitment {
	for _, c := range s.Commitments {
		if c.Kind == k {
			return c
		}
	}
	return SupplierCommitment{Kind: k}
}

// Answer returns the supplier's answer to question id, if any.
func (s *Supplier) Answer(id string) (SupplierAnswer, bool) {
	for _, a := range s.Answers {
		if a.QuestionID == id {
			return a, true
		}
	}
	return SupplierAnswer{QuestionID: id}, false
}

// NextReview returns when the supplier is next due for review: its last
// review (else its registration) plus the review interval; nil without
// an interval.
func (s *Supplier) NextReview() *Date {
	if s.ReviewIntervalDays <= 0 {
		return nil
	}
	base := DateOf(s.CreatedAt)
	if s.LastReviewOn != nil && !s.LastReviewOn.IsZero() {
		base = *s.LastReviewOn
	}
	d := Date{base.AddDate(0, 0, s.ReviewIntervalDays)}
	return &d
}

// DescribeReview sets NextReviewOn and ReviewOverdue as of today.
func (s *Supplier) DescribeReview(today Date) {
	s.NextReviewOn = s.NextReview()
	s.ReviewOverdue = s.NextReviewOn != nil && s.NextReviewOn.Before(today)
}

// AuditLabel names the supplier in the audit trail.
func (s *Supplier) AuditLabel() string { return s.Name }

// Normalize trims text fields.
func (s *Supplier) Normalize() {
	s.Name = CleanText(s.Name)
	s.Contact = CleanText(s.Contact)
	s.Website = CleanText(s.Website)
	s.AssessmentNotes = CleanText(s.AssessmentNotes)
	s.DiligenceEvidence = CleanText(s.DiligenceEvidence)
	if s.Supplies == nil {
		s.Supplies = []SupplyCategory{}
	}
	if s.LastReviewOn != nil && s.LastReviewOn.IsZero() {
		s.LastReviewOn = nil
	}
	// One commitment of each kind, in order; unknown kinds stay for
	// Validate to name.
	var commitments []SupplierCommitment
	for _, k := range CommitmentKindValues() {
		c := s.Commitment(k)
		c.Note = CleanText(c.Note)
		commitments = append(commitments, c)
	}
	for _, c := range s.Commitments {
		if !c.Kind.IsValid() {
			commitments = append(commitments, c)
		}
	}
	s.Commitments = commitments
	answers := []SupplierAnswer{}
	for _, a := range s.Answers {
		a.QuestionID, a.Value, a.Note = CleanText(a.QuestionID), CleanText(a.Value), CleanText(a.Note)
		if a.Value == "" && a.Note == "" {
			continue // an empty answer is no answer
		}
		answers = append(answers, a)
	}
	s.Answers = answers
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
	if s.Criticality != "" && !s.Criticality.IsValid() {
		v.Add("criticality", "must be one of %s", joinValues(SupplierCriticalityValues()))
	}
	if s.ReviewIntervalDays < 0 || s.ReviewIntervalDays > 3650 {
		v.Add("review_interval_days", "must be between 0 (no periodic review) and 3650 days")
	}
	for i, c := range s.Commitments {
		if !c.Kind.IsValid() {
			v.Add("commitments/"+itoa(i)+"/kind", "must be one of %s", joinValues(CommitmentKindValues()))
		}
		v.MaxLen("commitments/"+itoa(i)+"/note", c.Note, 5000)
	}
	seen := map[string]bool{}
	for i, a := range s.Answers {
		f := "answers/" + itoa(i)
		if a.QuestionID == "" {
			v.Add(f+"/question_id", "is required")
		} else if seen[a.QuestionID] {
			v.Add(f+"/question_id", "this question is already answered")
		}
		seen[a.QuestionID] = true
		v.MaxLen(f+"/value", a.Value, 5000)
		v.MaxLen(f+"/note", a.Note, 5000)
	}
	v.MaxLen("diligence_evidence", s.DiligenceEvidence, 5000)
	return v.Err()
}

// SupplierUpdate changes some fields of a supplier; nil means unchanged.
type SupplierUpdate struct {
	Name            *string           `json:"name,omitempty"`
	Supplies        *[]SupplyCategory `json:"supplies,omitempty"`
	Contact         *string           `json:"contact,omitempty"`
	Website         *string           `json:"website,omitempty"`
	AssessmentNotes *string           `json:"assessment_notes,omitempty"`
	// Criticality "" clears the rating.
	Criticality        *SupplierCriticality `json:"criticality,omitempty"`
	ReviewIntervalDays *int                 `json:"review_interval_days,omitempty"`
	// LastReviewOn, when given, replaces the date; a zero date clears it.
	LastReviewOn *Date `json:"last_review_on,omitempty"`
	// Commitments and Answers, when given, replace the whole list.
	Commitments       *[]SupplierCommitment `json:"commitments,omitempty"`
	Answers           *[]SupplierAnswer     `json:"answers,omitempty"`
	DiligenceEvidence *string               `json:"diligence_evidence,omitempty"`
}

// Apply returns a copy of s with the update's fields set.
func (u SupplierUpdate) Apply(s Supplier) Supplier {
	set(&s.Name, u.Name)
	set(&s.Supplies, u.Supplies)
	set(&s.Contact, u.Contact)
	set(&s.Website, u.Website)
	set(&s.AssessmentNotes, u.AssessmentNotes)
	set(&s.Criticality, u.Criticality)
	set(&s.ReviewIntervalDays, u.ReviewIntervalDays)
	if u.LastReviewOn != nil {
		d := *u.LastReviewOn
		s.LastReviewOn = &d
	}
	set(&s.Commitments, u.Commitments)
	set(&s.Answers, u.Answers)
	set(&s.DiligenceEvidence, u.DiligenceEvidence)
	return s
}

// SupplierFilter selects suppliers.
type SupplierFilter struct {
	Search   string
	Supplies SupplyCategory
	Page
}

// SupplierCriticality is how much the organization depends on a supplier:
// a critical one warrants the closest due diligence (A.10.3).
type SupplierCriticality string

// The criticalities, lowest first.
const (
	CriticalityLow      SupplierCriticality = "low"
	CriticalityMedium   SupplierCriticality = "medium"
	CriticalityHigh     SupplierCriticality = "high"
	CriticalityCritical SupplierCriticality = "critical"
)

// SupplierCriticalityValues lists the criticalities, lowest first.
func SupplierCriticalityValues() []SupplierCriticality {
	return []SupplierCriticality{CriticalityLow, CriticalityMedium, CriticalityHigh, CriticalityCritical}
}

// IsValid reports whether c is a known criticality.
func (c SupplierCriticality) IsValid() bool { return enumValid(c, SupplierCriticalityValues()) }

// Title is the criticality's name for people.
func (c SupplierCriticality) Title() string {
	if c == "" {
		return "Not rated"
	}
	return titleOf(string(c))
}

// CommitmentKind is a contractual commitment of a supplier that matters
// for AI (A.10.2: responsibilities agreed with third parties).
type CommitmentKind string

// The commitment kinds.
const (
	CommitmentDataUse           CommitmentKind = "data_use"
	CommitmentModelChange       CommitmentKind = "model_change_notice"
	CommitmentIncidentReporting CommitmentKind = "incident_reporting"
)

// CommitmentKindValues lists the commitment kinds.
func CommitmentKindValues() []CommitmentKind {
	return []CommitmentKind{CommitmentDataUse, CommitmentModelChange, CommitmentIncidentReporting}
}

// IsValid reports whether k is a known commitment kind.
func (k CommitmentKind) IsValid() bool { return enumValid(k, CommitmentKindValues()) }

// Title is the commitment's name for people.
func (k CommitmentKind) Title() string {
	switch k {
	case CommitmentDataUse:
		return "Use of our data"
	case CommitmentModelChange:
		return "Notice of model changes"
	case CommitmentIncidentReporting:
		return "Incident reporting"
	}
	return string(k)
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
