package service

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// gateState is what the gates of one AI system read: the system's own
// facts, and per model version (by id) the version's facts on top of them.
type gateState struct {
	sys      *aims.AISystem
	strict   bool
	base     gate.Facts
	versions []*aims.ModelVersion
	facts    map[string]*gate.Facts // by model version id
	// changes is the first time after now when a piece of the system's
	// evidence turns expiring or expired (zero: never), so that a result
	// kept is computed again then.
	changes time.Time
}

// noteExpiry keeps in changes when evidence expiring at expires turns
// expiring (window before) or expired, if that is the first change after now.
func (st *gateState) noteExpiry(expires *time.Time, window time.Duration, now time.Time) {
	if expires == nil {
		return
	}
	for _, t := range []time.Time{expires.Add(-window), *expires} {
		if t.After(now) && (st.changes.IsZero() || t.Before(st.changes)) {
			st.changes = t
		}
	}
}

// gateWorld is the gates' facts of one system or of every system of an
// organization, read in a handful of queries, with the organization's own
// gate definitions.
type gateWorld struct {
	own     []gate.Definition
	systems map[string]*gateState
}

// loadGates reads the facts of the gates of one system (systemID) or of
// every system (systemID empty). It reads each kind of record once for the
// whole organization (one query each, never one per system), so that
// evaluating every gate of a large organization stays quick; then it joins
// them in memory.
func loadGates(ctx context.Context, q store.Querier, scope aims.Scope, systemID string, now time.Time, window time.Duration) (*gateWorld, error) {
	w := &gateWorld{systems: map[string]*gateState{}}
	var (
		systems  []*aims.AISystem
		latest   []*aims.ImpactAssessment
		classes  map[string]*aims.Classification
		reopened map[string][]*aims.GateReopening
		risks    riskRows
		versions []*aims.ModelVersion
		metrics  []aims.ValidationMetric
		criteria []aims.AcceptanceCriterion
		evidence []store.GateEvidence
	)
	err := fetchAll(ctx,
		func(ctx context.Context) (err error) { w.own, err = gateDefinitions(ctx, q, scope); return err },
		func(ctx context.Context) (err error) { systems, err = gateSystems(ctx, q, scope, systemID); return err },
		func(ctx context.Context) (err error) {
			latest, err = store.FindLatestSignedOffAssessments(ctx, q, scope, systemID)
			return err
		},
		func(ctx context.Context) (err error) {
			classes, err = store.FindCurrentClassifications(ctx, q, scope, systemID)
			return err
		},
		func(ctx context.Context) (err error) {
			reopened, err = store.FindImpactReopenings(ctx, q, scope, systemID)
			return err
		},
		func(ctx context.Context) (err error) { risks, err = fetchRisks(ctx, q, scope, systemID); return err },
		func(ctx context.Context) (err error) {
			versions, err = store.ListModelVersionStates(ctx, q, scope, systemID)
			return err
		},
		func(ctx context.Context) (err error) {
			metrics, err = store.FindValidationMetrics(ctx, q, scope, systemID, "")
			return err
		},
		func(ctx context.Context) (err error) {
			criteria, err = store.FindAcceptanceCriteria(ctx, q, scope, systemID)
			return err
		},
		func(ctx context.Context) (err error) {
			evidence, err = store.ListGateEvidence(ctx, q, scope, systemID)
			return err
		},
	)
	if err != nil {
		return nil, err
	}
	assessed := map[string]*aims.ImpactAssessment{}
	for _, a := range latest {
		assessed[a.SystemID] = a
	}
	for _, sys := range systems {
		st := &gateState{sys: sys, facts: map[string]*gate.Facts{}}
		sum := &aims.ImpactSummary{SystemID: sys.ID}
		if a := assessed[sys.ID]; a != nil {
			fillSummary(sum, a, sys, reopened[sys.ID])
			st.base.ImpactSignedOff, st.base.ImpactOutdated = true, sum.Reasons
		}
		tier := rules.Unclassified
		if c := classes[sys.ID]; c != nil {
			tier, st.base.Classified = c.Tier, true
		}
		class := rules.ImpactClassOf(rules.ImpactClassInput{Autonomy: sys.Autonomy, Domains: sys.ImpactDomains, Tier: tier,
			Residual: residualOf(sum.HighestResidual), AssessmentOutOfDate: sum.OutOfDate})
		st.strict = gate.Strict(class.Class, tier)
		w.systems[sys.ID] = st
	}
	w.addRisks(risks)
	w.addVersions(versions)
	w.addRecords(metrics, criteria, evidence, now, window)
	return w, nil
}

