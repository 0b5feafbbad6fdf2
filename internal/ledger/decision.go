package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aimsproject/aims/internal/aims"
)

// DecisionType names the entries that seal decision events.
const DecisionType = "aims.decision"

// DecisionVersion is the version of the decision encoding.
const DecisionVersion = 1

// SaltSize is the size of a decision payload's salt: random, stored beside
// the payload and erased with it.
const SaltSize = 32

// decisionEntry is version 1 of a decision event's entry: what the server
// knows of the event, and the salted digest of the event as received.
// Fields are declared in lexicographic order of their JSON names.
type decisionEntry struct {
	Human        string `json:"human"`
	ID           string `json:"id"`
	ModelVersion string `json:"model_version"`
	Org          string `json:"org"`
	Payload      string `json:"payload"`
	Received     string `json:"received"`
	Seq          int64  `json:"seq"`
	Source       string `json:"source"`
	SourceTime   string `json:"source_time"`
	System       string `json:"system"`
	Type         string `json:"type"`
	V            int    `json:"v"`
}

// SaltedDigest is how a decision entry names its payload:
// "sha256:" and the hex SHA-256 of salt || payload. The salt keeps a
// guessable payload (a few sensor values) from being confirmed by trying
// candidates against the public log; erasing the salt with the payload
// leaves nothing to confirm.
func SaltedDigest(salt, payload []byte) string {
	h := sha256.New()
	h.Write(salt)
	h.Write(payload)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// EncodeDecision returns the entry that seals one decision event of the
// organization orgID. d.PayloadDigest must be set (SaltedDigest); the
// entry holds no input, output or person's name, so it stays valid when
// the payload is erased.
func EncodeDecision(orgID string, d *aims.Decision) ([]byte, error) {
	// Written by hand, in the order and form Canonical gives the
	// decisionEntry (TestEncodeDecisionIsCanonical checks): ingestion
	// encodes an entry for every event, and reflection cost as much as
	// the rest of preparing it.
	b := make([]byte, 0, 512)
	b = append(b, `{"human":`...)
	b = appendJSONString(b, string(d.Human))
	b = append(b, `,"id":`...)
	b = appendJSONString(b, d.ID)
	b = append(b, `,"model_version":`...)
	b = appendJSONString(b, d.ModelVersion)
	b = append(b, `,"org":`...)
	b = appendJSONString(b, orgID)
	b = append(b, `,"payload":`...)
	b = appendJSONString(b, d.PayloadDigest)
	b = append(b, `,"received":"`...)
	b = d.ReceivedAt.UTC().Truncate(time.Microsecond).AppendFormat(b, TimeFormat)
	b = append(b, `","seq":`...)
	b = strconv.AppendInt(b, d.Seq, 10)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, d.Source)
	b = append(b, `,"source_time":"`...)
	b = d.SourceTime.UTC().Truncate(time.Microsecond).AppendFormat(b, TimeFormat)
	b = append(b, `","system":`...)
	b = appendJSONString(b, d.SystemID)
	b = append(b, `,"type":"`+DecisionType+`","v":`...)
	b = strconv.AppendInt(b, DecisionVersion, 10)
	b = append(b, '}')
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("encode decision %s: log entry of %d bytes is over the %d-byte limit", d.ID, len(b), MaxEntrySize)
	}
	return b, nil
}

// encodeDecisionCanonical is EncodeDecision through Canonical, the
// reference that TestEncodeDecisionIsCanonical holds it to.
func encodeDecisionCanonical(orgID string, d *aims.Decision) ([]byte, error) {
	e := decisionEntry{
		Human:        string(d.Human),
		ID:           d.ID,
		ModelVersion: d.ModelVersion,
		Org:          orgID,
		Payload:      d.PayloadDigest,
		Received:     d.ReceivedAt.UTC().Truncate(time.Microsecond).Format(TimeFormat),
		Seq:          d.Seq,
		Source:       d.Source,
		SourceTime:   d.SourceTime.UTC().Truncate(time.Microsecond).Format(TimeFormat),
		System:       d.SystemID,
		Type:         DecisionType,
		V:            DecisionVersion,
	}
	b, err := Canonical(e)
	if err != nil {
		return nil, fmt.Errorf("encode decision %s: %w", d.ID, err)
	}
	return b, nil
}

// appendJSONString appends s as a JSON string as Canonical writes it (no
// HTML escaping): plain printable ASCII as is, anything else through
// encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
