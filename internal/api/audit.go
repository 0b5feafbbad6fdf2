package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
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

func (in *auditList) filter() aims.AuditFilter {
	return aims.AuditFilter{EntityType: in.EntityType, EntityID: in.EntityID, ActorID: in.Actor, Action: aims.AuditAction(in.Action),
		Since: parseTimeParam(in.Since), Until: parseTimeParam(in.Until), Page: in.page()}
}

func (h *Handlers) registerAudit(api huma.API) {
	op := operation(http.MethodGet, "/audit-events", "list-audit-events", "Audit trail",
		"List the audit trail, newest first", authz.ReadAudit)
	op.Description += " Every create, update and delete, with the actor, the time (UTC, microseconds) and the record before and after (ISO/IEC 42001 7.5.3)."
	huma.Register(api, op, func(ctx context.Context, in *auditList) (*PageOutput[*aims.AuditEvent], error) {
		list, total, err := h.svc.FindAuditEvents(ctx, in.filter())
		if err != nil {
			return nil, fail(ctx, err)
		}
		return pageOf(list, total, in.PageParams), nil
	})
	exp := operation(http.MethodGet, "/audit-events/export.csv", "export-audit-events", "Audit trail",
		"Export the audit trail as CSV", authz.ReadAudit)
	exp.Description += " Every event that the list's filters select (all pages; page and per_page are ignored), newest first, in the columns " +
		strings.Join(service.AuditCSVColumns, ", ") + "; before and after are the records as JSON, times RFC 3339 UTC with microseconds. " +
		"Needs reading the audit trail as well as exporting (admins, AIMS managers, auditors). UTF-8 with a byte-order mark; " +
		"a cell that a spreadsheet would run as a formula starts with an apostrophe."
	huma.Register(api, exp, func(ctx context.Context, in *auditList) (*csvFile, error) {
		var buf bytes.Buffer
		if err := h.svc.ExportAuditCSV(ctx, &buf, in.filter()); err != nil {
			return nil, fail(ctx, err)
		}
		return csvAttachment(ctx, "audit-trail", buf.Bytes()), nil
	})
}
