package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// datasets is the dataset register (ISO/IEC 42001 A.7.2 to A.7.6).
var datasets = register[aims.Dataset, *aims.Dataset, aims.DatasetFilter, aims.DatasetUpdate]{
	plural: "datasets",
	list:   store.FindDatasets, find: store.FindDatasetByID,
	create: store.CreateDataset, update: store.UpdateDataset, delete: store.DeleteDataset,
	checkFilter: func(f aims.DatasetFilter) error {
		if f.PersonalData != "" && !f.PersonalData.IsValid() {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown personal-data answer", Fields: []aims.FieldError{{Field: "personal_data", Detail: "must be yes, no or unknown"}}}
		}
		return nil
	},
	checkRefs: func(ctx context.Context, q store.Querier, scope aims.Scope, d *aims.Dataset) error {
		if err := checkSupplierRef(ctx, q, scope, d.SupplierID); err != nil {
			return err
		}
		return checkTagRefs(ctx, q, scope, "tags", d.Tags)
	},
	changed: reopenForDataset,
}

// FindDatasets lists the datasets of the caller's organization.
func (s *Service) FindDatasets(ctx context.Context, f aims.DatasetFilter) ([]*aims.Dataset, int, error) {
	return datasets.findAll(ctx, s, f)
}

// FindDatasetByID returns one dataset with the model versions that use it.
func (s *Service) FindDatasetByID(ctx context.Context, id string) (*aims.Dataset, error) {
	return datasets.findByID(ctx, s, id)
}

// CreateDataset adds a dataset.
func (s *Service) CreateDataset(ctx context.Context, in *aims.Dataset) error {
	return datasets.add(ctx, s, in)
}

// UpdateDataset changes a dataset.
func (s *Service) UpdateDataset(ctx context.Context, id string, upd aims.DatasetUpdate) (*aims.Dataset, error) {
	return datasets.change(ctx, s, id, upd)
}

// DeleteDataset removes a dataset no model version uses.
func (s *Service) DeleteDataset(ctx context.Context, id string) error {
	return datasets.remove(ctx, s, id)
}
