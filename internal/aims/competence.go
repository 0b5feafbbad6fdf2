package aims

import "time"

// CompetenceRequirement says that the holders of an AIMS role need a
// competence (ISO/IEC 42001 7.2, A.4.6): a course or qualification, held
// within the last ValidMonths months when that is set. With an impact
// domain it applies only to holders of the role for an AI system with that
// domain (the validation lead of a safety-relevant system).
type CompetenceRequirement struct {
	ID           string       `json:"id"`
	RoleID       string       `json:"role_id"`
	ImpactDomain ImpactDomain `json:"impact_domain,omitempty"`
	Competence   string       `json:"competence"`
	ValidMonths  int          `json:"valid_months,omitempty"`
	Action       string       `json:"action,omitempty"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	RoleName     string       `json:"role_name"`
}

// AuditLabel names the requirement in the audit trail.
func (c *CompetenceRequirement) AuditLabel() string { return c.RoleName + ": " + c.Competence }

// Normalize trims text fields.
func (c *CompetenceRequirement) Normalize() {
	c.RoleID, c.Competence, c.Action = CleanText(c.RoleID), CleanText(c.Competence), CleanText(c.Action)
}

// Validate checks the fields a person enters.
func (c *CompetenceRequirement) Validate() error {
	var v Validation
	v.Required("role_id", c.RoleID)
	v.Required("competence", c.Competence)
	v.MaxLen("competence", c.Competence, 200)
	if c.ImpactDomain != "" && !c.ImpactDomain.IsValid() {
		v.Add("impact_domain", "must be one of %s", joinValues(ImpactDomainValues()))
	}
	if c.ValidMonths < 0 || c.ValidMonths > 600 {
		v.Add("valid_months", "must be between 0 (never expires) and 600")
	}
	v.MaxLen("action", c.Action, 2000)
	return v.Err()
}

// CompetenceRequirementUpdate changes some fields of a requirement.
type CompetenceRequirementUpdate struct {
	ImpactDomain *ImpactDomain `json:"impact_domain,omitempty"`
	Competence   *string       `json:"competence,omitempty"`
	ValidMonths  *int          `json:"valid_months,omitempty"`
	Action       *string       `json:"action,omitempty"`
}

// Apply returns a copy of c with the update's fields set.
func (u CompetenceRequirementUpdate) Apply(c CompetenceRequirement) CompetenceRequirement {
	set(&c.ImpactDomain, u.ImpactDomain)
	set(&c.Competence, u.Competence)
	set(&c.ValidMonths, u.ValidMonths)
	set(&c.Action, u.Action)
	return c
}

// CompetenceRequirementFilter selects requirements.
type CompetenceRequirementFilter struct {
	RoleID string
	Page
}

// TrainingRecord is a course attended or a qualification held by a person
// (7.2 d: documented information as evidence of competence).
type TrainingRecord struct {
	ID          string    `json:"id"`
	PersonID    string    `json:"person_id"`
	Competence  string    `json:"competence"`
	CompletedOn Date      `json:"completed_on"`
	ExpiresOn   *Date     `json:"expires_on,omitempty"`
	Evidence    string    `json:"evidence,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	PersonName  string    `json:"person_name"`
}

// AuditLabel names the record in the audit trail.
func (r *TrainingRecord) AuditLabel() string { return r.PersonName + ": " + r.Competence }

// Normalize trims text fields.
func (r *TrainingRecord) Normalize() {
	r.PersonID, r.Competence, r.Evidence = CleanText(r.PersonID), CleanText(r.Competence), CleanText(r.Evidence)
	if r.ExpiresOn != nil && r.ExpiresOn.IsZero() {
		r.ExpiresOn = nil
	}
}

// Validate checks the fields a person enters: an expiry after the date.
func (r *TrainingRecord) Validate() error {
	var v Validation
	v.Required("person_id", r.PersonID)
	v.Required("competence", r.Competence)
	v.MaxLen("competence", r.Competence, 200)
	if r.CompletedOn.IsZero() {
		v.Add("completed_on", "is required")
	}
	if r.ExpiresOn != nil && !r.CompletedOn.IsZero() && !r.CompletedOn.Before(*r.ExpiresOn) {
		v.Add("expires_on", "must be after completed_on")
	}
	v.MaxLen("evidence", r.Evidence, 2000)
	return v.Err()
}

