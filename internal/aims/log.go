package aims

import "time"

// EntityLogAlert is how the audit trail names a tamper alert.
const EntityLogAlert = "log_alert"

// LogAlert says that a stored record no longer matches the tamper-evident
// log that sealed it: someone changed the database outside aims (ISO/IEC
// 42001 7.5.3: documented information is protected from unintended
// alteration). An alert stays until an admin acknowledges it.
type LogAlert struct {
	ID             string     `json:"id"`
	LeafIndex      *uint64    `json:"leaf_index,omitempty"`
	RecordID       string     `json:"record_id"`
	Detail         string     `json:"detail"`
	DetectedAt     time.Time  `json:"detected_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	AcknowledgedBy string     `json:"acknowledged_by,omitempty"`
	// Fingerprint identifies the finding, so that a check that finds it
	// again raises no second alert.
	Fingerprint string `json:"-"`
}

// AuditLabel names the alert in the audit trail.
func (a *LogAlert) AuditLabel() string { return "tamper alert: " + a.RecordID }

// Token scopes limit what an API token may do; a token without scopes has
// its member's full role.
const (
	// ScopeLogRead reads the organization's tamper-evident log: the
	// checkpoint, tiles, entries and proofs, and nothing else.
	ScopeLogRead = "log:read"
)
