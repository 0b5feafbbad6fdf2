package aims

import (
	"strings"
	"time"
)

// ObligationState is how far an organization has come with one EU AI Act
// obligation of one AI system.
type ObligationState string

// The obligation states.
const (
	ObligationOpen          ObligationState = "open"
	ObligationInProgress    ObligationState = "in_progress"
	ObligationMet           ObligationState = "met"
	ObligationNotApplicable ObligationState = "not_applicable"
)

// ObligationStateValues lists the states in the order of work.
func ObligationStateValues() []ObligationState {
	return []ObligationState{ObligationOpen, ObligationInProgress, ObligationMet, ObligationNotApplicable}
}

// IsValid reports whether s is a known state.
func (s ObligationState) IsValid() bool { return enumValid(s, ObligationStateValues()) }

// Title is the state's name for people.
func (s ObligationState) Title() string {
	switch s {
	case ObligationInProgress:
		return "In progress"
	case ObligationNotApplicable:
		return "Not applicable"
	}
	return titleOf(string(s))
}

// Settled reports whether the obligation no longer blocks the system.
func (s ObligationState) Settled() bool { return s == ObligationMet || s == ObligationNotApplicable }

// EntityObligationStatus is the audit trail's name for an obligation's
// status.
const EntityObligationStatus = "obligation_status"

// ObligationStatus is the recorded status of one EU AI Act obligation
// (an article the system's classification names) for one AI system: who
// set it, when, and a note on what was done or why it does not apply.
type ObligationStatus struct {
	ID        string          `json:"id"`
	SystemID  string          `json:"system_id"`
	Article   string          `json:"article" doc:"The article as the classification names it, e.g. Art. 9"`
	Status    ObligationState `json:"status" enum:"open,in_progress,met,not_applicable"`
	Note      string          `json:"note" doc:"What was done, where the evidence is, or why it does not apply"`
	SetBy     string          `json:"set_by,omitempty" doc:"The user who set the status"`
	SetByName string          `json:"set_by_name" doc:"Their name (or the token's label)"`
	SetAt     time.Time       `json:"set_at"`
}

// AuditLabel names the status in the audit trail.
func (o *ObligationStatus) AuditLabel() string { return o.Article + ": " + o.Status.Title() }

// Normalize trims the text fields.
func (o *ObligationStatus) Normalize() {
	o.Article = strings.Join(strings.Fields(o.Article), " ")
	o.Note = CleanText(o.Note)
}

// Validate checks the fields a person enters; that the article is one of
// the system's obligations is the service's check.
func (o *ObligationStatus) Validate() error {
	var v Validation
	v.Required("article", o.Article)
	if !o.Status.IsValid() {
		v.Add("status", "must be one of open, in_progress, met, not_applicable")
	}
	if o.Status == ObligationNotApplicable && o.Note == "" {
		v.Add("note", "must say why the obligation does not apply")
	}
	v.MaxLen("note", o.Note, 4000)
	return v.Err()
}

// SystemObligation is one obligation of a system's classification with
// its status (open, never set, when nobody has set one yet).
type SystemObligation struct {
	Obligation
	State ObligationStatusView `json:"state"`
}

// ObligationStatusView is an obligation's status as read: Set is false
// while nobody has set it (it is then open).
type ObligationStatusView struct {
	Status    ObligationState `json:"status" enum:"open,in_progress,met,not_applicable"`
	Note      string          `json:"note,omitempty"`
	SetBy     string          `json:"set_by,omitempty"`
	SetByName string          `json:"set_by_name,omitempty"`
	SetAt     *time.Time      `json:"set_at,omitempty"`
}

// GovernanceControl is an Annex A (or other catalog) control that treats
// one of a system's risks, with its row in the newest SoA version.
type GovernanceControl struct {
	Framework     string               `json:"framework"`
	RequirementID string               `json:"requirement_id"`
	Title         string               `json:"title"`
	InSoA         bool                 `json:"in_soa" doc:"False when the newest SoA version has no row for it"`
	Applicability Applicability        `json:"applicability,omitempty"`
	Status        ImplementationStatus `json:"implementation_status,omitempty"`
	Risks         []string             `json:"risks" doc:"The ids of the system's risks it treats"`
}

// Blocker is an open item that keeps an AI system from being in order.
type Blocker struct {
	Kind    string `json:"kind" enum:"impact_assessment,risk_above_appetite,obligation_open,supplier_review_overdue"`
	Subject string `json:"subject" doc:"What it is about: an assessment, a risk (R-7) or an article"`
	ID      string `json:"id,omitempty" doc:"The id of the risk or assessment, or the obligation's article"`
	Detail  string `json:"detail" doc:"Why it blocks, for people"`
}

// The kinds of blockers.
const (
	BlockerImpact     = "impact_assessment"
	BlockerRisk       = "risk_above_appetite"
	BlockerObligation = "obligation_open"
	BlockerSupplier   = "supplier_review_overdue"
)

// SystemGovernance is the hub's answer for one AI system: its risks, the
// controls that treat them with their SoA rows, its EU AI Act
// obligations with their status, and what blocks it.
type SystemGovernance struct {
	SystemID string  `json:"system_id"`
	Risks    []*Risk `json:"risks"`
	// RiskAppetite is the highest level the organization accepts without
	// an explicit acceptance (from the current risk criteria).
	RiskAppetite string `json:"risk_appetite,omitempty"`
	// Criteria are the risk criteria in force, which name the levels.
	Criteria   *RiskCriteria       `json:"-"`
	SoAVersion int                 `json:"soa_version,omitempty" doc:"The SoA version the controls' rows come from; 0 when there is none"`
	SoAStatus  SoAStatus           `json:"soa_status,omitempty"`
	Controls   []GovernanceControl `json:"controls"`
	// ClassificationVersion is the version the obligations come from; 0
	// when the system is not classified.
	ClassificationVersion int                `json:"classification_version,omitempty"`
	Tier                  Tier               `json:"tier,omitempty"`
	Obligations           []SystemObligation `json:"obligations"`
	Impact                *ImpactSummary     `json:"impact"`
	Blockers              []Blocker          `json:"blockers"`
}
