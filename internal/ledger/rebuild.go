package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// LogRebuiltType names the entry that opens a rebuilt log: the first
// entry of every log after the first of an organization, recording the
// break (docs/ledger.md, "Rebuilding a log").
const LogRebuiltType = "aims.log_rebuilt"

// LogRebuiltVersion is the version of the rebuild entry.
const LogRebuiltVersion = 1

// PreviousLog is what was left of the log a rebuild replaces: its origin,
// key, size and root as its head last had them, and its last signed
// checkpoint (the note's text), each empty when gone.
type PreviousLog struct {
	Checkpoint  string `json:"checkpoint"`
	Origin      string `json:"origin"`
	Root        []byte `json:"root"`
	Size        uint64 `json:"size"`
	VerifierKey string `json:"verifier_key"`
}

// LogRebuilt is a rebuild: why, by whom, when, the generation of the new
// log (2 for the first rebuild), and the log it replaces (nil when nothing
// of it was left).
type LogRebuilt struct {
	Actor      aims.Actor
	ID         string // the rebuild's id, the entity of its audit event
	Generation int
	OrgID      string
	Previous   *PreviousLog
	Reason     string
	Time       time.Time
}

// rebuiltEntry is version 1 of the rebuild entry; fields in lexicographic
// order of their JSON names.
type rebuiltEntry struct {
	Actor      entryActor   `json:"actor"`
	Generation int          `json:"generation"`
	ID         string       `json:"id"`
	Org        string       `json:"org"`
	Previous   *PreviousLog `json:"previous"`
	Reason     string       `json:"reason"`
	Time       string       `json:"time"`
	Type       string       `json:"type"`
	V          int          `json:"v"`
}

// EncodeLogRebuilt returns the entry of a rebuild.
func EncodeLogRebuilt(r LogRebuilt) ([]byte, error) {
	b, err := Canonical(rebuiltEntry{
		Actor:      entryActor{Kind: string(r.Actor.Kind), Label: r.Actor.Label, TokenID: r.Actor.TokenID, UserID: r.Actor.UserID},
		Generation: r.Generation, ID: r.ID, Org: r.OrgID, Previous: r.Previous, Reason: r.Reason,
		Time: r.Time.UTC().Truncate(time.Microsecond).Format(TimeFormat),
		Type: LogRebuiltType, V: LogRebuiltVersion,
	})
	if err != nil {
		return nil, fmt.Errorf("encode the rebuild of the log of %s: %w", r.OrgID, err)
	}
	return b, nil
}

// LogOrigin is the checkpoint origin of an organization's log: the
// deployment's origin prefix (its URL without the scheme, e.g.
// aims.example.com), "/log/" and the organization's slug, as tlog-tiles
// recommends; a rebuilt log (generation 2 and on) adds "/rebuilt-N", so
// that it never shares an origin, nor therefore a key, with the log it
// replaces.
func LogOrigin(prefix, slug string, generation int) string {
	o := prefix + "/log/" + slug
	if generation > 1 {
		o += "/rebuilt-" + strconv.Itoa(generation)
	}
	return o
}

// ID is a short, public name of the master key: 8 hex digits of the
// SHA-256 of its public key. An origin prefix made of a host name alone
// (no base URL, no AIMS_LOG_ORIGIN) adds it, so that two deployments on
// hosts of one name never share an origin.
func (k *MasterKey) ID() string {
	sum := sha256.Sum256(k.Public())
	return hex.EncodeToString(sum[:4])
}
