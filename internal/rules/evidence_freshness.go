package rules

import (
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// DefaultExpiringWindow is how long before its due date evidence counts as
// expiring, unless the organization sets another window.
const DefaultExpiringWindow = 30 * 24 * time.Hour

// EvidenceFreshness says how current evidence is at now (ISO/IEC 42001
// 7.5.3, 9.1): missing when there is none (newest is zero), expired when
// its expiry date or its allowed age (maxAge after newest; 0: no limit)
// has passed, expiring when the earlier of them falls within window, else
// current.
func EvidenceFreshness(newest time.Time, expires *time.Time, maxAge time.Duration, window time.Duration, now time.Time) aims.Freshness {
	if newest.IsZero() {
		return aims.FreshMissing
	}
	var due time.Time
	if expires != nil {
		due = *expires
	}
	if maxAge > 0 {
		if byAge := newest.Add(maxAge); due.IsZero() || byAge.Before(due) {
			due = byAge
		}
	}
	switch {
	case due.IsZero():
		return aims.FreshCurrent
	case !now.Before(due):
		return aims.FreshExpired
	case now.Add(window).After(due) || now.Add(window).Equal(due):
		return aims.FreshExpiring
	}
	return aims.FreshCurrent
}

// WorstFreshness is the worst of states (missing worst, current best);
// none gives missing.
func WorstFreshness(states ...aims.Freshness) aims.Freshness {
	if len(states) == 0 {
		return aims.FreshMissing
	}
	rank := map[aims.Freshness]int{aims.FreshCurrent: 0, aims.FreshExpiring: 1, aims.FreshExpired: 2, aims.FreshMissing: 3}
	worst := states[0]
	for _, s := range states[1:] {
		if rank[s] > rank[worst] {
			worst = s
		}
	}
	return worst
}

// BestFreshness is the best of states; none gives missing.
func BestFreshness(states ...aims.Freshness) aims.Freshness {
	if len(states) == 0 {
		return aims.FreshMissing
	}
	rank := map[aims.Freshness]int{aims.FreshCurrent: 0, aims.FreshExpiring: 1, aims.FreshExpired: 2, aims.FreshMissing: 3}
	best := states[0]
	for _, s := range states[1:] {
		if rank[s] < rank[best] {
			best = s
		}
	}
	return best
}
