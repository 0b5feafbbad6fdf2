package aims

import (
	"time"
)

// EntityApprovalRequest is the audit trail's name for an approval request;
// its decisions are sealed in the request's image.
const EntityApprovalRequest = "approval_request"

// ApprovalStatus is where an approval request stands (internal/approval
// decides it).
type ApprovalStatus string

// The approval statuses.
const (
	ApprovalPending  ApprovalStatus = "pending"
	ApprovalApproved ApprovalStatus = "approved"
	ApprovalRejected ApprovalStatus = "rejected"
	ApprovalVoid     ApprovalStatus = "void"
)

// ApprovalStatusValues lists the statuses.
func ApprovalStatusValues() []ApprovalStatus {
	return []ApprovalStatus{ApprovalPending, ApprovalApproved, ApprovalRejected, ApprovalVoid}
}

// IsValid reports whether s is a known status.
func (s ApprovalStatus) IsValid() bool { return enumValid(s, ApprovalStatusValues()) }

// Title is the status for people.
func (s ApprovalStatus) Title() string {
	if s == ApprovalVoid {
		return "Void (content changed)"
	}
	return titleOf(string(s))
}

// Verdict is what one approver decided.
type Verdict string

// The verdicts.
const (
	VerdictApprove Verdict = "approve"
	VerdictReject  Verdict = "reject"
)

// VerdictValues lists the verdicts.
func VerdictValues() []Verdict { return []Verdict{VerdictApprove, VerdictReject} }

// IsValid reports whether v is a known verdict.
func (v Verdict) IsValid() bool { return enumValid(v, VerdictValues()) }

// Title is the verdict for people.
func (v Verdict) Title() string {
	if v == VerdictApprove {
		return "Approved"
	}
	return "Rejected"
}

// ApprovalRequest asks named people and/or the holders of roles to
// approve the exact content of a record: its SHA-256 digest is part of the
// request, and a change to the content voids it (ISO/IEC 42001 5.1, 7.5.2,
// A.6.2.5). With separation of duties, the requester may not decide.
type ApprovalRequest struct {
	ID                 string             `json:"id"`
	SubjectKind        string             `json:"subject_kind" doc:"What kind of record is approved: document_version, model_version_gate"`
	SubjectID          string             `json:"subject_id"`
	SubjectDigest      string             `json:"subject_digest" doc:"SHA-256 of the content approval was asked for"`
	SubjectLabel       string             `json:"subject_label" doc:"The record's name for people"`
	Approvers          []string           `json:"approvers" doc:"The ids of the people named as approvers"`
	ApproverRoles      []Role             `json:"approver_roles" doc:"Roles whose holders may approve"`
	Quorum             int                `json:"quorum" doc:"How many approvals it needs"`
	DueOn              *Date              `json:"due_on,omitempty"`
	RequestedBy        string             `json:"requested_by"`
	RequestedByLabel   string             `json:"requested_by_label"`
	SeparationOfDuties bool               `json:"separation_of_duties" doc:"The requester may not decide"`
	Status             ApprovalStatus     `json:"status"`
	Reason             string             `json:"reason" doc:"Why it stands where it does"`
	CreatedAt          time.Time          `json:"created_at"`
	UpdatedAt          time.Time          `json:"updated_at"`
	Decisions          []ApprovalDecision `json:"decisions"`
	// WaitingForMe and Overdue are computed for the caller when read.
	WaitingForMe bool `json:"waiting_for_me,omitempty"`
	Overdue      bool `json:"overdue,omitempty"`
}

// AuditLabel names the request in the audit trail.
func (r *ApprovalRequest) AuditLabel() string { return "Approval of " + r.SubjectLabel }

// ApprovalDecision is one approver's decision, on the content whose digest
// they saw.
type ApprovalDecision struct {
	ID             string    `json:"id"`
	Verdict        Verdict   `json:"verdict"`
	Comment        string    `json:"comment"`
	SubjectDigest  string    `json:"subject_digest"`
	DecidedBy      string    `json:"decided_by"`
	DecidedByLabel string    `json:"decided_by_label"`
	DecidedAt      time.Time `json:"decided_at"`
}

