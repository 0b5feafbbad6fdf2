package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// The EU AI Act classification of each AI system (Regulation (EU)
// 2024/1689 Art. 5, 6, 50, Annex III), versioned with its answers and
// rationale. Anyone who reads may read it; whoever may change the system
// (its owner, contributors, managers) may classify it.

// EUAIAct returns the EU AI Act catalog the classification rules read.
func EUAIAct() *aims.Framework {
	eu, ok := catalog.Builtin().Framework(catalog.EUAIAct)
	if !ok {
		panic("service: the built-in catalog has no EU AI Act")
	}
	return eu
}

// FindClassification returns the current classification of an AI system:
// not found when the system is unknown, and when it is not classified yet
// (the messages differ).
func (s *Service) FindClassification(ctx context.Context, systemID string) (*aims.Classification, error) {
	return s.FindClassificationVersion(ctx, systemID, 0)
}

// FindClassificationVersion returns one version (0: the current one) of
// an AI system's classification.
func (s *Service) FindClassificationVersion(ctx context.Context, systemID string, version int) (*aims.Classification, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read EU AI Act classifications")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
		return nil, err
	}
	return store.FindClassification(ctx, s.db, scope, systemID, version)
}

// FindClassificationVersions lists every version of an AI system's
// classification, newest first.
func (s *Service) FindClassificationVersions(ctx context.Context, systemID string) ([]*aims.Classification, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read EU AI Act classifications")
	if err != nil {
		return nil, err
	}
	if _, err := store.FindSystemByID(ctx, s.db, scope, systemID); err != nil {
		return nil, err
	}
	return store.FindClassificationVersions(ctx, s.db, scope, systemID)
}

// ClassifySystem records new answers for an AI system and returns the
// classification the rules conclude, as a new version. Answers equal to the
// current version's change nothing: that version comes back, with changed
// false. Answers that name an unknown provision or contradict each other
// are refused, naming each field.
func (s *Service) ClassifySystem(ctx context.Context, systemID string, answers aims.ClassificationAnswers) (c *aims.Classification, changed bool, err error) {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "classify AI systems")
	if err != nil {
		return nil, false, err
	}
	answers.Normalize()
	err = s.transact(ctx, func(tx *store.Tx) error {
		sys, err := store.FindSystemByID(ctx, tx, readScope, systemID)
		if err != nil {
			return err
		}
		scope, _, err := authz.AuthorizeSystemEdit(ctx, sys.OwnerID, "classify this AI system")
		if err != nil {
			return err
		}
		res, err := rules.Classify(EUAIAct(), answers)
		if err != nil {
			return err
		}
		cur, err := store.FindClassification(ctx, tx, scope, systemID, 0)
		switch {
		case err == nil && cur.Answers.Equal(answers):
			c, changed = cur, false
			return nil
		case err != nil && !aims.IsKind(err, aims.KindNotFound):
			return err
		}
		c = &aims.Classification{SystemID: sys.ID, SystemName: sys.Name, ClassificationResult: *res, Answers: answers}
		changed = true
		return store.CreateClassification(ctx, tx, scope, c)
	})
	if err != nil {
		return nil, false, err
	}
	return c, changed, nil
}
