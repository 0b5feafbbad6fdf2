package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindSystems lists the AI systems of the caller's organization.
func (s *Service) FindSystems(ctx context.Context, f aims.SystemFilter) ([]*aims.AISystem, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return nil, 0, err
	}
	if err := validateSystemFilter(f); err != nil {
		return nil, 0, err
	}
	return store.FindSystems(ctx, s.db, scope, f)
}

func validateSystemFilter(f aims.SystemFilter) error {
	var v aims.Validation
	if f.LifecycleStage != "" && !f.LifecycleStage.IsValid() {
		v.Add("lifecycle_stage", "is not a known lifecycle stage")
	}
	if f.Autonomy != "" && !f.Autonomy.IsValid() {
		v.Add("autonomy", "is not a known autonomy level")
	}
	if f.ImpactDomain != "" && !f.ImpactDomain.IsValid() {
		v.Add("impact_domain", "is not a known impact domain")
	}
	return v.Err()
}

// FindSystemByID returns one AI system of the caller's organization.
func (s *Service) FindSystemByID(ctx context.Context, id string) (*aims.AISystem, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return nil, err
	}
	return store.FindSystemByID(ctx, s.db, scope, id)
}

// InventoryStats counts the caller's inventory for the home page.
func (s *Service) InventoryStats(ctx context.Context) (*store.InventoryStats, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read AI systems")
	if err != nil {
		return nil, err
	}
	return store.FindInventoryStats(ctx, s.db, scope)
}

// CreateSystem adds an AI system. A system owner may add systems that they
// own themselves; contributors and managers any.
func (s *Service) CreateSystem(ctx context.Context, in *aims.AISystem) error {
	in.Normalize()
	if p := authz.PrincipalFrom(ctx); in.OwnerID == "" && p != nil {
		in.OwnerID = p.UserID // the caller owns what they register, unless they name someone
	}
	scope, _, err := authz.AuthorizeSystemEdit(ctx, in.OwnerID, "create AI systems owned by someone else")
	if err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		if err := checkSystemRefs(ctx, tx, scope, in); err != nil {
			return err
		}
		act := registeredAtGatedStage(in, scope, tx)
		if err := store.CreateSystem(ctx, tx, scope, in); err != nil {
			return err
		}
		if act == nil {
			return nil
		}
		act.SystemID = in.ID
		return store.CreateStageTransition(ctx, tx, scope, act)
	})
}

// UpdateSystem changes an AI system. Its owner, contributors and managers
// may; a system owner cannot hand a system to someone else and keep editing
// it, but may reassign it. A different lifecycle stage is refused (409): a
// stage is set by its act (TransitionSystemStage).
func (s *Service) UpdateSystem(ctx context.Context, id string, upd aims.SystemUpdate) (*aims.AISystem, error) {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "change AI systems")
	if err != nil {
		return nil, err
	}
	var after aims.AISystem
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindSystemByID(ctx, tx, readScope, id)
		if err != nil {
			return err
		}
		scope, _, err := authz.AuthorizeSystemEdit(ctx, before.OwnerID, "change this AI system")
		if err != nil {
			return err
		}
		if upd.LifecycleStage != nil && upd.LifecycleStage.IsValid() && *upd.LifecycleStage != before.LifecycleStage {
			return stageEditConflict(before.LifecycleStage, *upd.LifecycleStage)
		}
		after = upd.Apply(*before)
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkSystemRefs(ctx, tx, scope, &after); err != nil {
			return err
		}
		if err := store.UpdateSystem(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		// Re-read for the joined names (owner, supplier).
		fresh, err := store.FindSystemByID(ctx, tx, scope, id)
		if err != nil {
			return err
		}
		after = *fresh
		return reopenForSupplier(ctx, tx, scope, before, &after)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// DeleteSystem removes an AI system that has no model versions or other
// records linked to it.
func (s *Service) DeleteSystem(ctx context.Context, id string) error {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, "delete AI systems")
	if err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindSystemByID(ctx, tx, readScope, id)
		if err != nil {
			return err
		}
		scope, _, err := authz.AuthorizeSystemEdit(ctx, before.OwnerID, "delete this AI system")
		if err != nil {
			return err
		}
		return store.DeleteSystem(ctx, tx, scope, before)
	})
}
