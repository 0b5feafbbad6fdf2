// Package approval is the one approval engine of aims: documents, lifecycle
// gates and risk acceptance ask it the same questions. A request names what
// is approved (a subject: its kind, its id and the SHA-256 of its exact
// content), who must approve (named people and/or roles, and how many of
// them: the quorum), a due date, who asked, and whether separation of
// duties applies (the requester may not approve). The engine decides who may
// decide, and whether the request is pending, approved, rejected or void (the
// subject's content changed since the request), and says why
// (ISO/IEC 42001 5.1, 7.5.2, A.6.2.5).
//
// It holds no state and reads nothing: the service loads the request, its
// decisions and the subject's current digest, and asks.
package approval

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/gowebpki/jcs"
)

// Status is where a request stands.
type Status string

// The statuses.
const (
	Pending  Status = "pending"  // waiting for decisions
	Approved Status = "approved" // the quorum approved the content named
	Rejected Status = "rejected" // an approver rejected it
	Void     Status = "void"     // the subject's content is no longer what was asked for
)

// Verdict is what one decision says.
type Verdict string

// The verdicts.
const (
	Approve Verdict = "approve"
	Reject  Verdict = "reject"
)

// Subject is the record a request approves: its kind ("document_version"),
// its id, and the SHA-256 (hex) of its exact content.
type Subject struct {
	Kind   string
	ID     string
	Digest string
}

// Request is an approval request.
type Request struct {
	Subject   Subject
	Approvers []string // the ids of people named as approvers
	Roles     []string // roles whose holders may approve
	// Quorum is how many approvals the request needs; at least one.
	Quorum    int
	Due       time.Time // zero: no due date
	Requester string    // the id of the person who asked
	// SeparationOfDuties forbids the requester to decide.
	SeparationOfDuties bool
}

// Person is someone who may want to decide: their id and their role.
type Person struct {
	ID   string
	Role string
}

// Decision is one person's recorded decision on the content whose digest
// they saw.
type Decision struct {
	By      string
	Verdict Verdict
	Digest  string
	At      time.Time
}

// Problem is a field of a request that is wrong.
type Problem struct {
	Field, Detail string
}

// Check lists what is wrong with a request: a subject without kind, id or
// a SHA-256 digest, no approver nor role, a quorum below one or above the
// number of named approvers when no role is named.
func Check(r Request) []Problem {
	var out []Problem
	if r.Subject.Kind == "" || r.Subject.ID == "" {
		out = append(out, Problem{"subject", "names no record"})
	}
	if !IsDigest(r.Subject.Digest) {
		out = append(out, Problem{"subject_digest", "must be a SHA-256 digest in hex"})
	}
	if len(r.Approvers) == 0 && len(r.Roles) == 0 {
		out = append(out, Problem{"approvers", "name at least one approver or role"})
	}
	switch {
	case r.Quorum < 1:
		out = append(out, Problem{"quorum", "must be at least 1"})
	case len(r.Roles) == 0 && len(r.Approvers) > 0 && r.Quorum > len(r.Approvers):
		out = append(out, Problem{"quorum", fmt.Sprintf("must not exceed the %d approvers named", len(r.Approvers))})
	}
	if r.SeparationOfDuties && len(r.Roles) == 0 && len(r.Approvers) > 0 &&
		slices.Equal(r.Approvers, []string{r.Requester}) {
		out = append(out, Problem{"approvers", "the requester may not approve their own request: name someone else"})
	}
	return out
}

// Outcome is the engine's answer about a request.
type Outcome struct {
	Status    Status
	Approvals int    // approvals of the requested content
	Needed    int    // the quorum
	Reason    string // why, in words for people
}

// Evaluate says where request r stands given its decisions (oldest first)
// and the subject's current digest: void when the content changed since
// the request, rejected on any rejection, approved once the quorum of
// distinct approvers approved the requested content, else pending.
func Evaluate(r Request, decisions []Decision, current string) Outcome {
	o := Outcome{Status: Pending, Needed: r.Quorum}
	seen := map[string]bool{}
	for _, d := range decisions {
		if d.Digest != r.Subject.Digest || seen[d.By] {
			continue
		}
		seen[d.By] = true
		switch d.Verdict {
		case Reject:
			o.Status = Rejected
			o.Reason = "an approver rejected it"
			return o
		case Approve:
			o.Approvals++
		}
	}
	if current != r.Subject.Digest {
		o.Status = Void
		o.Reason = fmt.Sprintf("the content changed since approval was asked for: it was %s, it is now %s", short(r.Subject.Digest), short(current))
		return o
	}
	if o.Approvals >= r.Quorum {
		o.Status = Approved
	}
	o.Reason = fmt.Sprintf("%d of %d approvals given", o.Approvals, r.Quorum)
	return o
}

// MayDecide says whether p may decide request r now, given its decisions
// so far and the subject's current digest, and if not, why.
func MayDecide(r Request, decisions []Decision, current string, p Person) (bool, string) {
	switch o := Evaluate(r, decisions, current); o.Status {
	case Void:
		return false, "the request is void: " + o.Reason
	case Approved, Rejected:
		return false, "the request is already " + string(o.Status)
	}
	if !Eligible(r, p) {
		return false, "you are not among the approvers this request names"
	}
	if r.SeparationOfDuties && p.ID == r.Requester {
		return false, "separation of duties: the person who asked for approval may not decide it"
	}
	for _, d := range decisions {
		if d.By == p.ID && d.Digest == r.Subject.Digest {
			return false, "you have already decided this request"
		}
	}
	return true, ""
}

// Eligible reports whether p is named by r, by id or by role. It does not
// look at separation of duties or earlier decisions (MayDecide does).
func Eligible(r Request, p Person) bool {
	return p.ID != "" && (slices.Contains(r.Approvers, p.ID) || (p.Role != "" && slices.Contains(r.Roles, p.Role)))
}

// Waiting reports whether r waits for p: pending, and p may decide it.
func Waiting(r Request, decisions []Decision, current string, p Person) bool {
	ok, _ := MayDecide(r, decisions, current, p)
	return ok
}

// Overdue reports whether a pending request is past its due date at now.
func Overdue(r Request, status Status, now time.Time) bool {
	return status == Pending && !r.Due.IsZero() && now.After(r.Due)
}

// Digest returns the SHA-256 (hex) of v's canonical JSON form (RFC 8785),
// so that the digest does not depend on how the JSON was spelled: the
// order of keys, spaces or number forms.
func Digest(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	canon, err := jcs.Transform(raw)
	if err != nil {
		return "", fmt.Errorf("digest: canonical form: %w", err)
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

// IsDigest reports whether s is a SHA-256 digest in lower-case hex.
func IsDigest(s string) bool {
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

func short(d string) string {
	if len(d) > 12 {
		return d[:12] + "…"
	}
	if d == "" {
		return "nothing"
	}
	return d
}
