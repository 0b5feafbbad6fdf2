package aims

import "time"

// PlannedChange is a change to the AIMS carried out in a planned way
// (ISO/IEC 42001 6.3): its purpose and potential consequences, the
// resources it needs, who is responsible, and its completion.
type PlannedChange struct {
	ID              string       `json:"id"`
	Title           string       `json:"title"`
	Purpose         string       `json:"purpose"`
	Consequences    string       `json:"consequences" doc:"Potential consequences of the change"`
	Resources       string       `json:"resources" doc:"The resources the change needs"`
	ResponsibleID   string       `json:"responsible_id,omitempty" doc:"The member responsible for the change"`
	ResponsibleName string       `json:"responsible_name,omitempty"`
	TargetDate      *Date        `json:"target_date,omitempty"`
	Status          ChangeStatus `json:"status"`
	CompletedOn     *Date        `json:"completed_on,omitempty"`
	CompletionNote  string       `json:"completion_note"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// AuditLabel names the change in the audit trail.
func (c *PlannedChange) AuditLabel() string { return c.Title }

// Normalize trims text fields and fills defaults.
func (c *PlannedChange) Normalize() {
	c.Title = CleanText(c.Title)
	c.Purpose = CleanText(c.Purpose)
	c.Consequences = CleanText(c.Consequences)
	c.Resources = CleanText(c.Resources)
	c.ResponsibleID = CleanText(c.ResponsibleID)
	c.CompletionNote = CleanText(c.CompletionNote)
	if c.Status == "" {
		c.Status = ChangePlanned
	}
}

// Validate checks the fields a person enters.
func (c *PlannedChange) Validate() error {
	var v Validation
	v.Required("title", c.Title)
	v.MaxLen("title", c.Title, 200)
	v.Required("purpose", c.Purpose)
	v.MaxLen("purpose", c.Purpose, 20000)
	v.MaxLen("consequences", c.Consequences, 20000)
	v.MaxLen("resources", c.Resources, 20000)
	v.MaxLen("completion_note", c.CompletionNote, 20000)
	if !c.Status.IsValid() {
		v.Add("status", "must be one of %s", joinValues(ChangeStatusValues()))
	}
	switch {
	case c.Status == ChangeCompleted && c.CompletedOn == nil:
		v.Add("completed_on", "is required when the change is completed")
	case c.CompletedOn != nil && c.Status != ChangeCompleted && c.Status != ChangeCancelled:
		v.Add("completed_on", "is only set when the change is completed or cancelled")
	}
	if c.Status == ChangeCancelled && c.CompletionNote == "" {
		v.Add("completion_note", "is required when the change is cancelled: say why")
	}
	return v.Err()
}

// PlannedChangeUpdate changes some fields of a change; nil means
// unchanged, a zero date clears one, an empty ResponsibleID removes them.
type PlannedChangeUpdate struct {
	Title          *string       `json:"title,omitempty"`
	Purpose        *string       `json:"purpose,omitempty"`
	Consequences   *string       `json:"consequences,omitempty"`
	Resources      *string       `json:"resources,omitempty"`
	ResponsibleID  *string       `json:"responsible_id,omitempty"`
	TargetDate     *Date         `json:"target_date,omitempty" doc:"An empty string clears it"`
	Status         *ChangeStatus `json:"status,omitempty"`
	CompletedOn    *Date         `json:"completed_on,omitempty" doc:"An empty string clears it"`
	CompletionNote *string       `json:"completion_note,omitempty"`
}

// Apply returns a copy of c with the update's fields set.
func (u PlannedChangeUpdate) Apply(c PlannedChange) PlannedChange {
	set(&c.Title, u.Title)
	set(&c.Purpose, u.Purpose)
	set(&c.Consequences, u.Consequences)
	set(&c.Resources, u.Resources)
	set(&c.ResponsibleID, u.ResponsibleID)
	set(&c.Status, u.Status)
	set(&c.CompletionNote, u.CompletionNote)
	if u.TargetDate != nil {
		c.TargetDate = nonZeroDate(*u.TargetDate)
	}
	if u.CompletedOn != nil {
		c.CompletedOn = nonZeroDate(*u.CompletedOn)
	}
	return c
}

// PlannedChangeFilter selects changes.
type PlannedChangeFilter struct {
	Search string
	Status ChangeStatus
	// Sort is the order: name or updated_at or target (date), a leading "-"
	// reversing it; empty is the list's own order.
	Sort string
	Page
}

// ChangeStatus is where a planned change stands.
type ChangeStatus string

// The statuses of a planned change.
const (
	ChangePlanned    ChangeStatus = "planned"
	ChangeInProgress ChangeStatus = "in_progress"
	ChangeCompleted  ChangeStatus = "completed"
	ChangeCancelled  ChangeStatus = "cancelled"
)

// ChangeStatusValues lists the statuses.
func ChangeStatusValues() []ChangeStatus {
	return []ChangeStatus{ChangePlanned, ChangeInProgress, ChangeCompleted, ChangeCancelled}
}

// IsValid reports whether s is a known status.
func (s ChangeStatus) IsValid() bool { return enumValid(s, ChangeStatusValues()) }

// Title is the status's name for people.
func (s ChangeStatus) Title() string { return titleOf(string(s)) }
