package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

type auditList struct {
	PageParams
	EntityType string `query:"entity_type" doc:"e.g. ai_system, model_version, obligation_status, dataset, supplier, member, api_token"`
	EntityID   string `query:"entity_id"`
	Actor      string `query:"actor" doc:"A user id or an API token id"`
	Action     string `query:"action" enum:"create,update,delete"`
	Since      string `query:"since" format:"date-time" doc:"Events at or after this time (RFC 3339)"`
	Until      string `query:"until" format:"date-time" doc:"Events before this time (RFC 3339)"`
}

func parseTimeParam(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil // huma has checked format:date-time
	}
	return &t
}

func (h *Handlers) registerAudit(api huma.API) {
	op := operation(http.MethodGet, "/audit-events", "list-audit-events", "Audit trail",
		"List the audit trail, newest first", authz.ReadAudit)
	op.Description += " Every create, update and delete, with the actor, the time (UTC, microseconds) and the record before and after (ISO/IEC 42001 7.5.3)."
	huma.Register(api, op, func(ctx context.Context, in *auditList) (*PageOutput[*aims.AuditEvent], error) {
		f := aims.AuditFilter{EntityType: in.EntityType, EntityID: in.EntityID, ActorID: in.Actor, Action: aims.AuditAction(in.Action),
			Since: parseTimeParam(in.Since), Until: parseTimeParam(in.Until), Page: in.page()}
		list, total, err := h.svc.FindAuditEvents(ctx, f)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return pageOf(list, total, in.PageParams), nil
	})
}
