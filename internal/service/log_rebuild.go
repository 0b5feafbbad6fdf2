package service

import (
	"context"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/store"
)

// maxRebuildReason bounds a rebuild's reason (it is sealed in an entry).
const maxRebuildReason = 2000

// RebuildLog starts a new log for the caller's organization, whose log was
// found broken: the new log's first entry records the break (the reason,
// who, when, and what was left of the old log, its last signed checkpoint
// included), then the audit trail and the decisions are sealed in it
// again. The rebuild is an audit event. Only the host's operator may
// ('aims log rebuild'). A refusal of the organization's log ends; a
// checkpoint of the new log is signed when this process holds the key.
func (s *Service) RebuildLog(ctx context.Context, reason string) (*aims.LogRebuild, string, error) {
	scope, p, err := authz.Authorize(ctx, authz.Edit, "rebuild the log")
	if err != nil {
		return nil, "", err
	}
	if !p.Operator {
		return nil, "", aims.ErrForbidden("rebuild the log (only the host's operator may, with 'aims log rebuild')")
	}
	reason = strings.TrimSpace(reason)
	var v aims.Validation
	v.Required("reason", reason)
	v.MaxLen("reason", reason, maxRebuildReason)
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	prefix, _, err := s.originPrefix()
	if err != nil {
		return nil, "", err
	}
	var rebuild *aims.LogRebuild
	err = s.transact(ctx, func(tx *store.Tx) error {
		var err error
		_, rebuild, err = store.RebuildLog(ctx, tx, scope, func(r *aims.LogRebuild, prev *ledger.PreviousLog) ([]byte, error) {
			r.Reason, r.Origin = reason, ledger.LogOrigin(prefix, p.OrgSlug, r.Generation)
			return ledger.EncodeLogRebuilt(ledger.LogRebuilt{Actor: scope.Actor(), ID: r.ID, Generation: r.Generation,
				OrgID: p.OrgID, Previous: prev, Reason: reason, Time: tx.Now()})
		})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	s.db.AllowLog(p.OrgID)
	s.log.WarnContext(ctx, "the tamper-evident log of an organization was rebuilt", "org", p.OrgSlug, "origin", rebuild.Origin,
		"generation", rebuild.Generation, "previous_origin", rebuild.PreviousOrigin, "previous_size", rebuild.PreviousSize, "reason", reason)
	if !s.HasLogKey() {
		return rebuild, "", nil
	}
	if _, err := s.signLog(ctx, p.OrgID); err != nil {
		return rebuild, "", err
	}
	k, err := s.orgKey(rebuild.Origin)
	if err != nil {
		return rebuild, "", err
	}
	return rebuild, k.VerifierKey, nil
}
