package aims

import (
	"strings"
	"time"
)

// ContextIssue is an internal or external issue that affects the
// organization's ability to achieve what its AIMS is for (ISO/IEC 42001
// 4.1), with its effect on the AIMS, whether it is relevant and the risks
// and objectives that address it. Whether climate change is a relevant issue
// is asked explicitly (the 2024 amendment of the ISO management system
// standards to 4.1): the issue that answers it is marked ClimateChange.
type ContextIssue struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Category    string       `json:"category" doc:"One of the organization's context categories"`
	Origin      IssueOrigin  `json:"origin"`
	Description string       `json:"description"`
	Effect      string       `json:"effect" doc:"How the issue affects the AIMS and its intended results"`
	Relevance   Relevance    `json:"relevance"`
	Reason      string       `json:"relevance_reason" doc:"Why the issue is not relevant (required then)"`
	Climate     bool         `json:"climate_change" doc:"This issue answers whether climate change is a relevant issue"`
	Risks       []LineageRef `json:"risks" nullable:"false" doc:"The risks that address the issue; on input only their ids count"`
	Objectives  []string     `json:"objective_ids" nullable:"false" doc:"The ids of the objectives that address the issue"`
	ReviewDate  *Date        `json:"review_date,omitempty" doc:"When the issue is next reviewed"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// AuditLabel names the issue in the audit trail.
func (c *ContextIssue) AuditLabel() string { return c.Title }

// Normalize trims text fields and fills defaults.
func (c *ContextIssue) Normalize() {
	c.Title = CleanText(c.Title)
	c.Category = CleanText(c.Category)
	c.Description = CleanText(c.Description)
	c.Effect = CleanText(c.Effect)
	c.Reason = CleanText(c.Reason)
	if c.Relevance == "" {
		c.Relevance = RelevanceToDetermine
	}
	c.Risks = normalizeRefs(c.Risks)
	c.Objectives = cleanList(c.Objectives)
}

// Validate checks the fields a person enters.
func (c *ContextIssue) Validate() error {
	var v Validation
	v.Required("title", c.Title)
	v.MaxLen("title", c.Title, 200)
	v.Required("category", c.Category)
	v.MaxLen("category", c.Category, 100)
	if !c.Origin.IsValid() {
		v.Add("origin", "must be one of %s", joinValues(IssueOriginValues()))
	}
	v.MaxLen("description", c.Description, 20000)
	v.MaxLen("effect", c.Effect, 20000)
	if !c.Relevance.IsValid() {
		v.Add("relevance", "must be one of %s", joinValues(RelevanceValues()))
	}
	v.MaxLen("relevance_reason", c.Reason, 4000)
	if c.Relevance == RelevanceNotRelevant && c.Reason == "" {
		v.Add("relevance_reason", "is required when the issue is not relevant: say why")
	}
	ValidateRefs(&v, "risks", c.Risks, 200)
	validateList(&v, "objective_ids", c.Objectives, 200, 100)
	return v.Err()
}

// ContextIssueUpdate changes some fields of an issue; nil means unchanged.
// A zero ReviewDate clears it; Risks and Objectives replace the whole list.
type ContextIssueUpdate struct {
	Title       *string      `json:"title,omitempty"`
	Category    *string      `json:"category,omitempty"`
	Origin      *IssueOrigin `json:"origin,omitempty"`
	Description *string      `json:"description,omitempty"`
	Effect      *string      `json:"effect,omitempty"`
	Relevance   *Relevance   `json:"relevance,omitempty"`
	Reason      *string      `json:"relevance_reason,omitempty"`
	Climate     *bool        `json:"climate_change,omitempty"`
	Risks       *[]string    `json:"risks,omitempty" doc:"Risk ids; replace the whole list"`
	Objectives  *[]string    `json:"objective_ids,omitempty" doc:"Objective ids; replace the whole list"`
	ReviewDate  *Date        `json:"review_date,omitempty" doc:"An empty string clears it"`
}

// Apply returns a copy of c with the update's fields set.
func (u ContextIssueUpdate) Apply(c ContextIssue) ContextIssue {
	set(&c.Title, u.Title)
	set(&c.Category, u.Category)
	set(&c.Origin, u.Origin)
	set(&c.Description, u.Description)
	set(&c.Effect, u.Effect)
	set(&c.Relevance, u.Relevance)
	set(&c.Reason, u.Reason)
	set(&c.Climate, u.Climate)
	if u.Risks != nil {
		c.Risks = RefsOf(*u.Risks)
	}
	set(&c.Objectives, u.Objectives)
	if u.ReviewDate != nil {
		c.ReviewDate = nonZeroDate(*u.ReviewDate)
	}
	return c
}

// ContextIssueFilter selects issues.
type ContextIssueFilter struct {
	Search    string
	Category  string
	Origin    IssueOrigin
	Relevance Relevance
	// Sort is the order: name or updated_at or review, a leading "-"
	// reversing it; empty is the list's own order.
	Sort string
	Page
}

// IssueOrigin says whether an issue or party is inside the organization.
type IssueOrigin string

// The origins.
const (
	OriginInternal IssueOrigin = "internal"
	OriginExternal IssueOrigin = "external"
)

// IssueOriginValues lists the origins.
func IssueOriginValues() []IssueOrigin { return []IssueOrigin{OriginInternal, OriginExternal} }

// IsValid reports whether o is a known origin.
func (o IssueOrigin) IsValid() bool { return enumValid(o, IssueOriginValues()) }

// Title is the origin's name for people.
func (o IssueOrigin) Title() string { return titleOf(string(o)) }

// Relevance is whether an issue matters to the AIMS.
type Relevance string

// The relevance answers.
const (
	RelevanceRelevant    Relevance = "relevant"
	RelevanceNotRelevant Relevance = "not_relevant"
	RelevanceToDetermine Relevance = "to_determine"
)

// RelevanceValues lists the answers.
func RelevanceValues() []Relevance {
	return []Relevance{RelevanceRelevant, RelevanceNotRelevant, RelevanceToDetermine}
}

// IsValid reports whether r is a known answer.
func (r Relevance) IsValid() bool { return enumValid(r, RelevanceValues()) }

// Title is the answer's name for people.
func (r Relevance) Title() string {
	if r == RelevanceToDetermine {
		return "Not yet determined"
	}
	return titleOf(string(r))
}

// ContextCategories is the organization's list of categories for its
// context issues. Until the organization edits it, it is the default list.
type ContextCategories struct {
	ID         string    `json:"id,omitempty"`
	Categories []string  `json:"categories" nullable:"false"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
}

