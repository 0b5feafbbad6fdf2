package service

import (
	"context"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// Required evidence per control: for an applicable control (or per system
// for a system-level control) the organization says which kinds of
// evidence show it and how fresh they must be, or points to a set of aims'
// own records (live evidence). The SoA page and each requirement page show
// what stands beside each control: current, expiring, expired, missing.

// CreateEvidenceRequirement adds what is expected to show a control.
func (s *Service) CreateEvidenceRequirement(ctx context.Context, in *aims.EvidenceRequirement) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "set the evidence a control needs")
	if err != nil {
		return err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		if in.SystemID != "" {
			if _, err := store.FindSystemByID(ctx, tx, scope, in.SystemID); aims.IsKind(err, aims.KindNotFound) {
				return &aims.Error{Kind: aims.KindInvalid, Message: "unknown AI system",
					Fields: []aims.FieldError{{Field: "system_id", Detail: "is not an AI system of this organization"}}}
			} else if err != nil {
				return err
			}
		}
		return store.CreateEvidenceRequirement(ctx, tx, scope, in)
	})
}

// DeleteEvidenceRequirement removes an expectation.
func (s *Service) DeleteEvidenceRequirement(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "set the evidence a control needs")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindEvidenceRequirementByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		return store.DeleteEvidenceRequirement(ctx, tx, scope, before)
	})
}

// FindEvidenceRequirements lists the expectations, of one control when
// requirement is not empty.
func (s *Service) FindEvidenceRequirements(ctx context.Context, requirement string) ([]*aims.EvidenceRequirement, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read evidence requirements")
	if err != nil {
		return nil, err
	}
	return store.FindEvidenceRequirements(ctx, s.db, scope, requirement)
}

// FindEvidenceExpiringDays returns how many days before its due date
// evidence counts as expiring (30 unless set).
func (s *Service) FindEvidenceExpiringDays(ctx context.Context) (int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the evidence settings")
	if err != nil {
		return 0, err
	}
	return store.EvidenceExpiringDays(ctx, s.db, scope)
}

// SetEvidenceExpiringDays sets how many days before its due date evidence
// counts as expiring (default 30).
func (s *Service) SetEvidenceExpiringDays(ctx context.Context, days int) error {
	scope, _, err := authz.Authorize(ctx, authz.ManageSettings, "change the evidence settings")
	if err != nil {
		return err
	}
	if days < 1 || days > 365 {
		return &aims.Error{Kind: aims.KindInvalid, Message: "the expiring window must be 1 to 365 days",
			Fields: []aims.FieldError{{Field: "expiring_days", Detail: "must be between 1 and 365"}}}
	}
	return s.transact(ctx, func(tx *store.Tx) error { return store.SetEvidenceExpiringDays(ctx, tx, scope, days) })
}

// EvidenceSummary counts the applicable controls by what shows them.
type EvidenceSummary struct {
	Controls     int `json:"controls"`       // applicable controls counted
	ByOwnRecords int `json:"by_own_records"` // shown by aims' own records (live evidence), fresh
	ByUploads    int `json:"by_uploads"`     // shown by uploaded files or links, fresh
	NotEvidenced int `json:"not_evidenced"`  // by neither
	Expired      int `json:"expired"`        // with an expectation expired
	Missing      int `json:"missing"`        // with an expectation missing
}

// ControlsEvidence returns, for each control ref given (or every control
// with evidence or expectations, when refs is nil), what shows it, and the
// counts over refs.
func (s *Service) ControlsEvidence(ctx context.Context, refs []string) (map[string]*aims.ControlEvidence, EvidenceSummary, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read evidence")
	if err != nil {
		return nil, EvidenceSummary{}, err
	}
	return s.controlsEvidence(ctx, scope, refs, "", false)
}

// ControlsFreshness is ControlsEvidence for the SoA page: the same
// freshness, expectations and counts, with each control's linked evidence
// counted (EvidenceCount) rather than listed, so that it reads one
// aggregate row per control instead of every piece of evidence.
func (s *Service) ControlsFreshness(ctx context.Context, refs []string) (map[string]*aims.ControlEvidence, EvidenceSummary, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read evidence")
	if err != nil {
		return nil, EvidenceSummary{}, err
	}
	return s.controlsEvidence(ctx, scope, refs, "", true)
}

// ControlEvidence returns what shows one control.
func (s *Service) ControlEvidence(ctx context.Context, ref string) (*aims.ControlEvidence, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read evidence")
	if err != nil {
		return nil, err
	}
	m, _, err := s.controlsEvidence(ctx, scope, []string{ref}, ref, false)
	if err != nil {
		return nil, err
	}
	return m[ref], nil
}

