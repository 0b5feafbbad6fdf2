package aims

import "time"

// PersonDocuments is the documented information (7.5) a person's page
// shows: the documents they own, the versions they acknowledged and the
// approved versions in force they have not acknowledged yet (7.3
// awareness). Documents are owned and acknowledged by accounts, so a
// person without one has none of these.
type PersonDocuments struct {
	HasAccount    bool                  `json:"has_account"`
	Owned         []*Document           `json:"owned"`
	OwnedTotal    int                   `json:"owned_total"`
	Acknowledged  []VersionAcknowledged `json:"acknowledged"`
	ToAcknowledge []*DocumentVersion    `json:"to_acknowledge"`
}

// VersionAcknowledged is a document version and when a person
// acknowledged it; the version may since have been superseded.
type VersionAcknowledged struct {
	Version        *DocumentVersion `json:"version"`
	AcknowledgedAt time.Time        `json:"acknowledged_at"`
}
