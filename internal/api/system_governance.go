package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// obligationStatusInput sets the status of one obligation of a system.
type obligationStatusInput struct {
	ID   string `path:"id" doc:"The AI system's id"`
	Body struct {
		Article string               `json:"article" maxLength:"40" doc:"The article as the system's classification names it, e.g. Art. 9"`
		Status  aims.ObligationState `json:"status" enum:"open,in_progress,met,not_applicable"`
		Note    string               `json:"note" required:"false" maxLength:"4000" doc:"What was done and where the evidence is; required for not_applicable (why it does not apply)"`
	}
}

// registerSystemGovernance mounts the system as the hub: its governance
// records in one answer, and the status of its EU AI Act obligations.
func (h *Handlers) registerSystemGovernance(api huma.API) {
	tag := "AI systems"
	get := operation(http.MethodGet, "/systems/{id}/governance", "get-system-governance", tag,
		"Get an AI system's governance records", authz.Read)
	get.Description = "Its risks (with level, treatment and next review), the ISO/IEC 42001 controls that treat them with " +
		"their applicability and implementation status in the newest SoA version (soa_version names it), its EU AI Act " +
		"obligations from its current classification with the status of each, its impact summary, and the open items " +
		"that block it (computed, not stored)."
	huma.Register(api, get, func(ctx context.Context, in *IDParam) (*Body[*aims.SystemGovernance], error) {
		g, err := h.svc.SystemGovernance(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.SystemGovernance]{Body: g}, nil
	})
	put := operation(http.MethodPut, "/systems/{id}/obligations", "set-obligation-status", tag,
		"Set the status of one of an AI system's EU AI Act obligations", anyWrite...)
	put.Description = "Those who may edit the system may set it: open, in_progress, met or not_applicable (with a note " +
		"saying why). The article must be one the system's current classification names (422 otherwise, and for a system " +
		"not classified yet). Who set it and when are recorded and sealed in the log."
	huma.Register(api, put, func(ctx context.Context, in *obligationStatusInput) (*Body[*aims.SystemObligation], error) {
		o, err := h.svc.SetObligationStatus(ctx, &aims.ObligationStatus{SystemID: in.ID, Article: in.Body.Article,
			Status: in.Body.Status, Note: in.Body.Note})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &Body[*aims.SystemObligation]{Body: o}, nil
	})
}
