package rules

import (
	"sync"
	"sync/atomic"

	"github.com/aimsproject/aims/internal/aims"
)

// foldCache remembers the folded form of competence names: an organization
// uses a few dozen names across many thousands of records, and folding
// (Unicode normalization and case folding) is what the gap list of a role
// spent most of its time on. It stops growing at foldCacheMax names.
var (
	foldCache     sync.Map
	foldCacheSize atomic.Int64
)

const foldCacheMax = 10_000

func fold(s string) string {
	if k, ok := foldCache.Load(s); ok {
		return k.(string)
	}
	k := aims.FoldKey(s)
	if foldCacheSize.Load() < foldCacheMax {
		if _, loaded := foldCache.LoadOrStore(s, k); !loaded {
			foldCacheSize.Add(1)
		}
	}
	return k
}

// CompetenceGaps returns the competences that reqs require and held does not
// cover on today (ISO/IEC 42001 7.2 c, A.4.6): a requirement is met by a
// training record of the same competence (any case) completed on or before
// today, not past its expiry (a record expires on its expiry date), and, when
// the requirement sets ValidMonths, completed less than that many months
// ago. A requirement with records that no longer count is expired (with the
// day the newest of them stopped counting); one without any is missing. Each
// gap carries the requirement's action, or a default one.
func CompetenceGaps(person *aims.Person, reqs []*aims.CompetenceRequirement, held []*aims.TrainingRecord, today aims.Date) []aims.CompetenceGap {
	out := []aims.CompetenceGap{}
	for _, r := range reqs {
		key := fold(r.Competence)
		var lapsed *aims.Date
		met := false
		for _, h := range held {
			if fold(h.Competence) != key || today.Before(h.CompletedOn) {
				continue
			}
			end := countsUntil(h, r.ValidMonths)
			if end == nil || today.Before(*end) {
				met = true
				break
			}
			if lapsed == nil || lapsed.Before(*end) {
				lapsed = end
			}
		}
		if met {
			continue
		}
		g := aims.CompetenceGap{RequirementID: r.ID, RoleName: r.RoleName, Competence: r.Competence, Action: r.Action}
		if person != nil {
			g.PersonID, g.PersonName = person.ID, person.Name
		}
		if lapsed != nil {
			g.Reason, g.ExpiredOn = aims.GapExpired, lapsed
			if g.Action == "" {
				g.Action = "Renew " + r.Competence
			}
		} else {
			g.Reason = aims.GapMissing
			if g.Action == "" {
				g.Action = "Complete " + r.Competence
			}
		}
		out = append(out, g)
	}
	return out
}

// countsUntil is the first day a record no longer counts: its expiry, or
// validMonths after its completion, whichever comes first; nil for never.
func countsUntil(h *aims.TrainingRecord, validMonths int) *aims.Date {
	var end *aims.Date
	if h.ExpiresOn != nil && !h.ExpiresOn.IsZero() {
		e := *h.ExpiresOn
		end = &e
	}
	if validMonths > 0 {
		v := aims.Date{Time: h.CompletedOn.AddDate(0, validMonths, 0)}
		if end == nil || v.Before(*end) {
			end = &v
		}
	}
	return end
}

// Literacy returns a person's AI literacy status on today against what the
// organization counts as sufficient (EU AI Act Art. 4): not applicable when
// the person's work touches no AI system; sufficient with a record of one
// of the setting's competences that still counts (maximum age as
// ValidMonths); expired when such records exist but none counts any more;
// else a gap. latest is the newest completion among the matching records.
func Literacy(setting *aims.LiteracySetting, touchesAI bool, held []*aims.TrainingRecord, today aims.Date) (status aims.LiteracyStatus, latest *aims.Date) {
	if !touchesAI {
		return aims.LiteracyNotApplicable, nil
	}
	if setting == nil || len(setting.Competences) == 0 {
		return aims.LiteracyGap, nil
	}
	keys := map[string]bool{}
	for _, c := range setting.Competences {
		keys[fold(c)] = true
	}
	status = aims.LiteracyGap
	for _, h := range held {
		if !keys[fold(h.Competence)] || today.Before(h.CompletedOn) {
			continue
		}
		if latest == nil || latest.Before(h.CompletedOn) {
			d := h.CompletedOn
			latest = &d
		}
		end := countsUntil(h, setting.MaxAgeMonths)
		if end == nil || today.Before(*end) {
			status = aims.LiteracySufficient
		} else if status != aims.LiteracySufficient {
			status = aims.LiteracyExpired
		}
	}
	return status, latest
}

// Awareness returns whether a person counts as aware (ISO/IEC 42001 7.3):
// they attended an awareness session, or their account acknowledged the
// approved version in force of an AI policy.
func Awareness(sessions int, acks []aims.PolicyAck) aims.AwarenessStatus {
	if sessions > 0 {
		return aims.AwarenessAware
	}
	for _, a := range acks {
		if a.AcknowledgedAt != nil {
			return aims.AwarenessAware
		}
	}
	return aims.AwarenessNone
}
