package aims

import (
	"net/url"
	"strings"
	"time"
)

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

// EntityLogWitness is how the audit trail names a witness of the log.
const EntityLogWitness = "log_witness"

// EntityLogSettings is how the audit trail names an organization's log
// settings.
const EntityLogSettings = "log_settings"

// LogWitness is a witness an organization submits its log's checkpoints
// to (c2sp.org/tlog-witness): it cosigns each checkpoint consistent with
// the last one it cosigned, so a log cannot be rebuilt or forked unseen.
type LogWitness struct {
	ID string `json:"id"`
	// Name is the witness key's name, taken from VerifierKey.
	Name string `json:"name"`
	// URL is the witness's prefix: aims posts to URL/add-checkpoint.
	URL string `json:"url" doc:"The witness's URL prefix; aims posts checkpoints to URL/add-checkpoint" example:"https://witness.example.com"`
	// VerifierKey verifies the witness's cosignatures (name+hash+base64).
	VerifierKey string            `json:"verifier_key" doc:"The witness's verifier key, name+hash+base64 (from 'aims witness key')"`
	CreatedAt   time.Time         `json:"created_at"`
	Status      *LogWitnessStatus `json:"status,omitempty" doc:"What the witness last answered; absent before the first submission"`
}

// LogWitnessStatus is what a witness last answered.
type LogWitnessStatus struct {
	// CosignedSize is the size of the latest checkpoint it cosigned (0: none).
	CosignedSize uint64 `json:"cosigned_size"`
	// Error is the last submission's failure, empty after a cosignature.
	Error string `json:"error,omitempty"`
	// Refused says that the witness refused a checkpoint as inconsistent
	// with one it cosigned: the log was rebuilt or forked.
	Refused bool `json:"refused"`
	// RefusedFrom is the size of the checkpoint the witness holds, which
	// the refused one is not consistent with.
	RefusedFrom uint64    `json:"refused_from,omitempty"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// AuditLabel names the witness in the audit trail.
func (w *LogWitness) AuditLabel() string { return "log witness " + w.Name }

// Normalize trims the fields a person enters.
func (w *LogWitness) Normalize() {
	w.URL = strings.TrimSpace(w.URL)
	w.VerifierKey = strings.TrimSpace(w.VerifierKey)
}

// Validate checks the URL; the service checks the key.
func (w *LogWitness) Validate(v *Validation) {
	v.Required("url", w.URL)
	v.MaxLen("url", w.URL, 2000)
	if w.URL != "" {
		u, err := url.Parse(w.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			v.Add("url", "use an absolute http or https URL without query, fragment or credentials, e.g. https://witness.example.com")
		}
	}
	v.Required("verifier_key", w.VerifierKey)
	v.MaxLen("verifier_key", w.VerifierKey, 500)
}

// LogSettings are an organization's settings of its log.
type LogSettings struct {
	// PublicCheckpoints serves the log's checkpoint (with its
	// cosignatures) and hash tiles without a token, so that standard
	// monitors can follow it; entries stay private.
	PublicCheckpoints bool `json:"public_checkpoints" doc:"Serve the checkpoint and hash tiles without a token (entry bundles stay private)"`
}

// AuditLabel names the settings in the audit trail.
func (s *LogSettings) AuditLabel() string { return "log settings" }
