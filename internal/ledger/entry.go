package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/aimsproject/aims/internal/aims"
)

// MaxEntrySize is the largest entry a leaf may hold: tlog-tiles entry
// bundles prefix each entry with a big-endian uint16 length.
const MaxEntrySize = 1<<16 - 1

// HashSize is the size of every hash in the log (SHA-256).
const HashSize = sha256.Size

// AuditEventType names the entries that seal audit-trail events.
const AuditEventType = "aims.audit_event"

// AuditEventVersion is the version of the audit-event encoding. A change to
// the fields or their meaning makes a new version; old entries keep theirs.
const AuditEventVersion = 1

// TimeFormat is how entries write times: UTC, always six fractional digits
// (aims stores microseconds on both databases).
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// LeafHash is the RFC 6962 leaf hash of an entry: SHA-256(0x00 || entry).
func LeafHash(entry []byte) []byte { return rfc6962.DefaultHasher.HashLeaf(entry) }

// Canonical encodes v as canonical JSON: struct fields in declaration order
// (declare them in lexicographic order of their names), map keys sorted, no
// whitespace, and no HTML escaping. Entries of any type use it, so that the
// same record always gives the same bytes.
func Canonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("log entry of %d bytes is over the %d-byte limit", len(b), MaxEntrySize)
	}
	return b, nil
}

// Digest is how entries name a document they do not hold: "sha256:" and
// the lowercase hex SHA-256 of its exact bytes.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// auditEntry is version 1 of an audit event's entry. Fields are declared in
// lexicographic order of their JSON names: the encoding is RFC 8785-shaped.
type auditEntry struct {
	Action    string      `json:"action"`
	Actor     entryActor  `json:"actor"`
	After     *string     `json:"after"`
	Before    *string     `json:"before"`
	Entity    entryEntity `json:"entity"`
	ID        string      `json:"id"`
	Org       string      `json:"org"`
	RequestID string      `json:"request_id"`
	Time      string      `json:"time"`
	Type      string      `json:"type"`
	V         int         `json:"v"`
}

type entryActor struct {
	Kind    string `json:"kind"`
	Label   string `json:"label"`
	TokenID string `json:"token_id"`
	UserID  string `json:"user_id"`
}

type entryEntity struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Type  string `json:"type"`
}

// EncodeAuditEvent returns the entry that seals one audit event of the
// organization orgID. Before and After must be the exact JSON text stored
// for the event: the entry holds their digests, not the documents, so that
// the log stays small and a third party checks a document against its
// digest.
func EncodeAuditEvent(orgID string, ev *aims.AuditEvent) ([]byte, error) {
	e := auditEntry{
		Action: string(ev.Action),
		Actor: entryActor{Kind: string(ev.Actor.Kind), Label: ev.Actor.Label,
			TokenID: ev.Actor.TokenID, UserID: ev.Actor.UserID},
		After:     digestOrNil(ev.After),
		Before:    digestOrNil(ev.Before),
		Entity:    entryEntity{ID: ev.EntityID, Label: ev.EntityLabel, Type: ev.EntityType},
		ID:        ev.ID,
		Org:       orgID,
		RequestID: ev.RequestID,
		Time:      ev.OccurredAt.UTC().Truncate(time.Microsecond).Format(TimeFormat),
		Type:      AuditEventType,
		V:         AuditEventVersion,
	}
	b, err := Canonical(e)
	if err != nil {
		return nil, fmt.Errorf("encode audit event %s: %w", ev.ID, err)
	}
	return b, nil
}

func digestOrNil(b json.RawMessage) *string {
	if b == nil {
		return nil
	}
	d := Digest(b)
	return &d
}

// EntryHeader is what every entry starts with: its type and version, and
// the id of the record it seals (empty when it seals none).
type EntryHeader struct {
	Type string `json:"type"`
	V    int    `json:"v"`
	ID   string `json:"id"`
}

// ParseEntryHeader reads an entry's type, version and record id.
func ParseEntryHeader(entry []byte) (EntryHeader, error) {
	var h EntryHeader
	if err := json.Unmarshal(entry, &h); err != nil {
		return h, fmt.Errorf("entry is not JSON: %w", err)
	}
	if h.Type == "" || h.V < 1 {
		return h, fmt.Errorf("entry has no type and version")
	}
	return h, nil
}
