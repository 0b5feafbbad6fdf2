package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindDatasets lists the datasets of the caller's organization.
func (s *Service) FindDatasets(ctx context.Context, f aims.DatasetFilter) ([]*aims.Dataset, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read datasets")
	if err != nil {
		return nil, 0, err
	}
	if f.PersonalData != "" && !f.PersonalData.IsValid() {
		return nil, 0, &aims.Error{Kind: aims.KindInvalid, Message: "unknown personal-data answer", Fields: []aims.FieldError{{Field: "personal_data", Detail: "must be yes, no or unknown"}}}
	}
	return store.FindDatasets(ctx, s.db, scope, f)
}

// FindDatasetByID returns one dataset with the model versions that use it.
func (s *Service) FindDatasetByID(ctx context.Context, id string) (*aims.Dataset, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read datasets")
	if err != nil {
		return nil, err
	}
	return store.FindDatasetByID(ctx, s.db, scope, id)
}

// CreateDataset adds a dataset.
func (s *Service) CreateDataset(ctx context.Context, in *aims.Dataset) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "create datasets")
	if err != nil {
		return err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		if err := checkSupplierRef(ctx, tx, scope, in.SupplierID); err != nil {
			return err
		}
		if err := checkTagRefs(ctx, tx, scope, "tags", in.Tags); err != nil {
			return err
		}
		return store.CreateDataset(ctx, tx, scope, in)
	})
}

func checkSupplierRef(ctx context.Context, q store.Querier, scope aims.Scope, id string) error {
	if id == "" {
		return nil
	}
	_, err := store.FindSupplierByID(ctx, q, scope, id)
	if aims.IsKind(err, aims.KindNotFound) {
		return &aims.Error{Kind: aims.KindInvalid, Message: "no such supplier", Fields: []aims.FieldError{{Field: "supplier_id", Detail: "no such supplier"}}}
	}
	return err
}

// UpdateDataset changes a dataset.
func (s *Service) UpdateDataset(ctx context.Context, id string, upd aims.DatasetUpdate) (*aims.Dataset, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change datasets")
	if err != nil {
		return nil, err
	}
	var out *aims.Dataset
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindDatasetByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkSupplierRef(ctx, tx, scope, after.SupplierID); err != nil {
			return err
		}
		if err := checkTagRefs(ctx, tx, scope, "tags", after.Tags); err != nil {
			return err
		}
		if err := store.UpdateDataset(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out, err = store.FindDatasetByID(ctx, tx, scope, id)
		return err
	})
	return out, err
}

// DeleteDataset removes a dataset no model version uses.
func (s *Service) DeleteDataset(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete datasets")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindDatasetByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		return store.DeleteDataset(ctx, tx, scope, before)
	})
}
