package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// Treatment actions (6.1.3 e, 8.3) are changed by whoever may change their
// risk.

// riskForWrite loads risk id and checks that the caller may change it.
func (s *Service) riskForWrite(ctx context.Context, tx *store.Tx, id, what string) (*aims.Risk, aims.Scope, error) {
	readScope, _, err := authz.AuthorizeSystemWrite(ctx, what)
	if err != nil {
		return nil, aims.Scope{}, err
	}
	r, err := store.FindRiskByID(ctx, tx, readScope, id, s.today())
	if err != nil {
		return nil, aims.Scope{}, err
	}
	scope, err := authorizeRiskWrite(ctx, tx, readScope, r.SystemID, what)
	return r, scope, err
}

// CreateRiskAction adds a treatment action to a risk; its owner defaults
// to the risk's owner.
func (s *Service) CreateRiskAction(ctx context.Context, riskID string, in *aims.TreatmentAction) error {
	if _, _, err := authz.AuthorizeSystemWrite(ctx, "plan treatment actions"); err != nil {
		return err
	}
	in.Normalize()
	return s.transact(ctx, func(tx *store.Tx) error {
		r, scope, err := s.riskForWrite(ctx, tx, riskID, "plan treatment actions")
		if err != nil {
			return err
		}
		in.RiskID = r.ID
		if in.OwnerID == "" {
			in.OwnerID = r.OwnerID
		}
		if err := s.checkAction(ctx, tx, scope, in); err != nil {
			return err
		}
		return store.CreateRiskAction(ctx, tx, scope, in)
	})
}

func (s *Service) checkAction(ctx context.Context, tx *store.Tx, scope aims.Scope, a *aims.TreatmentAction) error {
	var v aims.Validation
	if err := a.Validate(); err != nil {
		v.AddAll("", err.(*aims.Error).Fields)
	}
	if a.OwnerID != "" {
		if err := checkMember(ctx, tx, scope, a.OwnerID); err != nil {
			ae, ok := err.(*aims.Error)
			if !ok {
				return err
			}
			v.AddAll("", ae.Fields)
		}
	}
	return v.Err()
}

// UpdateRiskAction changes a treatment action.
func (s *Service) UpdateRiskAction(ctx context.Context, riskID, id string, upd aims.TreatmentActionUpdate) (*aims.TreatmentAction, error) {
	if _, _, err := authz.AuthorizeSystemWrite(ctx, "change treatment actions"); err != nil {
		return nil, err
	}
	var out *aims.TreatmentAction
	err := s.transact(ctx, func(tx *store.Tx) error {
		r, scope, err := s.riskForWrite(ctx, tx, riskID, "change treatment actions")
		if err != nil {
			return err
		}
		before, err := store.FindRiskAction(ctx, tx, scope, r.ID, id, s.today())
		if err != nil {
			return err
		}
		after := upd.Apply(*before)
		after.Normalize()
		if err := s.checkAction(ctx, tx, scope, &after); err != nil {
			return err
		}
		if err := store.UpdateRiskAction(ctx, tx, scope, before, &after); err != nil {
			return err
		}
		out, err = store.FindRiskAction(ctx, tx, scope, r.ID, id, s.today())
		return err
	})
	return out, err
}

// DeleteRiskAction removes a treatment action.
func (s *Service) DeleteRiskAction(ctx context.Context, riskID, id string) error {
	if _, _, err := authz.AuthorizeSystemWrite(ctx, "delete treatment actions"); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		r, scope, err := s.riskForWrite(ctx, tx, riskID, "delete treatment actions")
		if err != nil {
			return err
		}
		before, err := store.FindRiskAction(ctx, tx, scope, r.ID, id, s.today())
		if err != nil {
			return err
		}
		return store.DeleteRiskAction(ctx, tx, scope, before)
	})
}

// FindRiskAction returns one treatment action of a risk.
func (s *Service) FindRiskAction(ctx context.Context, riskID, id string) (*aims.TreatmentAction, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the risk register")
	if err != nil {
		return nil, err
	}
	return store.FindRiskAction(ctx, s.db, scope, riskID, id, s.today())
}
