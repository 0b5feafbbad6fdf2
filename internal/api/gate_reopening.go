package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// Change control (ISO/IEC 42001 8.1, A.6.2.6): the gates material changes
// re-opened, and the act that clears them.

type reopeningList struct {
	IDParam
	PageParams
	ModelVersionID string `query:"model_version_id" doc:"Only the re-openings of this model version"`
	Open           bool   `query:"open" doc:"Only the re-openings not cleared"`
}

type reopeningClear struct {
	IDParam
	Body aims.GateClearance
}

type reopeningsOut struct {
	Body []*aims.GateReopening
}

func (h *Handlers) registerGateReopenings(api huma.API) {
	const tag = "Change control"
	list := operation(http.MethodGet, "/systems/{id}/reopenings", "list-gate-reopenings", tag,
		"List the gates material changes re-opened on an AI system, newest first", authz.Read)
	list.Description += " A change to a dataset a model version uses, to the tags of a feature it consumes, to the system's supplier, " +
		"a failed recalibration of an instrument feeding it, or to the version's own datasets re-opens the version's validation gate: " +
		"the authorization answer for the version is no (code gate_reopened) until the gate is passed again or the re-opening is cleared. " +
		"A new candidate model version re-opens the system's deployment gate."
	huma.Register(api, list, func(ctx context.Context, in *reopeningList) (*PageOutput[*aims.GateReopening], error) {
		items, total, err := h.svc.FindGateReopenings(ctx, in.ID, aims.GateReopeningFilter{ModelVersionID: in.ModelVersionID,
			OpenOnly: in.Open, Page: in.page()})
		if err != nil {
			return nil, fail(ctx, err)
		}
		return pageOf(items, total, in.PageParams), nil
	})

	clr := operation(http.MethodPost, "/systems/{id}/reopenings/clear", "clear-gate-reopenings", tag,
		"Clear the re-opened gate of a model version (or of the system) with a reason", authz.Approve)
	clr.Description += " An AIMS manager or an admin who checked that the change needs no new validation may; the clearing is " +
		"recorded and sealed, and the version may act again. Nothing re-opened there: 409."
	huma.Register(api, clr, func(ctx context.Context, in *reopeningClear) (*reopeningsOut, error) {
		out, err := h.svc.ClearGateReopenings(ctx, in.ID, in.Body)
		if err != nil {
			return nil, fail(ctx, err)
		}
		return &reopeningsOut{Body: out}, nil
	})
}
