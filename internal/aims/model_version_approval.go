package aims

import (
	"strings"
	"time"
)

// ModelVersionApproval is the recorded act that moves a model version to
// approved or deployed: who did it, when, and on what — a reference to the
// validation evidence, the acceptance criteria and the result that met them
// (ISO/IEC 42001 A.6.2.4 verification and validation, A.6.2.5 deployment).
// A person with the approve permission records it; the system's owner alone
// may not approve what they built.
type ModelVersionApproval struct {
	ID                 string             `json:"id"`
	Status             ModelVersionStatus `json:"status" enum:"approved,deployed" doc:"The status the act moved the model version to"`
	Evidence           string             `json:"evidence" doc:"A reference to the validation evidence: a report, a run, a ticket"`
	AcceptanceCriteria string             `json:"acceptance_criteria" doc:"The acceptance criteria the model version was held to"`
	Result             string             `json:"result" doc:"What the validation found against those criteria"`
	ApprovedBy         string             `json:"approved_by,omitempty" doc:"The user who recorded the act"`
	ApprovedByName     string             `json:"approved_by_name" doc:"Their name (or the token's or process's label)"`
	ApprovedAt         time.Time          `json:"approved_at"`
	// Gate is the gate the act passed, and Checks its checks' results as
	// evaluated at the act (package gate), sealed with it.
	Gate   string            `json:"gate,omitempty" doc:"The lifecycle gate the act passed"`
	Checks []GateCheckResult `json:"checks" nullable:"false" doc:"The gate's checks as evaluated at the act"`
	// OverrideReason, when set, says an admin moved the model version past
	// a gate whose checks did not all hold, and why (flagged everywhere
	// the model version is shown or exported).
	OverrideReason string `json:"override_reason,omitempty" doc:"Set when an admin overrode the gate: why"`
	// GateRequestID names the gate request whose approvals completed the
	// act, and Approvers who approved it; an act one person recorded
	// alone has neither.
	GateRequestID string         `json:"gate_request_id,omitempty" doc:"The gate request (an approval request) that completed the act"`
	Approvers     []GateApprover `json:"approvers,omitempty" doc:"Who approved the gate request, with their role"`
}

// GateApprover is one person who approved a gate request.
type GateApprover struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// GateCheckResult is one check of a lifecycle gate with its outcome, as
// recorded with the act that passed the gate (package gate evaluates).
type GateCheckResult struct {
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	Passed bool   `json:"passed"`
	Why    string `json:"why"`
}

// Normalize trims the text fields.
func (a *ModelVersionApproval) Normalize() {
	a.Evidence = strings.TrimSpace(a.Evidence)
	a.AcceptanceCriteria = strings.TrimSpace(a.AcceptanceCriteria)
	a.Result = strings.TrimSpace(a.Result)
	a.OverrideReason = strings.TrimSpace(a.OverrideReason)
	if a.Checks == nil {
		a.Checks = []GateCheckResult{}
	}
}

// Validate checks the fields a person enters.
func (a *ModelVersionApproval) Validate() error {
	var v Validation
	if a.Status != ModelApproved && a.Status != ModelDeployed {
		v.Add("status", "must be approved or deployed")
	}
	v.Required("evidence", a.Evidence)
	v.MaxLen("evidence", a.Evidence, 2000)
	v.Required("acceptance_criteria", a.AcceptanceCriteria)
	v.MaxLen("acceptance_criteria", a.AcceptanceCriteria, 20000)
	v.Required("result", a.Result)
	v.MaxLen("result", a.Result, 20000)
	v.MaxLen("override_reason", a.OverrideReason, 2000)
	return v.Err()
}

// ApprovalFrom lists the statuses from which a model version may move to
// to by an approval act: a candidate or validated version is approved, an
// approved one is deployed.
func ApprovalFrom(to ModelVersionStatus) []ModelVersionStatus {
	switch to {
	case ModelApproved:
		return []ModelVersionStatus{ModelCandidate, ModelValidated}
	case ModelDeployed:
		return []ModelVersionStatus{ModelApproved}
	}
	return nil
}

// SetByApproval reports whether a status is reached only through an
// approval act, never by editing the model version.
func (s ModelVersionStatus) SetByApproval() bool { return s == ModelApproved || s == ModelDeployed }