// gateSystems reads one system, or every system of the organization in
// one query.
func gateSystems(ctx context.Context, q store.Querier, scope aims.Scope, systemID string) ([]*aims.AISystem, error) {
	if systemID != "" {
		sys, err := store.FindSystemByID(ctx, q, scope, systemID)
		if err != nil {
			return nil, err
		}
		return []*aims.AISystem{sys}, nil
	}
	var out []*aims.AISystem
	err := store.EachSystemForGates(ctx, q, scope, func(s *aims.AISystem) error {
		out = append(out, s)
		return nil
	})
	return out, err
}

// fetchAll runs the loads one after the other and returns the first
// error. (Running them at once on the pool of readers was measured slower
// on SQLite and no quicker on PostgreSQL on two busy cores.)
func fetchAll(ctx context.Context, loads ...func(context.Context) error) error {
	for _, load := range loads {
		if err := load(ctx); err != nil {
			return err
		}
	}
	return nil
}

func residualOf(r aims.ImpactLevel) rules.AssessedImpact {
	switch r {
	case aims.ResidualNone, aims.ResidualLow:
		return rules.AssessedLow
	case aims.ResidualMedium:
		return rules.AssessedMedium
	case aims.ResidualHigh:
		return rules.AssessedHigh
	}
	return rules.AssessedUnknown
}

// riskRows are the risks of the gates' systems with the risk criteria
// they were assessed under.
type riskRows struct {
	byVersion map[int]*aims.RiskCriteria
	current   *aims.RiskCriteria
	bySystem  map[string][]*aims.Risk
}

// fetchRisks reads the risks of one system or of every system, and every
// version of the risk criteria.
func fetchRisks(ctx context.Context, q store.Querier, scope aims.Scope, systemID string) (riskRows, error) {
	var r riskRows
	var err error
	if r.byVersion, r.current, err = riskCriteriaByVersion(ctx, q, scope); err != nil {
		return r, err
	}
	r.bySystem = map[string][]*aims.Risk{}
	for page := (aims.Page{Limit: aims.MaxLimit}); ; page.Offset += page.Limit {
		list, total, err := store.FindRisks(ctx, q, scope, aims.RiskFilter{SystemID: systemID, Page: page})
		if err != nil {
			return r, err
		}
		for _, x := range list {
			r.bySystem[x.SystemID] = append(r.bySystem[x.SystemID], x)
		}
		if page.Offset+page.Limit >= total || len(list) == 0 {
			break
		}
	}
	return r, nil
}

// addRisks names, per system, the risks above appetite without an
// acceptance of their level (rules.SystemBlockers decides).
func (w *gateWorld) addRisks(r riskRows) {
	for id, risks := range r.bySystem {
		st := w.systems[id]
		if st == nil {
			continue
		}
		for _, b := range rules.SystemBlockers(rules.BlockerInput{Risks: risks, Criteria: r.byVersion, Current: r.current}) {
			if b.Kind == aims.BlockerRisk {
				st.base.RisksOverAppetite = append(st.base.RisksOverAppetite, b.Subject)
			}
		}
	}
}

func (w *gateWorld) addVersions(list []*aims.ModelVersion) {
	for _, mv := range list {
		if st := w.systems[mv.SystemID]; st != nil {
			st.versions = append(st.versions, mv)
			f := st.base
			f.Version = mv.Version
			st.facts[mv.ID] = &f
		}
	}
}

