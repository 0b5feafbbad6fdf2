package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindSuppliers lists the suppliers of the caller's organization.
func (s *Service) FindSuppliers(ctx context.Context, f aims.SupplierFilter) ([]*aims.Supplier, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read suppliers")
	if err != nil {
		return nil, 0, err
	}
	if f.Supplies != "" && !f.Supplies.IsValid() {
		return nil, 0, &aims.Error{Kind: aims.KindInvalid, Message: "unknown supply category", Fields: []aims.FieldError{{Field: "supplies", Detail: "is not a known supply category"}}}
	}
	return store.FindSuppliers(ctx, s.db, scope, f)
}

// FindSupplierByID returns one supplier with how many AI systems it supplies.
func (s *Service) FindSupplierByID(ctx context.Context, id string) (*aims.Supplier, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read suppliers")
	if err != nil {
		return nil, err
	}
	return store.FindSupplierByID(ctx, s.db, scope, id)
}

// CreateSupplier adds a supplier.
func (s *Service) CreateSupplier(ctx context.Context, in *aims.Supplier) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "create suppliers")
	if err != nil {
		return err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		return store.CreateSupplier(ctx, tx, scope, in)
	})
}

// UpdateSupplier changes a supplier.
func (s *Service) UpdateSupplier(ctx context.Context, id string, upd aims.SupplierUpdate) (*aims.Supplier, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change suppliers")
	if err != nil {
		return nil, err
	}
	var out *aims.Supplier
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindSupplierByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if err := store.UpdateSupplier(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out, err = store.FindSupplierByID(ctx, tx, scope, id)
		return err
	})
	return out, err
}

// DeleteSupplier removes a supplier that no AI system or dataset names.
func (s *Service) DeleteSupplier(ctx context.Context, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete suppliers")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindSupplierByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		return store.DeleteSupplier(ctx, tx, scope, before)
	})
}
