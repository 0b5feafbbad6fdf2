package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// FindAuditEvents lists the audit trail of the caller's organization, newest
// first (ISO/IEC 42001 7.5.3). Admins, AIMS managers and auditors may read
// it: it holds the before and after of every record.
func (s *Service) FindAuditEvents(ctx context.Context, f aims.AuditFilter) ([]*aims.AuditEvent, int, error) {
	scope, _, err := authz.Authorize(ctx, authz.ReadAudit, "read the audit trail")
	if err != nil {
		return nil, 0, err
	}
	var v aims.Validation
	if f.Action != "" && f.Action != aims.ActionCreate && f.Action != aims.ActionUpdate && f.Action != aims.ActionDelete {
		v.Add("action", "must be create, update or delete")
	}
	if f.Since != nil && f.Until != nil && !f.Until.After(*f.Since) {
		v.Add("until", "must be after since")
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	return store.FindAuditEvents(ctx, s.db, scope, f)
}
