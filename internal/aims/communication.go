package aims

import (
	"slices"
	"time"
)

// Communication is an entry of the AIMS's communication plan (ISO/IEC 42001
// 7.4; A.8 information for interested parties, affected persons included):
// what is communicated, when, to whom, how and by whom, with the record of
// each communication made. NextDue and Overdue are computed when read.
type Communication struct {
	ID              string                `json:"id"`
	Subject         string                `json:"subject" doc:"What is communicated"`
	AudienceKind    Audience              `json:"audience_kind"`
	Audience        string                `json:"audience" doc:"To whom, in the organization's words"`
	Channel         string                `json:"channel" doc:"How: a briefing, a web page, a letter"`
	Cadence         CommunicationCadence  `json:"cadence"`
	FirstDue        *Date                 `json:"first_due,omitempty" doc:"When the first communication is due"`
	ResponsibleID   string                `json:"responsible_id,omitempty" doc:"The member who communicates"`
	ResponsibleName string                `json:"responsible_name,omitempty"`
	Records         []CommunicationRecord `json:"records" nullable:"false" doc:"The communications made, newest first"`
	NextDue         *Date                 `json:"next_due,omitempty" readOnly:"true" doc:"When the next communication is due (computed)"`
	Overdue         bool                  `json:"overdue,omitempty" readOnly:"true" doc:"The next communication is past due (computed)"`
	CreatedAt       time.Time             `json:"created_at"`
	UpdatedAt       time.Time             `json:"updated_at"`
}

// CommunicationRecord is one communication made.
type CommunicationRecord struct {
	Date     Date   `json:"date"`
	Summary  string `json:"summary"`
	Evidence string `json:"evidence,omitempty" doc:"Where the evidence is: a link or a reference"`
}

// AuditLabel names the entry in the audit trail.
func (c *Communication) AuditLabel() string { return c.Subject }

// Normalize trims text fields and orders the records newest first.
func (c *Communication) Normalize() {
	c.Subject = CleanText(c.Subject)
	c.Audience = CleanText(c.Audience)
	c.Channel = CleanText(c.Channel)
	c.ResponsibleID = CleanText(c.ResponsibleID)
	if c.Cadence == "" {
		c.Cadence = CadenceOnce
	}
	if c.Records == nil {
		c.Records = []CommunicationRecord{}
	}
	for i := range c.Records {
		c.Records[i].Summary = CleanText(c.Records[i].Summary)
		c.Records[i].Evidence = CleanText(c.Records[i].Evidence)
	}
	slices.SortStableFunc(c.Records, func(a, b CommunicationRecord) int { return b.Date.Compare(a.Date.Time) })
	c.NextDue, c.Overdue = nil, false
}

// Validate checks the fields a person enters.
func (c *Communication) Validate() error {
	var v Validation
	v.Required("subject", c.Subject)
	v.MaxLen("subject", c.Subject, 200)
	if !c.AudienceKind.IsValid() {
		v.Add("audience_kind", "must be one of %s", joinValues(AudienceValues()))
	}
	v.Required("audience", c.Audience)
	v.MaxLen("audience", c.Audience, 2000)
	v.MaxLen("channel", c.Channel, 2000)
	if !c.Cadence.IsValid() {
		v.Add("cadence", "must be one of %s", joinValues(CommunicationCadenceValues()))
	}
	if c.Cadence != CadenceAsNeeded && c.FirstDue == nil && len(c.Records) == 0 {
		v.Add("first_due", "is required: when is the first communication due")
	}
	if len(c.Records) > 1000 {
		v.Add("records", "at most 1000 records")
	}
	for i, r := range c.Records {
		f := "records/" + itoa(i)
		if r.Date.IsZero() {
			v.Add(f+"/date", "is required")
		}
		v.Required(f+"/summary", r.Summary)
		v.MaxLen(f+"/summary", r.Summary, 4000)
		v.MaxLen(f+"/evidence", r.Evidence, 2000)
	}
	return v.Err()
}

// CommunicationUpdate changes some fields of an entry; nil means
// unchanged. Records replace the whole list; a zero FirstDue clears it.
type CommunicationUpdate struct {
	Subject       *string                `json:"subject,omitempty"`
	AudienceKind  *Audience              `json:"audience_kind,omitempty"`
	Audience      *string                `json:"audience,omitempty"`
	Channel       *string                `json:"channel,omitempty"`
	Cadence       *CommunicationCadence  `json:"cadence,omitempty"`
	FirstDue      *Date                  `json:"first_due,omitempty" doc:"An empty string clears it"`
	ResponsibleID *string                `json:"responsible_id,omitempty"`
	Records       *[]CommunicationRecord `json:"records,omitempty" doc:"Replace the whole list"`
	// Made, when set, adds the record of one communication made.
	Made *CommunicationRecord `json:"-"`
}

