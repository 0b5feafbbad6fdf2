package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// suppliers is the supplier register (ISO/IEC 42001 A.10.3).
var suppliers = register[aims.Supplier, *aims.Supplier, aims.SupplierFilter, aims.SupplierUpdate]{
	plural: "suppliers",
	list:   store.FindSuppliers, find: store.FindSupplierByID,
	create: store.CreateSupplier, update: store.UpdateSupplier, delete: store.DeleteSupplier,
	checkFilter: func(f aims.SupplierFilter) error {
		if f.Supplies != "" && !f.Supplies.IsValid() {
			return &aims.Error{Kind: aims.KindInvalid, Message: "unknown supply category", Fields: []aims.FieldError{{Field: "supplies", Detail: "is not a known supply category"}}}
		}
		return nil
	},
}

// FindSuppliers lists the suppliers of the caller's organization.
func (s *Service) FindSuppliers(ctx context.Context, f aims.SupplierFilter) ([]*aims.Supplier, int, error) {
	return suppliers.findAll(ctx, s, f)
}

// FindSupplierByID returns one supplier with how many AI systems it supplies.
func (s *Service) FindSupplierByID(ctx context.Context, id string) (*aims.Supplier, error) {
	return suppliers.findByID(ctx, s, id)
}

// CreateSupplier adds a supplier.
func (s *Service) CreateSupplier(ctx context.Context, in *aims.Supplier) error {
	return suppliers.add(ctx, s, in)
}

// UpdateSupplier changes a supplier.
func (s *Service) UpdateSupplier(ctx context.Context, id string, upd aims.SupplierUpdate) (*aims.Supplier, error) {
	return suppliers.change(ctx, s, id, upd)
}

// DeleteSupplier removes a supplier that no AI system or dataset names.
func (s *Service) DeleteSupplier(ctx context.Context, id string) error {
	return suppliers.remove(ctx, s, id)
}
