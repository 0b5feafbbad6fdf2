package service

import (
	"context"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// AcceptRisk records the acceptance (retention) of a risk at the level
// that stands, residual when assessed (6.1.3 f): who, when and why. The
// current criteria say who may accept each level; accepting a risk above
// the appetite needs an AIMS manager, and the refusal (403) says so.
func (s *Service) AcceptRisk(ctx context.Context, id, rationale string) (*aims.Risk, error) {
	readScope, p, err := authz.AuthorizeSystemWrite(ctx, "accept risks")
	if err != nil {
		return nil, err
	}
	rationale = strings.TrimSpace(rationale)
	var out *aims.Risk
	err = s.transact(ctx, func(tx *store.Tx) error {
		before, err := store.FindRiskByID(ctx, tx, readScope, id, s.today())
		if err != nil {
			return err
		}
		c, err := currentCriteria(ctx, tx, readScope)
		if err != nil {
			return err
		}
		level := before.Current()
		d := rules.MayAccept(c, level, rules.Acceptor{Role: p.Role, IsRiskOwner: p.UserID != "" && p.UserID == before.OwnerID})
		if !d.Allowed {
			if c.Level(level) == nil || c.Level(level).AcceptBy == aims.AcceptByNobody {
				return aims.Errorf(aims.KindConflict, "%s: %s", before.Ref(), d.Reason)
			}
			return aims.Errorf(aims.KindForbidden, "%s", d.Reason)
		}
		var v aims.Validation
		v.Required("rationale", rationale)
		v.MaxLen("rationale", rationale, 4000)
		if before.Status == aims.RiskClosed {
			v.Add("status", "the risk is closed: reopen it before accepting it")
		}
		if err := v.Err(); err != nil {
			return err
		}
		after := *before
		after.Acceptance = &aims.RiskAcceptance{ByID: p.UserID, By: readScope.Actor().Label, At: tx.Now(), Rationale: rationale, Level: level}
		after.Status = aims.RiskAccepted
		if after.Treatment == "" {
			after.Treatment = aims.TreatRetain
		}
		if err := store.UpdateRisk(ctx, tx, readScope, before, &after); err != nil {
			return err
		}
		out, err = store.FindRiskByID(ctx, tx, readScope, id, s.today())
		if err != nil {
			return err
		}
		return s.describeRisks(ctx, tx, readScope, out)
	})
	return out, err
}

// LinkRiskControl adds an Annex A control to the controls that treat a
// risk. An unknown control is refused (422); a control the SoA excludes is
// linked and reported as an inconsistency to resolve.
func (s *Service) LinkRiskControl(ctx context.Context, id, control string) (*aims.Risk, error) {
	control = strings.TrimSpace(control)
	return s.changeControls(ctx, id, func(list []string) ([]string, error) {
		if slices.Contains(list, control) {
			return nil, aims.Errorf(aims.KindConflict, "%s already treats this risk", control)
		}
		return append(list, control), nil
	})
}

// UnlinkRiskControl removes a control from the controls that treat a risk.
func (s *Service) UnlinkRiskControl(ctx context.Context, id, control string) (*aims.Risk, error) {
	return s.changeControls(ctx, id, func(list []string) ([]string, error) {
		i := slices.Index(list, control)
		if i < 0 {
			return nil, aims.ErrNotFound("control " + control + " of this risk")
		}
		return slices.Delete(list, i, i+1), nil
	})
}

func (s *Service) changeControls(ctx context.Context, id string, change func([]string) ([]string, error)) (*aims.Risk, error) {
	r, err := s.FindRiskByID(ctx, id)
	if err != nil {
		return nil, err
	}
	list, err := change(slices.Clone(r.Controls))
	if err != nil {
		return nil, err
	}
	out, err := s.UpdateRisk(ctx, id, aims.RiskUpdate{Controls: &list})
	if ae, ok := err.(*aims.Error); ok && ae.Kind == aims.KindInvalid {
		// Name the control as the caller gave it, not its position.
		for i, f := range ae.Fields {
			if strings.HasPrefix(f.Field, "controls/") {
				ae.Fields[i].Field = "control_id"
			}
		}
	}
	return out, err
}
