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

// EntityLogRebuild is how the audit trail names a rebuild of a log.
const EntityLogRebuild = "log_rebuild"

// LogRebuild is the explicit, recorded act of starting a new log for an
// organization whose log was found broken (docs/ledger.md, "Rebuilding a
// log"): the new log's first entry records it, then the audit trail and
// the decisions are sealed again.
type LogRebuild struct {
	ID         string `json:"id"`
	Generation int    `json:"generation"` // 2 for the first rebuild
	Reason     string `json:"reason"`
	Origin     string `json:"origin"` // the new log's
	// What was left of the old log (empty when nothing was).
	PreviousOrigin     string `json:"previous_origin"`
	PreviousSize       uint64 `json:"previous_size"`
	PreviousCheckpoint string `json:"previous_checkpoint"`
}

// AuditLabel names the rebuild in the audit trail.
func (r *LogRebuild) AuditLabel() string { return "log rebuilt: " + r.Origin }

// Token scopes limit what an API token may do; a token without scopes has
// its member's full role.
const (
	// ScopeLogRead reads the organization's tamper-evident log: the
	// checkpoint, tiles, entries and proofs, and nothing else.
	ScopeLogRead = "log:read"
)