// ApprovalAsk is what a person asking for approval names: who approves,
// how many, by when, and whether separation of duties applies (nil: as
// the organization's approval settings say; a request may turn it on, never
// off when the organization requires it).
type ApprovalAsk struct {
	Approvers          []string `json:"approvers,omitempty" doc:"Ids of members named as approvers"`
	ApproverRoles      []Role   `json:"approver_roles,omitempty" enum:"admin,aims_manager,system_owner,contributor" doc:"Roles whose holders may approve"`
	Quorum             int      `json:"quorum,omitempty" doc:"How many approvals it needs; default 1"`
	DueOn              *Date    `json:"due_on,omitempty"`
	SeparationOfDuties *bool    `json:"separation_of_duties,omitempty" doc:"The requester may not decide; default: the organization's policy (on unless an administrator turned it off). false while the policy is on is refused with 422"`
}

// Normalize fills the defaults.
func (a *ApprovalAsk) Normalize() {
	a.Approvers = cleanList(a.Approvers)
	if a.ApproverRoles == nil {
		a.ApproverRoles = []Role{}
	}
	if a.Quorum == 0 {
		a.Quorum = 1
	}
}

// Validate checks the roles named; the engine checks the rest.
func (a *ApprovalAsk) Validate() error {
	var v Validation
	ValidateSet(&v, "approver_roles", a.ApproverRoles, func(r Role) bool {
		return r.IsValid() && r != RoleAuditor && r != RoleViewer
	}, "role that may approve (auditors and viewers write nothing)")
	if len(a.Approvers) > 50 {
		v.Add("approvers", "at most 50 entries")
	}
	return v.Err()
}

// DecisionInput is an approver's decision with its comment.
type DecisionInput struct {
	Verdict Verdict `json:"verdict" enum:"approve,reject"`
	Comment string  `json:"comment,omitempty" maxLength:"4000"`
}

// Validate checks the decision.
func (d *DecisionInput) Validate() error {
	d.Comment = CleanText(d.Comment)
	var v Validation
	if !d.Verdict.IsValid() {
		v.Add("verdict", "must be approve or reject")
	}
	if d.Verdict == VerdictReject {
		v.Required("comment", d.Comment)
	}
	v.MaxLen("comment", d.Comment, 4000)
	return v.Err()
}

// ApprovalFilter selects approval requests.
type ApprovalFilter struct {
	Status ApprovalStatus
	// WaitingFor, when set, keeps the pending requests that name this
	// person (by id or by role: WaitingRole).
	WaitingFor  string
	WaitingRole Role
	SubjectKind string
	SubjectID   string
	Page
}

// SubjectModelVersionGate is the kind of subject of a gate request: a
// model version moving to a status through its lifecycle gates (issue 17).
// Its subject id is the model version's id and the status, "<id>:deployed".
const SubjectModelVersionGate = "model_version_gate"

// SubjectKinds are the kinds of records approval requests name.
func SubjectKinds() []string { return []string{EntityDocumentVersion, SubjectModelVersionGate} }

// SubjectKindTitle names a kind of approved record for people.
func SubjectKindTitle(kind string) string {
	switch kind {
	case EntityDocumentVersion:
		return "Document version"
	case SubjectModelVersionGate:
		return "Model version gate"
	}
	return titleOf(kind)
}

// ApprovalSettings is the organization's approval policy (ISO/IEC 42001
// 5.3, 7.5.3, A.3.2). With SeparationOfDuties (the default) nobody decides
// their own approval request; a request may ask for it when the
// organization does not, but never waive it when the organization does.
type ApprovalSettings struct {
	SeparationOfDuties bool `json:"separation_of_duties" doc:"Nobody may decide their own approval request; default true"`
}

// AuditLabel names the settings in the audit trail.
func (ApprovalSettings) AuditLabel() string { return "Approval settings" }

// Effective is the separation of duties a request asked with asked (nil:
// not said) gets under s; a request trying to waive what the organization
// requires is recorded in v as a problem with separation_of_duties.
func (s ApprovalSettings) Effective(asked *bool, v *Validation) bool {
	switch {
	case asked == nil:
		return s.SeparationOfDuties
	case !*asked && s.SeparationOfDuties:
		v.Add("separation_of_duties", "may not be turned off: the organization's approval settings say nobody decides "+
			"their own request; an administrator changes that policy, a request does not")
		return true
	default:
		return *asked
	}
}
