package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindFeatures lists the features of the caller's organization, with their
// tags.
func (s *Service) FindFeatures(ctx context.Context, f aims.FeatureFilter) ([]*aims.Feature, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, 0, err
	}
	return store.FindFeatures(ctx, s.db, scope, f)
}

// FindFeatureByID returns one feature with its tags and the model versions
// that consume it.
func (s *Service) FindFeatureByID(ctx context.Context, id string) (*aims.Feature, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, err
	}
	return store.FindFeatureByID(ctx, s.db, scope, id)
}

// CreateFeature adds a feature derived from tags (given by id).
func (s *Service) CreateFeature(ctx context.Context, f *aims.Feature) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "create features")
	if err != nil {
		return err
	}
	f.Normalize()
	if err := f.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		if err := checkTagRefs(ctx, tx, scope, "tags", f.Tags); err != nil {
			return err
		}
		return store.CreateFeature(ctx, tx, scope, f)
	})
}

// UpdateFeature changes a feature; tags, when given, replace the list.
func (s *Service) UpdateFeature(ctx context.Context, id string, upd aims.FeatureUpdate) (*aims.Feature, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change features")
	if err != nil {
		return nil, err
	}
	var out *aims.Feature
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindFeatureByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkTagRefs(ctx, tx, scope, "tags", after.Tags); err != nil {
			return err
		}
		if err := store.UpdateFeature(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		if err := reopenForFeature(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out, err = store.FindFeatureByID(ctx, tx, scope, id)
		return err
	})
	return out, err
}

// DeleteFeature removes a feature no model version consumes; otherwise it
// is a conflict.
func (s *Service) DeleteFeature(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete features")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindFeatureByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		return store.DeleteFeature(ctx, tx, scope, before)
	})
}
