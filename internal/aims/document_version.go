package aims

import (
	"fmt"
	"time"
)

// DocumentVersion is one version of a document's content: its number
// (major.minor), what changed, the body in Markdown or an attached file's
// digest, its status and the date it takes effect. Its digest covers the
// content an approval names; a change voids a pending approval
// (ISO/IEC 42001 7.5.2, 7.5.3).
type DocumentVersion struct {
	ID            string         `json:"id"`
	DocumentID    string         `json:"document_id"`
	Major         int            `json:"major"`
	Minor         int            `json:"minor"`
	ChangeSummary string         `json:"change_summary"`
	Body          string         `json:"body" doc:"Markdown; raw HTML is not rendered"`
	FileSHA256    string         `json:"file_sha256,omitempty" doc:"An attached file's SHA-256"`
	Status        DocumentStatus `json:"status"`
	EffectiveOn   *Date          `json:"effective_on,omitempty"`
	Digest        string         `json:"digest" doc:"SHA-256 of the version's canonical content"`
	ApprovalID    string         `json:"approval_id,omitempty"`
	ApprovedAt    *time.Time     `json:"approved_at,omitempty"`
	CreatedBy     string         `json:"created_by"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	// Title is the document's, read with the version.
	Title string `json:"title,omitempty"`
}

// Number writes the version as major.minor.
func (v *DocumentVersion) Number() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// AuditLabel names the version in the audit trail.
func (v *DocumentVersion) AuditLabel() string {
	if v.Title != "" {
		return v.Title + " " + v.Number()
	}
	return "version " + v.Number()
}

// Content is what a version's digest covers: the document, the number,
// the change summary, the body and the file's digest.
func (v *DocumentVersion) Content() any {
	return struct {
		DocumentID    string `json:"document_id"`
		Major         int    `json:"major"`
		Minor         int    `json:"minor"`
		ChangeSummary string `json:"change_summary"`
		Body          string `json:"body"`
		FileSHA256    string `json:"file_sha256"`
	}{v.DocumentID, v.Major, v.Minor, v.ChangeSummary, v.Body, v.FileSHA256}
}

// Normalize trims the fields.
func (v *DocumentVersion) Normalize() {
	v.ChangeSummary = CleanText(v.ChangeSummary)
	v.FileSHA256 = CleanText(v.FileSHA256)
}

// Validate checks the fields a person enters.
func (v *DocumentVersion) Validate() error {
	var val Validation
	if v.Major < 0 || v.Major > 999 {
		val.Add("major", "must be between 0 and 999")
	}
	if v.Minor < 0 || v.Minor > 999 {
		val.Add("minor", "must be between 0 and 999")
	}
	if v.Major == 0 && v.Minor == 0 {
		val.Add("minor", "version 0.0 is not a version: start at 0.1 or 1.0")
	}
	val.MaxLen("change_summary", v.ChangeSummary, 4000)
	if len(v.Body) > 1<<20 {
		val.Add("body", "must be at most 1 MiB")
	}
	if v.Body == "" && v.FileSHA256 == "" {
		val.Add("body", "write the document's text, or attach a file")
	}
	if v.FileSHA256 != "" && !isHexDigest(v.FileSHA256) {
		val.Add("file_sha256", "must be a SHA-256 digest in lower-case hex")
	}
	return val.Err()
}

func isHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// DocumentVersionUpdate changes a draft or in-review version; changing one
// in review voids its approval request.
type DocumentVersionUpdate struct {
	ChangeSummary *string `json:"change_summary,omitempty"`
	Body          *string `json:"body,omitempty"`
	FileSHA256    *string `json:"file_sha256,omitempty"`
	EffectiveOn   *Date   `json:"effective_on,omitempty" doc:"An empty string clears it"`
}

// Apply returns a copy of v with the update's fields set.
func (u DocumentVersionUpdate) Apply(v DocumentVersion) DocumentVersion {
	set(&v.ChangeSummary, u.ChangeSummary)
	set(&v.Body, u.Body)
	set(&v.FileSHA256, u.FileSHA256)
	if u.EffectiveOn != nil {
		v.EffectiveOn = nonZeroDate(*u.EffectiveOn)
	}
	return v
}

// DocumentStatus is where a document version stands.
type DocumentStatus string

// The version statuses.
const (
	DocDraft      DocumentStatus = "draft"
	DocInReview   DocumentStatus = "in_review"
	DocApproved   DocumentStatus = "approved"
	DocSuperseded DocumentStatus = "superseded"
	DocWithdrawn  DocumentStatus = "withdrawn"
)

// DocumentStatusValues lists the statuses.
func DocumentStatusValues() []DocumentStatus {
	return []DocumentStatus{DocDraft, DocInReview, DocApproved, DocSuperseded, DocWithdrawn}
}

// IsValid reports whether s is a known status.
func (s DocumentStatus) IsValid() bool { return enumValid(s, DocumentStatusValues()) }

// Title is the status for people.
func (s DocumentStatus) Title() string { return titleOf(string(s)) }

// Editable reports whether a version's content may still change.
func (s DocumentStatus) Editable() bool { return s == DocDraft || s == DocInReview }

// Acknowledgement records that a member read an approved version (7.3
// awareness): who and when.
type Acknowledgement struct {
	ID             string    `json:"id"`
	VersionID      string    `json:"version_id"`
	UserID         string    `json:"user_id"`
	UserLabel      string    `json:"user_label"`
	AcknowledgedAt time.Time `json:"acknowledged_at"`
}

// AuditLabel names the acknowledgement in the audit trail.
func (a *Acknowledgement) AuditLabel() string { return "Acknowledged by " + a.UserLabel }

// AckStatus is a member and whether they acknowledged a version.
type AckStatus struct {
	UserID         string     `json:"user_id"`
	Name           string     `json:"name"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
}