// addRecords adds the metrics, acceptance criteria and evidence.
func (w *gateWorld) addRecords(metrics []aims.ValidationMetric, criteria []aims.AcceptanceCriterion, evidence []store.GateEvidence, now time.Time, window time.Duration) {
	owner := map[string]*gateState{}
	for _, st := range w.systems {
		for _, mv := range st.versions {
			owner[mv.ID] = st
		}
	}
	for _, m := range metrics {
		if st := owner[m.ModelVersionID]; st != nil {
			f := st.facts[m.ModelVersionID]
			f.Metrics = append(f.Metrics, m)
		}
	}
	for _, c := range criteria {
		st := w.systems[c.SystemID]
		if st == nil {
			continue
		}
		for id, f := range st.facts {
			if c.ModelVersionID == "" || c.ModelVersionID == id {
				f.Criteria = append(f.Criteria, c)
			}
		}
	}
	for _, e := range evidence {
		fresh := aims.FreshMissing
		if e.CollectedAt != nil {
			fresh = rules.EvidenceFreshness(*e.CollectedAt, e.ExpiresAt, 0, window, now)
		}
		ge := gate.Evidence{Kind: e.Kind, Title: e.Title, Freshness: fresh}
		switch e.TargetType {
		case aims.TargetAISystem:
			if st := w.systems[e.TargetID]; st != nil {
				st.noteExpiry(e.ExpiresAt, window, now)
				st.base.Evidence = append(st.base.Evidence, ge)
				for _, f := range st.facts {
					f.Evidence = append(f.Evidence, ge)
				}
			}
		case aims.TargetModelVersion:
			if st := owner[e.TargetID]; st != nil {
				st.noteExpiry(e.ExpiresAt, window, now)
				ge.OfVersion = true
				f := st.facts[e.TargetID]
				f.Evidence = append(f.Evidence, ge)
			}
		}
	}
}

// gateDefinitions reads the organization's own gate definitions.
func gateDefinitions(ctx context.Context, q store.Querier, scope aims.Scope) ([]gate.Definition, error) {
	rows, err := store.FindGateDefinitions(ctx, q, scope)
	if err != nil {
		return nil, err
	}
	var out []gate.Definition
	for _, r := range rows {
		d := gate.Definition{Gate: gate.ID(r.Gate)}
		if err := json.Unmarshal(r.Checks, &d.Checks); err != nil {
			continue // stored only after validation; a row that no longer reads leaves the default
		}
		out = append(out, d)
	}
	return out, nil
}

// definition is the definition of gate g for the system.
func (w *gateWorld) definition(st *gateState, g gate.ID) gate.Definition {
	return gate.Find(w.own, g, st.strict)
}

// nextGate evaluates the first gate a model version has still to pass to
// be authorized (approved), or nil when it is approved or deployed. The
// approvals check is left out: approvals are given at the act.
func (w *gateWorld) nextGate(st *gateState, mv *aims.ModelVersion) *gate.Result {
	for _, g := range gate.Ahead(mv.Status) {
		if g == gate.VersionDeployment {
			return nil
		}
		d := withoutApprovals(w.definition(st, g))
		r := gate.Evaluate(d, *st.facts[mv.ID])
		if !r.Passed || g == gate.VersionApproval {
			return &r
		}
	}
	return nil
}

func withoutApprovals(d gate.Definition) gate.Definition {
	out := gate.Definition{Gate: d.Gate}
	for _, c := range d.Checks {
		if c.Kind != gate.CheckApprovals {
			out.Checks = append(out.Checks, c)
		}
	}
	if len(out.Checks) == 0 {
		out.Checks = d.Checks
	}
	return out
}

// riskCriteriaByVersion reads every version of the risk criteria, by
// version, and the one in force (the newest): a risk is judged against the
// appetite of the version it was assessed under.
func riskCriteriaByVersion(ctx context.Context, q store.Querier, scope aims.Scope) (map[int]*aims.RiskCriteria, *aims.RiskCriteria, error) {
	versions, err := store.FindRiskCriteriaVersions(ctx, q, scope)
	if err != nil {
		return nil, nil, err
	}
	byVersion := map[int]*aims.RiskCriteria{}
	var current *aims.RiskCriteria
	for _, c := range versions {
		byVersion[c.Version] = c
		if current == nil || c.Version > current.Version {
			current = c
		}
	}
	return byVersion, current, nil
}
