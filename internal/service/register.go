package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// record is what a register's entity does for itself: tidy its fields and
// say which of them are wrong.
type record[T any] interface {
	*T
	Normalize()
	Validate() error
}

// update is a register's partial change: it applies to a copy.
type update[T any] interface {
	Apply(T) T
}

// register is the one write path of a plain register (suppliers, datasets,
// and the registers to come): it authorizes, validates, checks references
// and runs the store calls in one transaction, so that every write is
// audited and sealed in the organization's log. An entity gives its store
// functions and its checks; its exported verbs are one-line wrappers.
//
// The store turns database errors into kinds (store/record.go): a taken
// name is a conflict on the field, a missing row not found, a row others
// still name a refused delete.
type register[T any, PT record[T], F any, U update[T]] struct {
	plural string // "suppliers", in the authorization messages

	list   func(ctx context.Context, q store.Querier, scope aims.Scope, f F) ([]*T, int, error)
	find   func(ctx context.Context, q store.Querier, scope aims.Scope, id string) (*T, error)
	create func(ctx context.Context, tx *store.Tx, scope aims.Scope, v *T) error
	update func(ctx context.Context, tx *store.Tx, scope aims.Scope, before, after *T) error
	delete func(ctx context.Context, tx *store.Tx, scope aims.Scope, before *T) error

	// checkFilter, when set, refuses a filter that names unknown values.
	checkFilter func(f F) error
	// checkRefs, when set, checks in the transaction that the records v
	// names are the organization's.
	checkRefs func(ctx context.Context, q store.Querier, scope aims.Scope, v *T) error
	// changed, when set, runs in the transaction of an update with the
	// record as it was and as stored (change control re-opens gates).
	changed func(ctx context.Context, tx *store.Tx, scope aims.Scope, before, after *T) error
	// describe, when set, fills the fields computed when a record is read
	// (a supplier's next review and due-diligence score).
	describe func(ctx context.Context, s *Service, q store.Querier, scope aims.Scope, items ...*T) error
}

// findAll lists the records of the caller's organization.
func (r register[T, PT, F, U]) findAll(ctx context.Context, s *Service, f F) ([]*T, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read "+r.plural)
	if err != nil {
		return nil, 0, err
	}
	if r.checkFilter != nil {
		if err := r.checkFilter(f); err != nil {
			return nil, 0, err
		}
	}
	list, total, err := r.list(ctx, s.db, scope, f)
	if err != nil {
		return nil, 0, err
	}
	return list, total, r.describeAll(ctx, s, s.db, scope, list...)
}

// findByID returns one record of the caller's organization.
func (r register[T, PT, F, U]) findByID(ctx context.Context, s *Service, id string) (*T, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read "+r.plural)
	if err != nil {
		return nil, err
	}
	v, err := r.find(ctx, s.db, scope, id)
	if err != nil {
		return nil, err
	}
	return v, r.describeAll(ctx, s, s.db, scope, v)
}

// add creates in; on success in holds its id and times.
func (r register[T, PT, F, U]) add(ctx context.Context, s *Service, in *T) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "create "+r.plural)
	if err != nil {
		return err
	}
	PT(in).Normalize()
	if err := PT(in).Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		if err := r.refs(ctx, tx, scope, in); err != nil {
			return err
		}
		if err := r.create(ctx, tx, scope, in); err != nil {
			return err
		}
		return r.describeAll(ctx, s, tx, scope, in)
	})
}

// change applies upd to the record and returns it as stored.
func (r register[T, PT, F, U]) change(ctx context.Context, s *Service, id string, upd U) (*T, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "change "+r.plural)
	if err != nil {
		return nil, err
	}
	var out *T
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := r.find(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		PT(&after).Normalize()
		if err := PT(&after).Validate(); err != nil {
			return err
		}
		if err := r.refs(ctx, tx, scope, &after); err != nil {
			return err
		}
		if err := r.update(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		if out, err = r.find(ctx, tx, scope, id); err != nil {
			return err
		}
		if r.changed != nil {
			if err := r.changed(ctx, tx, scope, before, out); err != nil {
				return err
			}
		}
		return r.describeAll(ctx, s, tx, scope, out)
	})
	return out, err
}

// remove deletes the record; the store refuses while others name it.
func (r register[T, PT, F, U]) remove(ctx context.Context, s *Service, id string) error {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "delete "+r.plural)
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := r.find(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		return r.delete(ctx, tx, scope, before)
	})
}

func (r register[T, PT, F, U]) refs(ctx context.Context, q store.Querier, scope aims.Scope, v *T) error {
	if r.checkRefs == nil {
		return nil
	}
	return r.checkRefs(ctx, q, scope, v)
}

func (r register[T, PT, F, U]) describeAll(ctx context.Context, s *Service, q store.Querier, scope aims.Scope, items ...*T) error {
	if r.describe == nil || len(items) == 0 {
		return nil
	}
	return r.describe(ctx, s, q, scope, items...)
}