// Apply returns a copy of c with the update's fields set.
func (u CommunicationUpdate) Apply(c Communication) Communication {
	set(&c.Subject, u.Subject)
	set(&c.AudienceKind, u.AudienceKind)
	set(&c.Audience, u.Audience)
	set(&c.Channel, u.Channel)
	set(&c.Cadence, u.Cadence)
	set(&c.ResponsibleID, u.ResponsibleID)
	if u.FirstDue != nil {
		c.FirstDue = nonZeroDate(*u.FirstDue)
	}
	if u.Records != nil {
		c.Records = append([]CommunicationRecord{}, (*u.Records)...)
	} else {
		c.Records = append([]CommunicationRecord{}, c.Records...)
	}
	if u.Made != nil {
		c.Records = append([]CommunicationRecord{*u.Made}, c.Records...)
	}
	return c
}

// CommunicationFilter selects entries of the plan.
type CommunicationFilter struct {
	Search       string
	AudienceKind Audience
	// Overdue keeps only the entries whose next communication is past due.
	Overdue bool
	// Sort is the order: name or updated_at, a leading "-"
	// reversing it; empty is the list's own order.
	Sort string
	Page
}

// Audience is who a communication is for.
type Audience string

// The audiences.
const (
	AudienceInternal Audience = "internal"
	AudienceExternal Audience = "external"
	AudienceAffected Audience = "affected_persons"
)

// AudienceValues lists the audiences.
func AudienceValues() []Audience {
	return []Audience{AudienceInternal, AudienceExternal, AudienceAffected}
}

// IsValid reports whether a is a known audience.
func (a Audience) IsValid() bool { return enumValid(a, AudienceValues()) }

// Title is the audience's name for people.
func (a Audience) Title() string {
	switch a {
	case AudienceInternal:
		return "Internal"
	case AudienceExternal:
		return "External"
	}
	return "Affected persons"
}

// CommunicationCadence is how often a communication is made.
type CommunicationCadence string

// The cadences.
const (
	CadenceOnce       CommunicationCadence = "once"
	CadenceMonthly    CommunicationCadence = "monthly"
	CadenceQuarterly  CommunicationCadence = "quarterly"
	CadenceHalfYearly CommunicationCadence = "half_yearly"
	CadenceYearly     CommunicationCadence = "yearly"
	CadenceAsNeeded   CommunicationCadence = "as_needed"
)

// CommunicationCadenceValues lists the cadences.
func CommunicationCadenceValues() []CommunicationCadence {
	return []CommunicationCadence{CadenceOnce, CadenceMonthly, CadenceQuarterly, CadenceHalfYearly, CadenceYearly, CadenceAsNeeded}
}

// IsValid reports whether c is a known cadence.
func (c CommunicationCadence) IsValid() bool { return enumValid(c, CommunicationCadenceValues()) }

// Title is the cadence's name for people.
func (c CommunicationCadence) Title() string {
	switch c {
	case CadenceHalfYearly:
		return "Twice a year"
	case CadenceOnce:
		return "Once"
	}
	return titleOf(string(c))
}

// Months is the number of months between two communications of a regular
// cadence, 0 for once and as needed.
func (c CommunicationCadence) Months() int {
	return map[CommunicationCadence]int{CadenceMonthly: 1, CadenceQuarterly: 3, CadenceHalfYearly: 6, CadenceYearly: 12}[c]
}

// ContextSummary summarises the organization's context (4.1, 4.2) for the
// Context page and for management review.
type ContextSummary struct {
	Issues             int `json:"issues"`
	InternalIssues     int `json:"internal_issues"`
	ExternalIssues     int `json:"external_issues"`
	RelevantIssues     int `json:"relevant_issues"`
	NotRelevantIssues  int `json:"not_relevant_issues"`
	UndeterminedIssues int `json:"undetermined_issues"`
	// IssuesNotReviewed counts issues without a review date or whose
	// review date has passed; PartiesNotReviewed the same for parties.
	IssuesNotReviewed     int           `json:"issues_not_reviewed"`
	Parties               int           `json:"parties"`
	PartiesNotReviewed    int           `json:"parties_not_reviewed"`
	Requirements          int           `json:"requirements"`
	RequirementsAddressed int           `json:"requirements_addressed"`
	RequirementsPartly    int           `json:"requirements_partly"`
	RequirementsOpen      int           `json:"requirements_open"`
	Climate               ClimateAnswer `json:"climate"`
}

// ClimateAnswer is whether the organization has determined if climate
// change is a relevant issue (the 2024 amendment to 4.1), and its answer.
type ClimateAnswer struct {
	Determined bool      `json:"determined"`
	IssueID    string    `json:"issue_id,omitempty"`
	IssueTitle string    `json:"issue_title,omitempty"`
	Relevance  Relevance `json:"relevance,omitempty"`
	Reason     string    `json:"reason,omitempty"`
}
