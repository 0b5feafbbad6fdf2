package service

import (
	"context"
	"slices"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// AI system impact assessments (ISO/IEC 42001 6.1.4, 8.4, A.5.2 to A.5.5).
// A draft is written by whoever may change the system; only the system's
// owner signs it off. A signed-off version is frozen and is marked out of
// date when the system changes significantly (rules.ImpactOutOfDate).

// FindImpactAssessments lists the versions of a system's impact
// assessment, newest first.
func (s *Service) FindImpactAssessments(ctx context.Context, systemID string) ([]*aims.ImpactAssessment, error) {
	sys, scope, list, err := s.systemAssessments(ctx, systemID)
	if err != nil {
		return nil, err
	}
	return list, describeAssessments(ctx, s.db, scope, sys, list...)
}

// systemAssessments reads a system and the versions of its impact
// assessment, newest first, for a caller who may read them.
func (s *Service) systemAssessments(ctx context.Context, systemID string) (*aims.AISystem, aims.Scope, []*aims.ImpactAssessment, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read impact assessments")
	if err != nil {
		return nil, scope, nil, err
	}
	sys, err := store.FindSystemByID(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, scope, nil, err
	}
	list, err := store.FindImpactAssessments(ctx, s.db, scope, sys.ID)
	return sys, scope, list, err
}

// FindImpactAssessment returns one version with the risks raised from its
// areas and, once signed off, why it is out of date.
func (s *Service) FindImpactAssessment(ctx context.Context, systemID, id string) (*aims.ImpactAssessment, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read impact assessments")
	if err != nil {
		return nil, err
	}
	sys, err := store.FindSystemByID(ctx, s.db, scope, systemID)
	if err != nil {
		return nil, err
	}
	a, err := store.FindImpactAssessment(ctx, s.db, scope, sys.ID, id)
	if err != nil {
		return nil, err
	}
	return a, describeAssessments(ctx, s.db, scope, sys, a)
}

// describeAssessments fills the linked risks and the out-of-date reasons.
func describeAssessments(ctx context.Context, q store.Querier, scope aims.Scope, sys *aims.AISystem, list ...*aims.ImpactAssessment) error {
	ids := make([]string, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	links, err := store.FindRiskLinks(ctx, q, scope, ids)
	if err != nil {
		return err
	}
	reopened, err := store.FindImpactReopenings(ctx, q, scope, sys.ID)
	if err != nil {
		return err
	}
	now := aims.SnapshotOf(sys)
	for _, a := range list {
		a.Normalize()
		for i := range a.Areas {
			a.Areas[i].LinkedRisks = links[a.ID][a.Areas[i].Area]
		}
		if a.Snapshot != nil {
			a.OutOfDate = rules.ImpactOutOfDate(*a.Snapshot, now)
		}
		if a.SignedOffAt != nil {
			a.OutOfDate = append(a.OutOfDate, rules.ImpactReopened(*a.SignedOffAt, reopened[sys.ID])...)
		}
	}
	return nil
}

// systemForWrite loads a system and checks that the caller may change it.
func systemForWrite(ctx context.Context, tx *store.Tx, systemID, what string) (*aims.AISystem, aims.Scope, error) {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, what)
	if err != nil {
		return nil, aims.Scope{}, err
	}
	sys, err := store.FindSystemByID(ctx, tx, readScope, systemID)
	if err != nil {
		return nil, aims.Scope{}, err
	}
	scope, _, err := authz.AuthorizeSystemEdit(ctx, sys.OwnerID, what+" of "+sys.Name)
	return sys, scope, err
}

// StartImpactAssessment starts a new draft version of a system's impact
// assessment: a copy of the newest version, or, for the first, one with
// the system's purpose as its intended use. One draft at a time (409).
func (s *Service) StartImpactAssessment(ctx context.Context, systemID string) (*aims.ImpactAssessment, error) {
	var out *aims.ImpactAssessment
	err := s.transact(ctx, func(tx *store.Tx) error {
		sys, scope, err := systemForWrite(ctx, tx, systemID, "assess the impact")
		if err != nil {
			return err
		}
		prev, err := store.FindImpactAssessments(ctx, tx, scope, sys.ID)
		if err != nil {
			return err
		}
		a := &aims.ImpactAssessment{SystemID: sys.ID, SystemName: sys.Name, IntendedUse: sys.Purpose}
		if len(prev) > 0 {
			if prev[0].Status == aims.AssessmentDraft {
				return aims.Errorf(aims.KindConflict, "version %d of this impact assessment is a draft already: edit it, or sign it off first", prev[0].Version)
			}
			p := prev[0]
			a.IntendedUse, a.ForeseeableMisuse, a.AffectedParties = p.IntendedUse, p.ForeseeableMisuse, slices.Clone(p.AffectedParties)
			a.AffectedDescription, a.Areas, a.Conclusion = p.AffectedDescription, slices.Clone(p.Areas), p.Conclusion
		}
		a.Normalize()
		if err := store.CreateImpactAssessment(ctx, tx, scope, a); err != nil {
			return err
		}
		out = a
		return describeAssessments(ctx, tx, scope, sys, a)
	})
	return out, err
}

// UpdateImpactAssessment changes a draft. A signed-off version is frozen
// (409).
func (s *Service) UpdateImpactAssessment(ctx context.Context, systemID, id string, upd aims.ImpactAssessmentUpdate) (*aims.ImpactAssessment, error) {
	var out *aims.ImpactAssessment
	err := s.transact(ctx, func(tx *store.Tx) error {
		sys, scope, err := systemForWrite(ctx, tx, systemID, "change the impact assessment")
		if err != nil {
			return err
		}
		before, err := store.FindImpactAssessment(ctx, tx, scope, sys.ID, id)
		if err != nil {
			return err
		}
		if before.Status != aims.AssessmentDraft {
			return aims.Errorf(aims.KindConflict, "impact assessment version %d is signed off and frozen: start a new version to change it", before.Version)
		}
		before.Normalize()
		after := upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if err := store.UpdateImpactAssessment(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out = &after
		return describeAssessments(ctx, tx, scope, sys, out)
	})
	return out, err
}

// SignOffImpactAssessment signs off a draft as the system's owner (6.1.4:
// the owner answers for the system's impacts), recording who and when and
// a snapshot of the system. Every impact area must be assessed or marked
// as not applying; otherwise 422 names each blank area.
func (s *Service) SignOffImpactAssessment(ctx context.Context, systemID, id string) (*aims.ImpactAssessment, error) {
	var out *aims.ImpactAssessment
	err := s.transact(ctx, func(tx *store.Tx) error {
		sys, scope, err := systemForWrite(ctx, tx, systemID, "sign off the impact assessment")
		if err != nil {
			return err
		}
		if p := authz.PrincipalFrom(ctx); p.UserID == "" || p.UserID != sys.OwnerID {
			return aims.Errorf(aims.KindForbidden, "only the system's owner, %s, signs off its impact assessment", sys.OwnerName)
		}
		before, err := store.FindImpactAssessment(ctx, tx, scope, sys.ID, id)
		if err != nil {
			return err
		}
		if before.Status != aims.AssessmentDraft {
			return aims.Errorf(aims.KindConflict, "impact assessment version %d is signed off already", before.Version)
		}
		before.Normalize()
		if problems := before.SignOffProblems(); len(problems) > 0 {
			return &aims.Error{Kind: aims.KindInvalid, Fields: problems,
				Message: "the assessment is not complete: " + problems[0].Detail}
		}
		after := *before
		if err := store.SignOffImpactAssessment(ctx, tx, scope, before, &after, aims.SnapshotOf(sys)); err != nil {
			return err
		}
		out = &after
		return describeAssessments(ctx, tx, scope, sys, out)
	})
	return out, err
}

// ImpactSummary tells, for one AI system, its latest signed-off impact
// assessment, the highest residual impact in it, and whether it is out of
// date (with the reasons). The impact-class rule reads it.
func (s *Service) ImpactSummary(ctx context.Context, systemID string) (*aims.ImpactSummary, error) {
	sys, scope, list, err := s.systemAssessments(ctx, systemID)
	if err != nil {
		return nil, err
	}
	reopened, err := store.FindImpactReopenings(ctx, s.db, scope, sys.ID)
	if err != nil {
		return nil, err
	}
	return summaryOf(sys, list, reopened[sys.ID]), nil
}

// impactSummaryOf reads the summary of sys's impact assessment inside a
// call that has authorized already.
func impactSummaryOf(ctx context.Context, q store.Querier, scope aims.Scope, sys *aims.AISystem) (*aims.ImpactSummary, error) {
	list, err := store.FindImpactAssessments(ctx, q, scope, sys.ID)
	if err != nil {
		return nil, err
	}
	reopened, err := store.FindImpactReopenings(ctx, q, scope, sys.ID)
	if err != nil {
		return nil, err
	}
	return summaryOf(sys, list, reopened[sys.ID]), nil
}

// summaryOf summarizes a system's assessments, newest first.
func summaryOf(sys *aims.AISystem, list []*aims.ImpactAssessment, reopened []*aims.GateReopening) *aims.ImpactSummary {
	sum := &aims.ImpactSummary{SystemID: sys.ID}
	for _, a := range list { // newest first
		switch {
		case a.Status == aims.AssessmentDraft:
			sum.Draft = a.Version
		case sum.AssessmentID == "":
			fillSummary(sum, a, sys, reopened)
		}
	}
	return sum
}

// ImpactSummaries returns the summary of every AI system of the
// organization that has a signed-off impact assessment, by system id.
func (s *Service) ImpactSummaries(ctx context.Context) (map[string]*aims.ImpactSummary, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read impact assessments")
	if err != nil {
		return nil, err
	}
	latest, err := store.FindLatestSignedOffAssessments(ctx, s.db, scope, "")
	if err != nil {
		return nil, err
	}
	drafts, err := store.FindDraftAssessmentVersions(ctx, s.db, scope)
	if err != nil {
		return nil, err
	}
	reopened, err := store.FindImpactReopenings(ctx, s.db, scope, "")
	if err != nil {
		return nil, err
	}
	out := map[string]*aims.ImpactSummary{}
	for _, a := range latest {
		sys, err := store.FindSystemByID(ctx, s.db, scope, a.SystemID)
		if err != nil {
			return nil, err
		}
		sum := &aims.ImpactSummary{SystemID: sys.ID, Draft: drafts[sys.ID]}
		fillSummary(sum, a, sys, reopened[sys.ID])
		out[sys.ID] = sum
	}
	return out, nil
}

// fillSummary fills sum from a, the latest signed-off assessment of sys;
// reopened are the system's re-openings that may put it out of date.
func fillSummary(sum *aims.ImpactSummary, a *aims.ImpactAssessment, sys *aims.AISystem, reopened []*aims.GateReopening) {
	a.Normalize()
	sum.AssessmentID, sum.Version, sum.SignedOffAt = a.ID, a.Version, a.SignedOffAt
	sum.HighestResidual, sum.HighestArea = a.HighestResidual()
	if a.Snapshot != nil {
		sum.Reasons = rules.ImpactOutOfDate(*a.Snapshot, aims.SnapshotOf(sys))
	}
	if a.SignedOffAt != nil {
		sum.Reasons = append(sum.Reasons, rules.ImpactReopened(*a.SignedOffAt, reopened)...)
	}
	sum.OutOfDate = len(sum.Reasons) > 0
}
