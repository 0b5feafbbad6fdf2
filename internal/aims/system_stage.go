package aims

import (
	"strings"
	"time"
)

// EntityStageTransition is how the audit trail names the act that moved an
// AI system to another lifecycle stage.
const EntityStageTransition = "stage_transition"

// RegisteredDeployedReason is the override recorded on an AI system that
// was registered at the deployed stage: it runs already, but it did not
// pass its deployment gate in aims.
const RegisteredDeployedReason = "registered as already deployed: its gate was not passed in aims"

// StageTransition is the recorded act that moved an AI system from one
// lifecycle stage to another (ISO/IEC 42001 A.6.2, A.6.2.5 deployment; 8.1
// operational control): a stage is not set by editing the record. Into
// deployed the act passes the system deployment gate; Gate and Checks keep
// its checks' results as evaluated at the act, and OverrideReason, when
// set, says the system moved although a check failed (an admin's override,
// or a registration of a system already deployed).
type StageTransition struct {
	ID             string            `json:"id"`
	SystemID       string            `json:"system_id"`
	From           LifecycleStage    `json:"from_stage" doc:"The stage before the act; empty when the system was registered at its stage"`
	To             LifecycleStage    `json:"to_stage"`
	Comment        string            `json:"comment"`
	Gate           string            `json:"gate,omitempty" doc:"The lifecycle gate the act passed (into deployed: system_deployment)"`
	Checks         []GateCheckResult `json:"checks" nullable:"false" doc:"The gate's checks as evaluated at the act"`
	OverrideReason string            `json:"override_reason,omitempty" doc:"Set when the system moved although the gate's checks did not all hold: why"`
	ByID           string            `json:"by_id,omitempty"`
	ByLabel        string            `json:"by_label" doc:"Who recorded the act (a person's name, a token's or process's label)"`
	At             time.Time         `json:"at"`
}

// AuditLabel names the act in the audit trail.
func (t *StageTransition) AuditLabel() string {
	if t.From == "" {
		return "registered at " + strings.ToLower(t.To.Title())
	}
	return strings.ToLower(t.From.Title()) + " → " + strings.ToLower(t.To.Title())
}

// NewStageTransition asks to move an AI system to another stage.
type NewStageTransition struct {
	To             LifecycleStage `json:"to"`
	Comment        string         `json:"comment,omitempty"`
	OverrideReason string         `json:"override_reason,omitempty"`
}

// Normalize trims the text fields.
func (n *NewStageTransition) Normalize() {
	n.Comment = CleanText(n.Comment)
	n.OverrideReason = CleanText(n.OverrideReason)
}

// Validate checks the fields a person enters.
func (n *NewStageTransition) Validate() error {
	var v Validation
	if !n.To.IsValid() {
		v.Add("to", "must be one of %s", joinValues(LifecycleStageValues()))
	}
	v.MaxLen("comment", n.Comment, 2000)
	v.MaxLen("override_reason", n.OverrideReason, 2000)
	return v.Err()
}

// GateOverride flags an AI system that reached its stage without passing
// its gate in aims: who let it through, when and why. It stays on the
// system, in every view and export of it, until the system passes its
// deployment gate.
type GateOverride struct {
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Words says the override in one line for people and exports.
func (o *GateOverride) Words() string {
	if o == nil {
		return ""
	}
	s := o.Reason
	if o.By != "" {
		s += " (" + o.By
		if !o.At.IsZero() {
			s += ", " + o.At.UTC().Format("2006-01-02")
		}
		s += ")"
	}
	return s
}
