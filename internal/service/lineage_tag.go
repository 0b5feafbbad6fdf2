package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindTags lists the tags of the caller's organization.
func (s *Service) FindTags(ctx context.Context, f aims.TagFilter) ([]*aims.Tag, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, 0, err
	}
	return store.FindTags(ctx, s.db, scope, f)
}

// FindTagByID returns one tag with the features and datasets that use it.
func (s *Service) FindTagByID(ctx context.Context, id string) (*aims.Tag, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read lineage records")
	if err != nil {
		return nil, err
	}
	return store.FindTagByID(ctx, s.db, scope, id)
}

// CreateTag adds a tag.
func (s *Service) CreateTag(ctx context.Context, t *aims.Tag) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "create tags")
	if err != nil {
		return err
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		if err := checkInstrumentRef(ctx, tx, scope, t); err != nil {
			return err
		}
		return store.CreateTag(ctx, tx, scope, t)
	})
}

// UpdateTag changes a tag.
func (s *Service) UpdateTag(ctx context.Context, id string, upd aims.TagUpdate) (*aims.Tag, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change tags")
	if err != nil {
		return nil, err
	}
	var out *aims.Tag
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindTagByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkInstrumentRef(ctx, tx, scope, &after); err != nil {
			return err
		}
		if err := store.UpdateTag(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out, err = store.FindTagByID(ctx, tx, scope, id)
		return err
	})
	return out, err
}

// DeleteTag removes a tag no feature and no dataset uses; otherwise it is
// a conflict.
func (s *Service) DeleteTag(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete tags")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindTagByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		return store.DeleteTag(ctx, tx, scope, before)
	})
}