// TrainingRecordUpdate changes some fields of a record.
type TrainingRecordUpdate struct {
	Competence  *string `json:"competence,omitempty"`
	CompletedOn *Date   `json:"completed_on,omitempty"`
	ExpiresOn   *Date   `json:"expires_on,omitempty" doc:"An empty string removes the expiry"`
	Evidence    *string `json:"evidence,omitempty"`
}

// Apply returns a copy of r with the update's fields set.
func (u TrainingRecordUpdate) Apply(r TrainingRecord) TrainingRecord {
	set(&r.Competence, u.Competence)
	set(&r.CompletedOn, u.CompletedOn)
	if u.ExpiresOn != nil {
		e := *u.ExpiresOn
		r.ExpiresOn = &e
	}
	set(&r.Evidence, u.Evidence)
	return r
}

// TrainingRecordFilter selects training records.
type TrainingRecordFilter struct {
	PersonID string
	Search   string // part of the competence, any case
	Page
}

// AwarenessSession is a briefing or workshop that counts toward the
// awareness of those who attended (7.3).
type AwarenessSession struct {
	ID          string    `json:"id"`
	HeldOn      Date      `json:"held_on"`
	Topic       string    `json:"topic"`
	Notes       string    `json:"notes,omitempty"`
	AttendeeIDs []string  `json:"attendee_ids"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// AuditLabel names the session in the audit trail.
func (s *AwarenessSession) AuditLabel() string { return s.Topic + " (" + s.HeldOn.String() + ")" }

// Normalize trims text fields and drops repeated attendees.
func (s *AwarenessSession) Normalize() {
	s.Topic, s.Notes = CleanText(s.Topic), CleanText(s.Notes)
	seen := map[string]bool{}
	out := []string{}
	for _, id := range s.AttendeeIDs {
		id = CleanText(id)
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	s.AttendeeIDs = out
}

// Validate checks the fields a person enters.
func (s *AwarenessSession) Validate() error {
	var v Validation
	if s.HeldOn.IsZero() {
		v.Add("held_on", "is required")
	}
	v.Required("topic", s.Topic)
	v.MaxLen("topic", s.Topic, 200)
	v.MaxLen("notes", s.Notes, 20000)
	return v.Err()
}

// AwarenessSessionUpdate changes some fields of a session.
type AwarenessSessionUpdate struct {
	HeldOn      *Date     `json:"held_on,omitempty"`
	Topic       *string   `json:"topic,omitempty"`
	Notes       *string   `json:"notes,omitempty"`
	AttendeeIDs *[]string `json:"attendee_ids,omitempty"`
}

// Apply returns a copy of s with the update's fields set.
func (u AwarenessSessionUpdate) Apply(s AwarenessSession) AwarenessSession {
	set(&s.HeldOn, u.HeldOn)
	set(&s.Topic, u.Topic)
	set(&s.Notes, u.Notes)
	set(&s.AttendeeIDs, u.AttendeeIDs)
	return s
}

// AwarenessSessionFilter selects sessions.
type AwarenessSessionFilter struct {
	PersonID string // sessions the person attended
	Page
}

// LiteracySetting is what the organization counts as sufficient AI
// literacy (EU AI Act Art. 4, applying since 2 February 2025): any one of
// the competences, held within the last MaxAgeMonths months (0: no limit).
type LiteracySetting struct {
	ID           string    `json:"id"`
	Competences  []string  `json:"competences"`
	MaxAgeMonths int       `json:"max_age_months"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// AuditLabel names the setting in the audit trail.
func (l *LiteracySetting) AuditLabel() string { return "AI literacy" }

// Normalize trims the competences.
func (l *LiteracySetting) Normalize() {
	out := []string{}
	for _, c := range l.Competences {
		if c = CleanText(c); c != "" {
			out = append(out, c)
		}
	}
	l.Competences = out
}

// Validate checks the setting.
func (l *LiteracySetting) Validate() error {
	var v Validation
	if len(l.Competences) == 0 {
		v.Add("competences", "name at least one training that counts as AI literacy")
	}
	for _, c := range l.Competences {
		v.MaxLen("competences", c, 200)
	}
	if l.MaxAgeMonths < 0 || l.MaxAgeMonths > 600 {
		v.Add("max_age_months", "must be between 0 (no limit) and 600")
	}
	return v.Err()
}

// GapReason says why a competence is a gap.
type GapReason string

// The reasons.
const (
	GapMissing GapReason = "missing"
	GapExpired GapReason = "expired"
)

// GapReasonValues lists the reasons.
func GapReasonValues() []GapReason { return []GapReason{GapMissing, GapExpired} }

// IsValid reports whether r is a known reason.
func (r GapReason) IsValid() bool { return enumValid(r, GapReasonValues()) }

// Title is the reason for people.
func (r GapReason) Title() string {
	if r == GapMissing {
		return "Not held"
	}
	return "Expired"
}

// CompetenceGap is a competence a person needs and does not hold now, with
// the action that closes it.
type CompetenceGap struct {
	PersonID      string    `json:"person_id"`
	PersonName    string    `json:"person_name"`
	RequirementID string    `json:"requirement_id"`
	RoleName      string    `json:"role_name"`
	Competence    string    `json:"competence"`
	Reason        GapReason `json:"reason"`
	ExpiredOn     *Date     `json:"expired_on,omitempty"`
	Action        string    `json:"action"`
}

// LiteracyStatus is a person's AI literacy against the setting.
type LiteracyStatus string

// The statuses.
const (
	LiteracySufficient    LiteracyStatus = "sufficient"
	LiteracyGap           LiteracyStatus = "gap"
	LiteracyExpired       LiteracyStatus = "expired"
	LiteracyNotApplicable LiteracyStatus = "not_applicable" // the person's work touches no AI system
)

// LiteracyStatusValues lists the statuses.
func LiteracyStatusValues() []LiteracyStatus {
	return []LiteracyStatus{LiteracySufficient, LiteracyGap, LiteracyExpired, LiteracyNotApplicable}
}

// IsValid reports whether s is a known status.
func (s LiteracyStatus) IsValid() bool { return enumValid(s, LiteracyStatusValues()) }

// Title is the status for people.
func (s LiteracyStatus) Title() string {
	switch s {
	case LiteracySufficient:
		return "Sufficient"
	case LiteracyGap:
		return "Gap"
	case LiteracyExpired:
		return "Expired"
	}
	return "Not applicable"
}

// LiteracyRow is one person's AI literacy.
type LiteracyRow struct {
	PersonID   string         `json:"person_id"`
	PersonName string         `json:"person_name"`
	Status     LiteracyStatus `json:"status"`
	Latest     *Date          `json:"latest,omitempty"` // the latest training that counts
}

// PersonCompetence is what the person page shows of a person's competence:
// their roles, training, gaps, AI literacy and awareness.
type PersonCompetence struct {
	Person      *Person             `json:"person"`
	Assignments []*RoleAssignment   `json:"assignments"`
	Training    []*TrainingRecord   `json:"training"`
	Gaps        []CompetenceGap     `json:"gaps"`
	Literacy    LiteracyStatus      `json:"literacy"`
	Awareness   []*AwarenessSession `json:"awareness"`
	// PolicyAcks are the AI policies in force and whether the person's
	// account acknowledged the approved version (7.3 a); AwarenessStatus
	// counts them with the sessions attended (issue 16 item 6).
	PolicyAcks      []PolicyAck     `json:"policy_acknowledgements"`
	AwarenessStatus AwarenessStatus `json:"awareness_status"`
}

// PolicyAck is an AI policy's approved version in force and whether, and
// when, a person acknowledged it (through their account).
type PolicyAck struct {
	DocumentID     string     `json:"document_id"`
	DocumentTitle  string     `json:"document_title"`
	VersionID      string     `json:"version_id"`
	Version        string     `json:"version" doc:"Like 1.2"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
}

// AwarenessStatus says whether a person has shown awareness of the AI
// policy and their part in the AIMS (7.3).
type AwarenessStatus string

// Awareness statuses.
const (
	AwarenessAware AwarenessStatus = "aware" // attended a session or acknowledged the AI policy in force
	AwarenessNone  AwarenessStatus = "none"
)

// AwarenessStatusValues lists the statuses.
func AwarenessStatusValues() []AwarenessStatus {
	return []AwarenessStatus{AwarenessAware, AwarenessNone}
}

// IsValid reports whether s is a known status.
func (s AwarenessStatus) IsValid() bool { return enumValid(s, AwarenessStatusValues()) }

// Title is the status in words.
func (s AwarenessStatus) Title() string {
	if s == AwarenessAware {
		return "Aware"
	}
	return "No awareness recorded"
}