// controlsEvidence answers ControlsEvidence, ControlEvidence and (counted)
// ControlsFreshness. Counted, the evidence of controls without upload
// expectations is read as one aggregate row per control, and only the
// controls whose expectations need each piece of evidence read it.
func (s *Service) controlsEvidence(ctx context.Context, scope aims.Scope, refs []string, only string, counted bool) (map[string]*aims.ControlEvidence, EvidenceSummary, error) {
	expect, err := store.FindEvidenceRequirements(ctx, s.db, scope, only)
	if err != nil {
		return nil, EvidenceSummary{}, err
	}
	window := s.expiringWindow(ctx, scope)
	now := time.Now()
	var linked []*store.LinkedEvidence
	var counts, expected map[string]store.LinkedCount
	if counted {
		if counts, err = store.CountLinkedEvidence(ctx, s.db, scope, now, window); err != nil {
			return nil, EvidenceSummary{}, err
		}
		if expected, err = store.ExpectedEvidence(ctx, s.db, scope, now, window); err != nil {
			return nil, EvidenceSummary{}, err
		}
	} else if linked, err = store.FindLinkedEvidence(ctx, s.db, scope, aims.TargetRequirement, only); err != nil {
		return nil, EvidenceSummary{}, err
	}
	out := map[string]*aims.ControlEvidence{}
	get := func(ref string) *aims.ControlEvidence {
		c := out[ref]
		if c == nil {
			c = &aims.ControlEvidence{Requirement: ref, Expectations: []aims.ExpectationStatus{}, Evidence: []*aims.Evidence{}}
			out[ref] = c
		}
		return c
	}
	for _, ref := range refs {
		get(ref)
	}
	byControl := map[string][]*store.LinkedEvidence{}
	for _, le := range linked {
		byControl[le.TargetID] = append(byControl[le.TargetID], le)
		exp := le.ExpiresAt
		c := get(le.TargetID)
		c.Evidence = append(c.Evidence, &aims.Evidence{ID: le.EvidenceID, Title: le.Title, Kind: le.Kind,
			Latest:    &aims.EvidenceRevision{CollectedAt: le.CollectedAt, ExpiresAt: exp},
			Freshness: rules.EvidenceFreshness(le.CollectedAt, exp, 0, window, now)})
		c.EvidenceCount++
	}
	for ref, n := range counts {
		get(ref).EvidenceCount = n.Count
	}
	live := map[aims.LiveSet]time.Time{}
	for _, x := range expect {
		c := get(x.Requirement)
		st := aims.ExpectationStatus{EvidenceRequirement: *x, Freshness: aims.FreshMissing}
		maxAge := time.Duration(x.MaxAgeDays) * 24 * time.Hour
		if x.Live != "" {
			newest, ok := live[x.Live]
			if !ok {
				if newest, err = store.LiveNewest(ctx, s.db, scope, x.Live); err != nil {
					return nil, EvidenceSummary{}, err
				}
				live[x.Live] = newest
			}
			st.Freshness = rules.EvidenceFreshness(newest, nil, maxAge, window, now)
			if !newest.IsZero() {
				st.Newest = &newest
			}
		} else if counted {
			if n, ok := expected[x.ID]; ok {
				st.Freshness = n.Best
				st.Newest = &n.Newest
			}
		} else {
			var states []aims.Freshness
			for _, le := range byControl[x.Requirement] {
				if le.Kind != x.Kind || (x.SystemID != "" && !containsString(le.SystemIDs, x.SystemID)) {
					continue
				}
				states = append(states, rules.EvidenceFreshness(le.CollectedAt, le.ExpiresAt, maxAge, window, now))
				if st.Newest == nil || le.CollectedAt.After(*st.Newest) {
					t := le.CollectedAt
					st.Newest = &t
				}
			}
			st.Freshness = rules.BestFreshness(states...)
		}
		c.Expectations = append(c.Expectations, st)
	}
	var sum EvidenceSummary
	for ref, c := range out {
		var states []aims.Freshness
		for _, x := range c.Expectations {
			states = append(states, x.Freshness)
			fresh := x.Freshness == aims.FreshCurrent || x.Freshness == aims.FreshExpiring
			if x.Live != "" && fresh {
				c.ByOwnRecords = true
			}
			if x.Kind != "" && fresh {
				c.ByUploads = true
			}
		}
		if len(states) > 0 {
			c.Freshness = rules.WorstFreshness(states...)
		} else {
			var ev []aims.Freshness
			for _, e := range c.Evidence {
				ev = append(ev, e.Freshness)
			}
			if n, ok := counts[ref]; ok {
				ev = append(ev, n.Best)
			}
			c.Freshness = rules.BestFreshness(ev...)
			c.ByUploads = c.Freshness == aims.FreshCurrent || c.Freshness == aims.FreshExpiring
		}
		if refs != nil && !containsString(refs, ref) {
			continue
		}
		sum.Controls++
		switch {
		case c.ByOwnRecords && c.ByUploads:
			sum.ByOwnRecords++
			sum.ByUploads++
		case c.ByOwnRecords:
			sum.ByOwnRecords++
		case c.ByUploads:
			sum.ByUploads++
		default:
			sum.NotEvidenced++
		}
		for _, x := range c.Expectations {
			if x.Freshness == aims.FreshExpired {
				sum.Expired++
				break
			}
		}
		for _, x := range c.Expectations {
			if x.Freshness == aims.FreshMissing {
				sum.Missing++
				break
			}
		}
	}
	return out, sum, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