// DefaultContextCategories are the categories an organization starts with.
func DefaultContextCategories() []string {
	return []string{"Legal", "Technical", "Market", "Social", "Environmental", "Economic", "Organizational"}
}

// AuditLabel names the list in the audit trail.
func (c *ContextCategories) AuditLabel() string { return "Context categories" }

// Normalize trims the categories and drops repeats.
func (c *ContextCategories) Normalize() { c.Categories = cleanList(c.Categories) }

// Validate checks the list.
func (c *ContextCategories) Validate() error {
	var v Validation
	if len(c.Categories) == 0 {
		v.Add("categories", "name at least one category")
	}
	validateList(&v, "categories", c.Categories, 50, 100)
	seen := map[string]bool{}
	for i, s := range c.Categories {
		k := FoldKey(s)
		if seen[k] {
			v.Add("categories/"+itoa(i), "is listed twice")
		}
		seen[k] = true
	}
	return v.Err()
}

// Has reports whether name is one of the categories, any case.
func (c *ContextCategories) Has(name string) bool {
	for _, s := range c.Categories {
		if strings.EqualFold(FoldKey(s), FoldKey(name)) {
			return true
		}
	}
	return false
}

// Entity types of the context and support records in the audit trail.
const (
	EntityContextIssue      = "context_issue"
	EntityContextCategories = "context_categories"
	EntityInterestedParty   = "interested_party"
	EntityPlannedChange     = "planned_change"
	EntityResource          = "resource"
	EntityCommunication     = "communication"
)
