package aims

import (
	"time"
)

// EntitySuspension is how the audit trail names a suspension.
const EntitySuspension = "suspension"

// Token scopes of edge gateways: a token with these may post decisions and
// ask whether a system may act, for the systems named on it, and nothing
// else.
const (
	// ScopeDecisionsWrite posts decision events.
	ScopeDecisionsWrite = "decisions:write"
	// ScopeAuthorizationRead asks whether a system and model version may
	// act now.
	ScopeAuthorizationRead = "authorization:read"
)

// Suspension is the stop of an AI system, or of one of its model versions,
// by someone with the authority to stop it (ISO/IEC 42001 A.9.2 and A.3.2;
// EU AI Act Art. 14(4)(e) and 26(5)). It lasts until someone with the same
// authority resumes it; both acts are kept as history.
type Suspension struct {
	ID               string     `json:"id"`
	SystemID         string     `json:"system_id"`
	ModelVersionID   string     `json:"model_version_id,omitempty" doc:"The model version suspended; empty when the whole system is"`
	ModelVersion     string     `json:"model_version,omitempty" doc:"That model version's label"`
	Reason           string     `json:"reason"`
	SuspendedAt      time.Time  `json:"suspended_at"`
	SuspendedBy      string     `json:"suspended_by" doc:"The user id of who suspended it"`
	SuspendedByLabel string     `json:"suspended_by_label"`
	ResumedAt        *time.Time `json:"resumed_at,omitempty"`
	ResumedBy        string     `json:"resumed_by,omitempty"`
	ResumedByLabel   string     `json:"resumed_by_label,omitempty"`
	ResumeNote       string     `json:"resume_note,omitempty"`
}

// AuditLabel names the suspension in the audit trail.
func (s *Suspension) AuditLabel() string {
	if s.ModelVersion != "" {
		return "suspension of model version " + s.ModelVersion
	}
	return "suspension of the system"
}

// Active reports whether the suspension still holds.
func (s *Suspension) Active() bool { return s.ResumedAt == nil }

// NewSuspension asks to stop a system, or one model version of it.
type NewSuspension struct {
	ModelVersionID string `json:"model_version_id,omitempty" doc:"Suspend only this model version; leave out to suspend the whole system"`
	Reason         string `json:"reason" doc:"Why: shown to everyone who asks whether the system may act"`
}

// Validate checks the request.
func (n *NewSuspension) Validate() error {
	var v Validation
	n.Reason = CleanText(n.Reason)
	n.ModelVersionID = CleanText(n.ModelVersionID)
	v.Required("reason", n.Reason)
	v.MaxLen("reason", n.Reason, 2000)
	return v.Err()
}

// Resumption asks to lift a suspension.
type Resumption struct {
	ModelVersionID string `json:"model_version_id,omitempty" doc:"Resume this model version; leave out to resume the whole system"`
	Note           string `json:"note,omitempty" doc:"Why it may act again"`
}

// Authorization answers whether an AI system, and one of its model
// versions, may act now.
type Authorization struct {
	SystemID         string             `json:"system_id"`
	Authorized       bool               `json:"authorized" doc:"Whether the system (and the model version asked about) may act now"`
	Code             string             `json:"code,omitempty" enum:"system_not_deployed,system_suspended,model_version_unknown,model_version_not_approved,model_version_suspended,gate_reopened" doc:"Why not, for programs"`
	Reason           string             `json:"reason,omitempty" doc:"Why not, for people"`
	SystemStage      LifecycleStage     `json:"system_stage"`
	SystemSuspension *Suspension        `json:"system_suspension,omitempty"`
	ModelVersion     string             `json:"model_version,omitempty" doc:"The model version asked about, as asked"`
	ModelVersionID   string             `json:"model_version_id,omitempty"`
	VersionStatus    ModelVersionStatus `json:"model_version_status,omitempty"`
	VersionSuspended *Suspension        `json:"model_version_suspension,omitempty"`
	CheckedAt        time.Time          `json:"checked_at"`
}

// The codes of an authorization refused.
const (
	AuthzSystemNotDeployed  = "system_not_deployed"
	AuthzSystemSuspended    = "system_suspended"
	AuthzVersionUnknown     = "model_version_unknown"
	AuthzVersionNotApproved = "model_version_not_approved"
	AuthzVersionSuspended   = "model_version_suspended"
)

// SuspensionReason describes an open suspension for the answer's reason.
func SuspensionReason(what string, s *Suspension) string {
	return what + " was suspended by " + s.SuspendedByLabel + " on " + s.SuspendedAt.UTC().Format("2006-01-02 15:04 UTC") + ": " + s.Reason
}
