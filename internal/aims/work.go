package aims

// WorkKind is a kind of item on a person's "my work" list.
type WorkKind string

// The kinds of work. A capability that gives people something to do adds
// a kind here and a source in service/work.go.
const (
	WorkApproval        WorkKind = "approval"         // an approval request waiting for the person
	WorkDocumentReview  WorkKind = "document_review"  // a document they own is due for review
	WorkAcknowledgement WorkKind = "acknowledgement"  // an approved version they have not acknowledged
	WorkRiskReview      WorkKind = "risk_review"      // a risk they own is past its review date
	WorkTreatmentAction WorkKind = "treatment_action" // an overdue treatment action of a risk they own
	WorkGateReopened    WorkKind = "gate_reopened"    // a material change re-opened a gate of a system they own
	WorkEvidenceDue     WorkKind = "evidence_due"     // evidence on a record they own is expired or expiring
	WorkEvidenceMissing WorkKind = "evidence_missing" // evidence expected on a system they own is missing
)

// WorkKindValues lists the kinds.
func WorkKindValues() []WorkKind {
	return []WorkKind{WorkApproval, WorkDocumentReview, WorkAcknowledgement, WorkRiskReview, WorkTreatmentAction, WorkEvidenceDue, WorkEvidenceMissing, WorkGateReopened}
}

// IsValid reports whether k is a known kind.
func (k WorkKind) IsValid() bool { return enumValid(k, WorkKindValues()) }

// Title is the kind for people.
func (k WorkKind) Title() string {
	switch k {
	case WorkApproval:
		return "Approval to decide"
	case WorkDocumentReview:
		return "Document to review"
	case WorkAcknowledgement:
		return "Document to acknowledge"
	case WorkRiskReview:
		return "Risk review overdue"
	case WorkTreatmentAction:
		return "Treatment action overdue"
	case WorkGateReopened:
		return "Gate re-opened"
	case WorkEvidenceDue:
		return "Evidence to renew"
	case WorkEvidenceMissing:
		return "Evidence missing"
	}
	return titleOf(string(k))
}

// WorkItem is one thing a person should do: what, about which record,
// by when.
type WorkItem struct {
	Kind       WorkKind `json:"kind"`
	Title      string   `json:"title" doc:"The record, for people"`
	Detail     string   `json:"detail" doc:"What to do, for people"`
	Due        *Date    `json:"due,omitempty"`
	Overdue    bool     `json:"overdue"`
	RecordType string   `json:"record_type" doc:"The audit trail's name of the record's kind"`
	RecordID   string   `json:"record_id"`
	Link       string   `json:"link" doc:"The record's page in the web interface"`
}
